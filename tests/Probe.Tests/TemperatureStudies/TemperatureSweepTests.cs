using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.TemperatureStudies;

public sealed class TemperatureSweepTests
{
    [Fact]
    public void SweepWritesCsvAndPlotWithTheExpectedTrends()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"anomalyprobe-sweep-{Guid.NewGuid():N}");
        try
        {
            CliResult r = CliProcess.Run(["temperature", "sweep", "--model", TestPaths.DefaultModel, "--temperatures", "-1,0,0.5",
                "--samples", "2", "--max-tokens", "16", "--out", dir], timeoutSeconds: 300);
            Assert.True(r.ExitCode == 0, r.StdErr);
            string[] lines = File.ReadAllLines(Path.Combine(dir, "sweep.csv"));
            Assert.Equal("temperature,entropy_nats,samples,tokens,perplexity_t1,log_perplexity_t1,byte_share,special_share,unreachable_share,distinct_ratio", lines[0]);
            Assert.Equal(4, lines.Length);
            Dictionary<string, string[]> rows = lines[1..].Select(l => l.Split(',')).ToDictionary(c => c[0]);
            Assert.Equal("0", rows["0+"][1]);
            double Share(string t) => double.Parse(rows[t][6], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Share("-1") > Share("0.5"), $"byte share at -1 {Share("-1")} vs 0.5 {Share("0.5")}");
            Assert.True(new FileInfo(Path.Combine(dir, "sweep.png")).Length > 1000);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadTemperatureListIsExitTwo()
    {
        CliResult r = CliProcess.Run("temperature", "sweep", "--temperatures", "1,warm");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("warm", r.StdErr, StringComparison.Ordinal);
    }
}
