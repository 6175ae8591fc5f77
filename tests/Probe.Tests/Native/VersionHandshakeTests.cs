using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>A libllama of another version is refused before any struct crosses the boundary.</summary>
public sealed class VersionHandshakeTests
{
    [Fact]
    public void AnotherVersionIsRefusedWithBothVersionsNamed()
    {
        string dir = Directory.CreateTempSubdirectory("fake-llama").FullName;
        File.WriteAllText(Path.Combine(dir, "fake.c"), "const char * llama_version(void) { return \"0.4.2\"; }\n");
        LlamaHeader.Run("gcc", dir, "-shared", "-fPIC", "fake.c", "-o", "libllama.so");

        CliResult r = CliProcess.Run(["generate", "-n", "1"], new Dictionary<string, string> { ["ANOMALYPROBE_LLAMA_DIR"] = dir });

        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("0.4.2", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("0.5.0", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDirectoryIsExplained()
    {
        CliResult r = CliProcess.Run(["generate", "-n", "1", "--llama-dir", "/nonexistent/llama"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("/nonexistent/llama", r.StdErr, StringComparison.Ordinal);
        Assert.False(r.LooksLikeCrash, r.StdErr);
    }
}
