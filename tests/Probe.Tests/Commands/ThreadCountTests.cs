using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>More threads than cores only slow llama.cpp down: every command refuses them up front, unless told.</summary>
public sealed class ThreadCountTests
{
    private static readonly string TooMany = $"{Environment.ProcessorCount + 1}";

    [Theory]
    [InlineData("scan", "--out", "never-written")]
    [InlineData("generate", "-n", "3")]
    [InlineData("bench", "--groups", "1")]
    [InlineData("temperature", "sweep", "--max-tokens", "4")]
    [InlineData("tokenizer", "audit", "--out", "never-written")]
    public void ACountAboveTheCoresIsRefusedInOneLine(params string[] command)
    {
        CliResult r = CliProcess.Run([.. command, "--threads", TooMany]);
        Assert.Equal(2, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains($"--threads: {TooMany} is more than the {Environment.ProcessorCount}", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(ThreadCount.OversubscribeVariable, r.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists("never-written"));
    }

    [Fact]
    public void TheSchedulersAllocationIsTheLimitAndTheDefault()
    {
        var slurm = new Dictionary<string, string> { ["SLURM_CPUS_PER_TASK"] = "1" };
        CliResult refused = CliProcess.Run(["generate", "-n", "3", "--threads", "2"], slurm);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--threads: 2 is more than the 1 core this process may use", refused.StdErr, StringComparison.Ordinal);

        string dir = Directory.CreateTempSubdirectory("threads").FullName;
        try
        {
            CliResult scan = CliProcess.Run(["scan", "--out", dir, "--tokens", "0-63", "--no-harvest", "--no-analyze"], slurm);
            Assert.True(scan.ExitCode == 0, scan.StdErr);
            Assert.Contains("\"threads\": 1,", File.ReadAllText(Path.Combine(dir, "run.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheOverrideRunsIt()
    {
        var allow = new Dictionary<string, string> { [ThreadCount.OversubscribeVariable] = "1" };
        CliResult r = CliProcess.Run(["generate", "-n", "3", "--threads", TooMany], allow);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }
}
