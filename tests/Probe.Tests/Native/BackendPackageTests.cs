using System.Diagnostics;
using System.Text.Json;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary><c>-p:LlamaBackend</c> swaps the LLamaSharp backend package and nothing else (evaluated by MSBuild, no restore).</summary>
public sealed class BackendPackageTests
{
    [Theory]
    [InlineData(null, "LLamaSharp.Backend.Cpu")]
    [InlineData("Cpu", "LLamaSharp.Backend.Cpu")]
    [InlineData("Cuda12", "LLamaSharp.Backend.Cuda12")]
    [InlineData("Vulkan", "LLamaSharp.Backend.Vulkan")]
    public void TheBackendPropertyPicksOnePackage(string? backend, string package)
    {
        var (exit, output) = MsBuild(backend, "-getItem:PackageReference");
        Assert.True(exit == 0, output);
        string[] references = JsonDocument.Parse(output).RootElement.GetProperty("Items").GetProperty("PackageReference")
            .EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!).ToArray();
        Assert.Contains("LLamaSharp", references);
        Assert.Equal([package], references.Where(r => r.StartsWith("LLamaSharp.Backend.", StringComparison.Ordinal)));
    }

    [Fact]
    public void AnUnknownBackendIsRefused()
    {
        var (exit, output) = MsBuild("Cuda11", "-t:CheckLlamaBackend");
        Assert.NotEqual(0, exit);
        Assert.Contains("LlamaBackend must be Cpu, Cuda12 or Vulkan (got 'Cuda11')", output, StringComparison.Ordinal);
    }

    private static (int Exit, string Output) MsBuild(string? backend, string what)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "msbuild", Path.Combine(TestPaths.RepoRoot, "src", "Probe", "Probe.csproj"), what, "-nologo" }) info.ArgumentList.Add(a);
        if (backend is not null) info.ArgumentList.Add($"-p:LlamaBackend={backend}");
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
