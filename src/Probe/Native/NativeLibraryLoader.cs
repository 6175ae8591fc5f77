using System.Reflection;
using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Finds the pinned llama.cpp build, loads it from one explicit directory (never from the system
/// search path), checks its version before any struct crosses the boundary, and registers the
/// ggml CPU backends. Every path tried is reported when loading fails.
/// </summary>
internal static class NativeLibraryLoader
{
    /// <summary>Environment variable naming a directory with another llama.cpp build of the same version.</summary>
    public const string DirectoryVariable = "ANOMALYPROBE_LLAMA_DIR";

    /// <summary>The llama.cpp version the structs in this folder were written against.</summary>
    public const string ExpectedVersion = "0.5.0";

    private static readonly Dictionary<string, IntPtr> s_loaded = [];

    /// <summary>The directory the libraries were loaded from.</summary>
    public static string? Directory { get; private set; }

    /// <summary>Loads the libraries once. Throws <see cref="LlamaException"/> with what to do on failure.</summary>
    public static void Load(string? directoryOverride)
    {
        (string directory, string source) = ResolveDirectory(directoryOverride);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new LlamaException(
                $"llama.cpp runtime not found: directory '{directory}' ({source}) does not exist. " +
                $"Build the project (it fetches the pinned natives with npm) or set {DirectoryVariable} to a llama.cpp v{ExpectedVersion} build.");
        }

        // libllama first: the version handshake must happen before anything else is called.
        s_loaded[NativeMethods.Llama] = LoadFirst(directory, NativeMethods.Llama, LibraryFileNames("llama", ExpectedVersion));
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
        CheckVersion(directory);
        s_loaded[NativeMethods.Ggml] = LoadFirst(directory, NativeMethods.Ggml, LibraryFileNames("ggml", ExpectedVersion));
        s_loaded[NativeMethods.GgmlBase] = LoadFirst(directory, NativeMethods.GgmlBase, LibraryFileNames("ggml-base", null));
        Directory = directory;
    }

    private static (string Directory, string Source) ResolveDirectory(string? directoryOverride)
    {
        if (!string.IsNullOrEmpty(directoryOverride)) return (Path.GetFullPath(directoryOverride), "from --llama-dir");
        string? fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return (Path.GetFullPath(fromEnvironment), $"from {DirectoryVariable}");
        return (Path.Combine(AppContext.BaseDirectory, "native", RuntimeInformation.RuntimeIdentifier), "bundled with the app");
    }

    private static string[] LibraryFileNames(string name, string? version)
    {
        if (OperatingSystem.IsWindows()) return [$"{name}.dll"];
        string extension = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        return version is null
            ? [$"lib{name}{extension}"]
            : [$"lib{name}.v{version}{extension}", $"lib{name}{extension}"];
    }

    private static IntPtr LoadFirst(string directory, string logicalName, string[] fileNames)
    {
        var tried = new List<string>();
        foreach (string fileName in fileNames)
        {
            string path = Path.Combine(directory, fileName);
            if (!File.Exists(path))
            {
                tried.Add($"{path} (missing)");
                continue;
            }
            if (NativeLibrary.TryLoad(path, out IntPtr handle)) return handle;
            tried.Add($"{path} (failed to load: {DescribeLoadFailure(path)})");
        }
        throw new LlamaException($"cannot load the {logicalName} library; tried: {string.Join("; ", tried)}");
    }

    private static string DescribeLoadFailure(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return "unknown error";
        }
        catch (DllNotFoundException e)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
        catch (BadImageFormatException e)
        {
            return e.Message.ReplaceLineEndings(" ");
        }
    }

    private static unsafe void CheckVersion(string directory)
    {
        string found;
        try
        {
            found = Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_version()) ?? "(null)";
        }
        catch (EntryPointNotFoundException)
        {
            found = "a version without llama_version()";
        }
        // "0.5.0" or "0.5.0-dev": the base version decides the struct layouts.
        string baseVersion = found.Split('-')[0];
        if (baseVersion != ExpectedVersion)
        {
            throw new LlamaException(
                $"llama.cpp in '{directory}' is version {found}, but AnomalyProbe is bound to v{ExpectedVersion}; " +
                $"use a v{ExpectedVersion} build (unset {DirectoryVariable} to use the bundled one).");
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        s_loaded.TryGetValue(libraryName, out IntPtr handle) ? handle : IntPtr.Zero;
}
