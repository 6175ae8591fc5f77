using System.Text.Json;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Bench;

/// <summary>The bench command's output shape (figures are measured, never asserted as timings).</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void JsonHasEveryFigurePerTemplateAsMedianAndRangeOfTheRepeats()
    {
        CliResult r = CliProcess.Run("bench", "--json", "--groups", "1", "--naive-probes", "2", "--batch", "8", "--repeats", "3");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(3, doc.RootElement.GetProperty("repeats").GetInt32());
        JsonElement[] templates = [.. doc.RootElement.GetProperty("templates").EnumerateArray()];
        Assert.Equal(["chat", "completion", "induction"], templates.Select(t => t.GetProperty("name").GetString()));
        foreach (JsonElement t in templates)
        {
            foreach (string field in new[] { "naive_probes_per_s", "batched_probes_per_s", "ceiling_tokens_per_s", "efficiency" })
            {
                JsonElement m = t.GetProperty(field);
                double median = m.GetProperty("median").GetDouble(), min = m.GetProperty("min").GetDouble(), max = m.GetProperty("max").GetDouble();
                Assert.True(double.IsFinite(median) && median > 0, $"{field} = {median}");
                Assert.InRange(median, min, max);
            }
            double ratio = t.GetProperty("batched_probes_per_s").GetProperty("median").GetDouble() / t.GetProperty("naive_probes_per_s").GetProperty("median").GetDouble();
            Assert.Equal(ratio, t.GetProperty("ratio").GetDouble(), 9);
            Assert.Equal(512 / t.GetProperty("batched_probes_per_s").GetProperty("median").GetDouble(), t.GetProperty("projected_full_scan_s").GetDouble(), 6);
            // The flag says what the efficiency range says.
            double maxEfficiency = t.GetProperty("efficiency").GetProperty("max").GetDouble();
            Assert.Equal(maxEfficiency > 1.05, t.GetProperty("noisy").GetBoolean());
            // Every phase, the shares of one run summing to 1, a rate only for the decoding phases.
            JsonElement[] phases = [.. t.GetProperty("phases").EnumerateArray()];
            Assert.Equal(["suffix_decode", "answer_decode", "logit_reading", "bookkeeping"], phases.Select(p => p.GetProperty("phase").GetString()));
            Assert.InRange(phases.Sum(p => p.GetProperty("share").GetProperty("median").GetDouble()), 0.9, 1.1);
            Assert.All(phases.Take(2), p => Assert.True(p.GetProperty("efficiency").GetProperty("median").GetDouble() > 0));
            Assert.All(phases.Skip(2), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("efficiency").ValueKind));
        }
        Assert.Equal(1, templates.Single(t => t.GetProperty("name").GetString() == "induction").GetProperty("suffix_tokens").GetInt32());
        // Thread scaling: 1 thread up to the thread count, speedups against 1 thread.
        JsonElement[] scaling = [.. doc.RootElement.GetProperty("thread_scaling").EnumerateArray()];
        Assert.Equal(1, scaling[0].GetProperty("threads").GetInt32());
        Assert.Equal(1.0, scaling[0].GetProperty("speedup").GetDouble());
        Assert.Equal(ThreadCount.Available, scaling[^1].GetProperty("threads").GetInt32());
        Assert.All(scaling, p => Assert.True(p.GetProperty("ceiling_tokens_per_s").GetDouble() > 0));
    }

    [Fact]
    public void MedianAndRangeAreThoseOfTheRuns()
    {
        var m = AnomalyProbe.Probe.Bench.Measured.Of([3.0, 1.0, 2.0, 10.0]);
        Assert.Equal((2.5, 1.0, 10.0), (m.Median, m.Min, m.Max));
        Assert.Equal(2.0, AnomalyProbe.Probe.Bench.Measured.Of([2.0, 1.0, 3.0]).Median);
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
