using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Runtime;

/// <summary>Process-wide llama.cpp start-up: load the pinned libraries, route the log, register backends.</summary>
public static class LlamaRuntime
{
    private static readonly Lock s_gate = new();
    private static bool s_initialized;

    /// <summary>Directory the native libraries were loaded from (after <see cref="Initialize"/>).</summary>
    public static string? NativeDirectory => NativeLibraryLoader.Directory;

    /// <summary>
    /// Loads llama.cpp once. <paramref name="nativeDirectory"/> overrides the bundled build
    /// (as does the ANOMALYPROBE_LLAMA_DIR environment variable); <paramref name="log"/> receives
    /// llama.cpp's own log (null keeps it silent).
    /// </summary>
    public static void Initialize(string? nativeDirectory = null, TextWriter? log = null)
    {
        lock (s_gate)
        {
            NativeLog.Sink = log;
            if (s_initialized) return;
            NativeLibraryLoader.Load(nativeDirectory);
            NativeLog.Install();
            NativeMethods.llama_backend_init();
            NativeMethods.ggml_backend_load_all_from_path(NativeLibraryLoader.Directory!);
            if (NativeMethods.ggml_backend_dev_count() == 0)
            {
                throw new LlamaException($"no ggml backend could be loaded from '{NativeLibraryLoader.Directory}' (is a libggml-cpu-*.so for this CPU there?)");
            }
            s_initialized = true;
        }
    }

    /// <summary>The version string the loaded libllama reports.</summary>
    public static unsafe string Version
    {
        get
        {
            Initialize();
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_version()) ?? "";
        }
    }

    /// <summary>llama.cpp's description of the CPU features it uses.</summary>
    public static unsafe string SystemInfo
    {
        get
        {
            Initialize();
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_print_system_info()) ?? "";
        }
    }
}
