using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary><c>--gpu-layers</c> on the CPU backend: 0 (the default) works, anything else is refused in one line.</summary>
public sealed class GpuLayersTests
{
    [Theory]
    [InlineData("generate", "-n", "1")]
    [InlineData("temperature", "sweep", "--samples", "1", "-n", "2")]
    [InlineData("bench", "--groups", "1", "--naive-probes", "1")]
    public void OffloadingWithoutAGpuIsRefused(params string[] command)
    {
        CliResult r = CliProcess.Run([.. command, "--gpu-layers", "4"]);
        Assert.Equal(2, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains("--gpu-layers: 4 asks for a GPU, but LLamaSharp.Backend.Cpu 0.30.0 found none", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void ZeroAndNegativeLayers()
    {
        Assert.Equal(0, CliProcess.Run("generate", "-n", "1", "--gpu-layers", "0").ExitCode);
        CliResult negative = CliProcess.Run("generate", "-n", "1", "--gpu-layers", "-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--gpu-layers: -1 must be 0 or more", negative.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void AScanRecordsItsGpuLayers()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("gpu-layers").FullName, "scan");
        CliResult r = CliProcess.Run("scan", "--out", dir, "--tokens", "0-63", "--templates", Path.Combine(TestPaths.RepoRoot, "prompts", "induction.txt"),
            "--no-harvest", "--no-analyze", "--gpu-layers", "0");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("\"gpu_layers\": 0", File.ReadAllText(Path.Combine(dir, "run.json")), StringComparison.Ordinal);
    }
}
