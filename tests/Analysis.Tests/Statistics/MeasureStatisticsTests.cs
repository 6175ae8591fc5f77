using System.Diagnostics;
using AnomalyProbe.Analysis.Statistics;
using Xunit.Abstractions;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class MeasureStatisticsTests(ITestOutputHelper output)
{
    [Fact]
    public void GivesTheThreeStatisticsOfTheirEstimators()
    {
        var (failed, measure) = Reference.Binormal(200, 0.8, seed: 71);
        var repeatProb = measure.Select((x, i) => Math.Exp(-x * x) + i % 3 * 0.01).ToArray();
        var settings = new BootstrapSettings(seed: 12, resamples: 300);

        var estimates = MeasureStatistics.Compute(failed, repeatProb, measure, settings);

        Assert.Equal(
            [RocAuc.Compute(failed, measure, settings), PointBiserial.Compute(failed, measure, settings), Spearman.Compute(repeatProb, measure, settings)],
            estimates);
    }

    [Fact]
    public void FullVocabularyWithTheDefaultResamplesRunsInSeconds()
    {
        // A 262,144-token vocabulary, 2 % failed, float32-rounded values so both variables carry ties.
        const int n = 262_144;
        var random = new Random(73);
        var failed = new bool[n];
        var measure = new double[n];
        var repeatProb = new double[n];
        for (int i = 0; i < n; i++)
        {
            failed[i] = random.NextDouble() < 0.02;
            measure[i] = (float)(1 + 0.1 * random.NextDouble() + (failed[i] ? 0.02 : 0));
            repeatProb[i] = (float)(failed[i] ? random.NextDouble() * 0.01 : 1 - random.NextDouble() * random.NextDouble() * (measure[i] - 1));
        }

        var clock = Stopwatch.StartNew();
        var estimates = MeasureStatistics.Compute(failed, repeatProb, measure, new BootstrapSettings(seed: 1));
        clock.Stop();

        foreach (var e in estimates)
            output.WriteLine($"{e.Statistic}: {e.Value:F4} [{e.CiLow:F4}, {e.CiHigh:F4}] p={e.PValue:G3}");
        output.WriteLine($"n = {n:N0}, B = {BootstrapSettings.DefaultResamples}: {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores");
        Assert.All(estimates, e => Assert.True(e.CiLow < e.Value && e.Value < e.CiHigh, e.ToString()));
    }
}
