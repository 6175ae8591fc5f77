using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Probe.Native;

/// <summary>Process-wide llama.cpp start-up: load the backend's libraries, route the log, check the build.</summary>
public static class LlamaRuntime
{
    private static readonly Lock s_gate = new();
    private static bool s_initialized;

    /// <summary>
    /// Loads llama.cpp as the command line asks, before anything else touches it.
    /// <paramref name="nativeDirectory"/> replaces the backend package's build with a custom one (as
    /// does the ANOMALYPROBE_LLAMA_DIR environment variable); <paramref name="log"/> receives llama.cpp's
    /// own log (null keeps it silent).
    /// </summary>
    public static void Configure(string? nativeDirectory, TextWriter? log)
    {
        lock (s_gate)
        {
            NativeLog.Sink = log;
            Load(nativeDirectory);
        }
    }

    /// <summary>Loads llama.cpp once (the backend package's build, unless <see cref="Configure"/> chose another).</summary>
    public static void Initialize()
    {
        lock (s_gate) Load(null);
    }

    private static void Load(string? nativeDirectory)
    {
        if (s_initialized) return;
        NativeLibraries.Load(nativeDirectory);
        s_initialized = true;
    }

    /// <summary>The build in use: backend package, variant, commits, library path, devices.</summary>
    public static EngineInfo Engine
    {
        get
        {
            Initialize();
            return NativeLibraries.Engine!;
        }
    }

    /// <summary>
    /// Layers to offload when the user does not say: all of them when a GPU device was found
    /// (llama.cpp clamps the count to the model's layers), none otherwise.
    /// </summary>
    public static int DefaultGpuLayers
    {
        get
        {
            Initialize();
            return NativeLibraries.HasGpu ? AllLayers : 0;
        }
    }

    /// <summary>A layer count above any model's (llama.cpp allows at most 512), meaning "offload everything".</summary>
    public const int AllLayers = 999;
}
