using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using AnomalyProbe.Analysis.Reporting;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Loads llama.cpp as LLamaSharp applications do — the referenced backend package decides (Cpu,
/// Cuda12, Vulkan; LLamaSharp picks the CPU variant) — or from one directory given with
/// <c>--llama-dir</c> / <c>ANOMALYPROBE_LLAMA_DIR</c>. Then binds <see cref="NativeMethods"/> to the
/// files LLamaSharp opened and refuses any build but the one the package pins, naming found and expected.
/// </summary>
internal static unsafe class NativeLibraries
{
    /// <summary>Environment variable naming a directory with a custom llama.cpp build.</summary>
    public const string DirectoryVariable = "ANOMALYPROBE_LLAMA_DIR";

    /// <summary>The llama.cpp commit LLamaSharp 0.30.0's backend packages ship.</summary>
    public const string PinnedLlamaCppCommit = "c0c7e147";

    /// <summary>What that build's libggml-base reports as its version and commit: the identity we check.</summary>
    public const string PinnedGgmlVersion = "0.18.0";

    /// <inheritdoc cref="PinnedGgmlVersion"/>
    public const string PinnedGgmlCommit = "815a2a591";

    private static readonly Dictionary<string, IntPtr> s_handles = [];

    /// <summary>The loaded build (after <see cref="Load"/>).</summary>
    public static EngineInfo? Engine { get; private set; }

    /// <summary>Whether a GPU (discrete or integrated) device was found.</summary>
    public static bool HasGpu { get; private set; }

    /// <summary>Loads the natives once. Throws <see cref="LlamaException"/> saying what was tried and what to do.</summary>
    public static void Load(string? directoryOverride)
    {
        OpenMpWaitPolicy.Apply(); // before libgomp loads with the backend
        (string? custom, string? parameter) = CustomDirectory(directoryOverride);
        string? customLibrary = null;
        if (custom is not null)
        {
            customLibrary = PreloadCustom(custom, parameter);
            NativeLibraryConfig.LLama.WithLibrary(customLibrary).WithAutoFallback(false);
        }
        NativeLibraryConfig.All.WithLogCallback(NativeLog.Callback);

        try
        {
            NativeApi.llama_empty_call(); // LLamaSharp selects, loads and initialises the backend here
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or LLama.Exceptions.RuntimeError)
        {
            throw new LlamaException(LoadFailure(custom)) { Parameter = parameter };
        }

        string library = LoadedLibraryPath() ?? throw new LlamaException(LoadFailure(custom)) { Parameter = parameter };
        string directory = Path.GetDirectoryName(library)!;
        s_handles[NativeMethods.Llama] = NativeLibrary.Load(library);
        s_handles[NativeMethods.GgmlBase] = LoadFrom(directory, "ggml-base");
        s_handles[NativeMethods.Ggml] = LoadFrom(directory, "ggml");
        s_handles[NativeMethods.Libc] = NativeLibrary.Load(LibcName);
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

        (string version, string commit) = Identity(s_handles[NativeMethods.GgmlBase]);
        CheckPin(directory, version, commit, null);
        NativeAborts.Install();

        var devices = new List<string>();
        for (nuint i = 0; i < NativeMethods.ggml_backend_dev_count(); i++)
        {
            IntPtr device = NativeMethods.ggml_backend_dev_get(i);
            devices.Add($"{Text(NativeMethods.ggml_backend_dev_name(device))} ({Text(NativeMethods.ggml_backend_dev_description(device)).Trim()})");
            HasGpu |= NativeMethods.ggml_backend_dev_type(device) is 1 or 2;
        }
        if (devices.Count == 0) throw new LlamaException($"llama.cpp in '{directory}' found no compute device (no ggml backend loaded)");

        Engine = new EngineInfo(
            custom is null ? BackendPackage : "custom",
            custom is null ? Variant() : "custom",
            PinnedLlamaCppCommit, version, commit, library, devices);
    }

    /// <summary>The backend package and version this build references (<c>-p:LlamaBackend</c>), e.g. "LLamaSharp.Backend.Cpu 0.30.0".</summary>
    public static string BackendPackage =>
        typeof(NativeLibraries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "LlamaBackend")?.Value
        ?? "LLamaSharp.Backend.Cpu";

    // The directory and, when the caller gave it, the parameter it came in ("llama-dir").
    private static (string? Directory, string? Parameter) CustomDirectory(string? directoryOverride)
    {
        if (!string.IsNullOrEmpty(directoryOverride)) return (Path.GetFullPath(directoryOverride), "llama-dir");
        string? fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? (null, null) : (Path.GetFullPath(fromEnvironment), DirectoryVariable);
    }

    // A custom build is opened by us first, dependencies before libllama, so a bad file gets the
    // loader's own reason and a build of another commit is refused before LLamaSharp calls into it.
    private static string PreloadCustom(string directory, string? parameter)
    {
        if (!Directory.Exists(directory))
        {
            throw new LlamaException($"'{directory}' does not exist; give a directory holding {FileName("llama")}, {FileName("ggml")} and {FileName("ggml-base")} of llama.cpp {PinnedLlamaCppCommit}")
            {
                Parameter = parameter,
            };
        }
        var problems = new List<string>();
        var handles = new Dictionary<string, IntPtr>();
        foreach (string name in new[] { "ggml-base", "ggml", "llama" })
        {
            string path = Path.Combine(directory, FileName(name));
            if (!File.Exists(path)) problems.Add($"{path} (missing)");
            else if (problems.Count == 0)
            {
                try
                {
                    handles[name] = NativeLibrary.Load(path);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    problems.Add($"{path} (failed to load: {e.Message.ReplaceLineEndings(" ")})");
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new LlamaException($"cannot load llama.cpp from '{directory}': tried {string.Join("; ", problems)}; " +
                $"it must hold a llama.cpp {PinnedLlamaCppCommit} build ({FileName("llama")}, {FileName("ggml")}, {FileName("ggml-base")})")
            {
                Parameter = parameter,
            };
        }
        (string version, string commit) = Identity(handles["ggml-base"]);
        CheckPin(directory, version, commit, parameter);
        return Path.Combine(directory, FileName("llama"));
    }

    private static (string Version, string Commit) Identity(IntPtr ggmlBase)
    {
        if (!NativeLibrary.TryGetExport(ggmlBase, "ggml_version", out IntPtr version) ||
            !NativeLibrary.TryGetExport(ggmlBase, "ggml_commit", out IntPtr commit))
        {
            return ("(no ggml_version)", "(no ggml_commit)");
        }
        return (Text(((delegate* unmanaged[Cdecl]<byte*>)version)()), Text(((delegate* unmanaged[Cdecl]<byte*>)commit)()));
    }

    private static void CheckPin(string directory, string version, string commit, string? parameter)
    {
        if (version == PinnedGgmlVersion && commit == PinnedGgmlCommit) return;
        throw new LlamaException(
            $"the llama.cpp in '{directory}' is ggml {version} (commit {commit}), but AnomalyProbe is built for llama.cpp {PinnedLlamaCppCommit} " +
            $"as {BackendPackage} ships it (ggml {PinnedGgmlVersion}, commit {PinnedGgmlCommit}); use that build, or no custom one to use the package's")
        {
            Parameter = parameter,
        };
    }

    private static string LoadFailure(string? custom)
    {
        IReadOnlyList<string> tried = NativeLog.LoaderFailures;
        string where = tried.Count > 0 ? $"tried {string.Join("; ", tried)}" : "no library file was found next to the app";
        return custom is not null
            ? $"cannot load llama.cpp from '{custom}': {where}"
            : $"cannot load llama.cpp from the {BackendPackage} package: {where}; restore and build the project " +
              "(dotnet build brings the natives), build with -p:LlamaBackend=Cpu|Cuda12|Vulkan for another backend, or use a custom build of the pinned commit";
    }

    // LLamaSharp does not say which file it opened; the process's module list does, on every OS.
    private static string? LoadedLibraryPath()
    {
        string name = FileName("llama");
        using Process self = Process.GetCurrentProcess();
        foreach (ProcessModule module in self.Modules)
        {
            if (string.Equals(Path.GetFileName(module.FileName), name, StringComparison.OrdinalIgnoreCase)) return module.FileName;
        }
        return null;
    }

    private static IntPtr LoadFrom(string directory, string name)
    {
        string path = Path.Combine(directory, FileName(name));
        if (!NativeLibrary.TryLoad(path, out IntPtr handle))
        {
            throw new LlamaException($"llama.cpp was loaded from '{directory}', but {path} cannot be opened (the backend's files are incomplete)");
        }
        return handle;
    }

    private static string Variant()
    {
        NativeLibraryMetadata? metadata = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata;
        if (metadata is null) return "system";
        if (metadata.UseCuda) return "cuda";
        if (metadata.UseVulkan) return "vulkan";
        return metadata.AvxLevel switch
        {
            AvxLevel.Avx512 => "avx512",
            AvxLevel.Avx2 => "avx2",
            AvxLevel.Avx => "avx",
            _ => "noavx",
        };
    }

    private static string LibcName =>
        OperatingSystem.IsWindows() ? "ucrtbase.dll" : OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6";

    private static string FileName(string name) =>
        OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";

    private static string Text(byte* text) => Marshal.PtrToStringUTF8((IntPtr)text) ?? "";

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        s_handles.TryGetValue(libraryName, out IntPtr handle) ? handle : IntPtr.Zero;
}
