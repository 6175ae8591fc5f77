using System.Security.Cryptography;
using System.Text.Json;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>The natives in use are the LLamaSharp backend package's, and the structs we bind ourselves read right.</summary>
public sealed class NativeRuntimeTests
{
    public NativeRuntimeTests() => LlamaRuntime.Initialize();

    [Fact]
    public void TheLoadedLibllamaIsTheBackendPackagesFile()
    {
        var engine = LlamaRuntime.Engine;
        string runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assert.StartsWith(runtimes + Path.DirectorySeparatorChar, engine.Library, StringComparison.Ordinal);
        Assert.Equal(engine.Variant, Path.GetFileName(Path.GetDirectoryName(engine.Library)));
        Assert.Contains(engine.Variant, new[] { "avx512", "avx2", "avx", "noavx" });

        // Byte for byte the file the restored package holds for that variant.
        string packageFile = Path.Combine(BackendPackageFolder(), "LLamaSharpRuntimes", "linux-x64", "native", engine.Variant, "libllama.so");
        Assert.Equal(Sha256(packageFile), Sha256(engine.Library));
        Assert.Equal("LLamaSharp.Backend.Cpu 0.30.0", engine.Backend);
    }

    [Fact]
    public void TheBuildNamesThePinnedCommitAndACpuDevice()
    {
        var engine = LlamaRuntime.Engine;
        Assert.Equal((NativeLibraries.PinnedGgmlVersion, NativeLibraries.PinnedGgmlCommit), (engine.GgmlVersion, engine.GgmlCommit));
        Assert.Equal("c0c7e147", engine.LlamaCppCommit);
        Assert.Contains(engine.Devices, d => d.StartsWith("CPU", StringComparison.Ordinal));
        Assert.Equal(0, LlamaRuntime.DefaultGpuLayers); // no GPU device on a CPU backend
    }

    [Fact]
    public void TypeTraitsOfF32AndQ8_0()
    {
        // GgmlTypeTraits is our own mirror of a ggml struct: a shifted field would change these.
        unsafe
        {
            GgmlTypeTraits* f32 = NativeMethods.ggml_get_type_traits(0);
            Assert.Equal(1, f32->blck_size);
            Assert.Equal(4u, (uint)f32->type_size);
            Assert.False(f32->is_quantized);
            Assert.Equal("f32", System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)f32->type_name));
            GgmlTypeTraits* q8 = NativeMethods.ggml_get_type_traits(8);
            Assert.Equal(32, q8->blck_size);
            Assert.Equal(34u, (uint)q8->type_size);
            Assert.True(q8->is_quantized);
            Assert.True(q8->to_float != null);
            Assert.Equal("q8_0", System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)q8->type_name));
        }
    }

    [Fact]
    public void FileTypeNamesComeFromLlamaCpp()
    {
        Assert.Equal("Q8_0", LlamaModel.FileTypeNameOf(7));
        Assert.Equal("all F32", LlamaModel.FileTypeNameOf(0));
    }

    /// <summary>Where restore put LLamaSharp.Backend.Cpu, read from the app project's assets file.</summary>
    internal static string BackendPackageFolder()
    {
        string assets = Path.Combine(TestPaths.RepoRoot, "src", "Probe", "obj", "project.assets.json");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(assets));
        string root = json.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        string relative = json.RootElement.GetProperty("libraries").GetProperty("LLamaSharp.Backend.Cpu/0.30.0").GetProperty("path").GetString()!;
        return Path.Combine(root, relative);
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
