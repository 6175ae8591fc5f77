using System.Text.Json;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Bench;

/// <summary>The bench command's output shape (figures are measured, never asserted as timings).</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void JsonHasEveryFigurePerTemplate()
    {
        CliResult r = CliProcess.Run("bench", "--json", "--groups", "1", "--naive-probes", "2", "--batch", "8");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        JsonElement[] templates = [.. doc.RootElement.GetProperty("templates").EnumerateArray()];
        Assert.Equal(["chat", "completion", "induction"], templates.Select(t => t.GetProperty("name").GetString()));
        foreach (JsonElement t in templates)
        {
            foreach (string field in new[] { "naive_probes_per_s", "batched_probes_per_s", "ratio", "ceiling_tokens_per_s", "efficiency", "projected_full_scan_s" })
            {
                double value = t.GetProperty(field).GetDouble();
                Assert.True(double.IsFinite(value) && value > 0, $"{field} = {value}");
            }
            double ratio = t.GetProperty("batched_probes_per_s").GetDouble() / t.GetProperty("naive_probes_per_s").GetDouble();
            Assert.Equal(ratio, t.GetProperty("ratio").GetDouble(), 9);
            Assert.Equal(512 / t.GetProperty("batched_probes_per_s").GetDouble(), t.GetProperty("projected_full_scan_s").GetDouble(), 6);
        }
        Assert.Equal(1, templates.Single(t => t.GetProperty("name").GetString() == "induction").GetProperty("suffix_tokens").GetInt32());
    }

    [Fact]
    public void UnknownSyntheticShapeListsTheKnownOnes()
    {
        CliResult r = CliProcess.Run("bench", "--synthetic", "huge");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("134m", r.StdErr, StringComparison.Ordinal);
        Assert.False(r.LooksLikeCrash, r.StdErr);
    }
}
