using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class DegenerateInputTests
{
    public static TheoryData<bool[], double[], double[], string, string, string> Cases => new()
    {
        { [true, true, true], [0.1, 0.2, 0.3], [1, 2, 3], "undefined: no passed tokens", "undefined: no passed tokens", "" },
        { [false, false, false, false], [0.1, 0.2, 0.3, 0.4], [1, 2, 3, 4], "undefined: no failed tokens", "undefined: no failed tokens", "" },
        { [true, false, false], [0.1, 0.2, 0.3], [5, 5, 5], "undefined: constant measure", "undefined: constant measure", "undefined: constant measure" },
        { [true, false, true, false], [0.4, 0.4, 0.4, 0.4], [2, 2, 2, 2], "undefined: constant measure", "undefined: constant measure", "undefined: constant measure" },
        { [true, false, false], [0.2, 0.2, 0.2], [1, 2, 3], "", "", "undefined: constant repeat_prob" },
        { [], [], [], "undefined: fewer than 3 tokens (n = 0)", "undefined: fewer than 3 tokens (n = 0)", "undefined: fewer than 3 tokens (n = 0)" },
        { [true], [0.1], [1], "undefined: fewer than 3 tokens (n = 1)", "undefined: fewer than 3 tokens (n = 1)", "undefined: fewer than 3 tokens (n = 1)" },
        { [true, false], [0.1, 0.9], [1, 2], "undefined: fewer than 3 tokens (n = 2)", "undefined: fewer than 3 tokens (n = 2)", "undefined: fewer than 3 tokens (n = 2)" },
        { [true, false, false], [0.1, 0.2, 0.3], [1, double.NaN, 3], "undefined: 1 of 3 measure values are NaN or infinite", "undefined: 1 of 3 measure values are NaN or infinite", "undefined: 1 of 3 measure values are NaN or infinite" },
        { [true, false, false], [0.1, 0.2, 0.3], [double.PositiveInfinity, 2, double.NegativeInfinity], "undefined: 2 of 3 measure values are NaN or infinite", "undefined: 2 of 3 measure values are NaN or infinite", "undefined: 2 of 3 measure values are NaN or infinite" },
        { [true, false, false], [0.1, double.NaN, 0.3], [1, 2, 3], "", "", "undefined: 1 of 3 repeat_prob values are NaN or infinite" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DegenerateInputsAreUndefinedNeverNaN(bool[] failed, double[] repeatProb, double[] measure, string auc, string r, string rho)
    {
        var estimates = MeasureStatistics.Compute(failed, repeatProb, measure, new BootstrapSettings(seed: 1, resamples: 50));

        Assert.Equal([StatisticNames.Auc, StatisticNames.PointBiserialR, StatisticNames.SpearmanRho], estimates.Select(e => e.Statistic));
        string[] reasons = [auc, r, rho];
        for (int s = 0; s < estimates.Count; s++)
        {
            var e = estimates[s];
            Assert.Equal(measure.Length, e.N);
            Assert.All(new[] { e.Value, e.CiLow, e.CiHigh, e.PValue }, v => Assert.False(v is double d && !double.IsFinite(d)));
            if (reasons[s].Length == 0)
            {
                Assert.Null(e.Undefined);
                Assert.NotNull(e.Value);
                Assert.NotNull(e.PValue);
            }
            else
            {
                Assert.Equal(reasons[s], e.Undefined);
                Assert.Null(e.Value);
                Assert.Null(e.CiLow);
                Assert.Null(e.CiHigh);
                Assert.Null(e.PValue);
            }
        }
    }

    [Fact]
    public void AllTiesAcrossClassesButNotConstantStillDefineTheAuc()
    {
        // Every failed value ties a passed one: AUC exactly one half, nothing to reject.
        var estimate = RocAuc.Compute([true, false, true, false], [1, 1, 2, 2], new BootstrapSettings(seed: 1, resamples: 50));

        Assert.Equal(0.5, estimate.Value);
        Assert.Equal(1, estimate.PValue);
        Assert.InRange(estimate.CiLow!.Value, 0, 0.5);
        Assert.InRange(estimate.CiHigh!.Value, 0.5, 1);
    }

    [Fact]
    public void MismatchedLengthsAreAnError()
    {
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([true, false, true], [1, 2]));
        Assert.Throws<ArgumentException>(() => PointBiserial.Compute([true, false], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => Spearman.Compute([0.1, 0.2], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => MeasureStatistics.Compute([true, false, true], [0.1, 0.2], [1, 2, 3], new BootstrapSettings(1)));
    }
}
