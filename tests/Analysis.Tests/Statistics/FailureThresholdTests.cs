using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class FailureThresholdTests
{
    [Fact]
    public void BimodalSampleIsSplitBetweenTheModes()
    {
        var random = new Random(20240601);
        var low = Enumerable.Range(0, 200).Select(_ => Math.Pow(10, -8 + 2 * (random.NextDouble() - 0.5))).ToArray();
        var high = Enumerable.Range(0, 300).Select(_ => 0.3 * Math.Pow(10, 0.6 * (random.NextDouble() - 0.5))).ToArray();
        var all = low.Concat(high).OrderBy(_ => random.Next()).ToArray();

        var choice = FailureThreshold.Choose(all);

        Assert.True(choice.IsDefined, choice.Description);
        var threshold = choice.Threshold;
        Assert.Equal(ThresholdMethod.AutoOtsu, threshold.Method);
        Assert.All(low, p => Assert.True(p < threshold.Value && threshold.IsFailure(p)));
        Assert.All(high, p => Assert.True(p > threshold.Value && !threshold.IsFailure(p)));
        Assert.Contains("500 values: 200 below, 300 above", threshold.Description, StringComparison.Ordinal);
        Assert.Equal(threshold.Description, choice.Description);
        // The geometric midpoint of the innermost values.
        Assert.Equal(Math.Sqrt(low.Max() * high.Min()), threshold.Value, 1e-12 * threshold.Value);
    }

    [Fact]
    public void TwoDistinctValuesSplitAtTheirGeometricMidpoint()
    {
        var choice = FailureThreshold.Choose([0.5, 1e-6, 0.5, 1e-6, 1e-6]);

        Assert.True(choice.IsDefined);
        Assert.Equal(Math.Sqrt(1e-6 * 0.5), choice.Threshold.Value, 1e-15);
        Assert.Contains("3 below, 2 above", choice.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.3, 0.3, 0.3 }, "auto-otsu undefined: all 3 values are equal (0.3)")]
    [InlineData(new[] { 0.0, 0.0 }, "auto-otsu undefined: all 2 values are equal (0)")]
    [InlineData(new[] { 0.3 }, "auto-otsu undefined: a single value (0.3)")]
    [InlineData(new[] { 0.0, 1e-13, 1e-12 }, "auto-otsu undefined: all 3 values (0 to 1E-12) coincide on log10(max(p, 1E-12))")]
    public void EqualValuesDefineNoThreshold(double[] probs, string description)
    {
        var choice = FailureThreshold.Choose(probs);

        Assert.False(choice.IsDefined);
        Assert.Null(choice.Threshold);
        Assert.Equal(description, choice.Description);
        var fallback = choice.OrFixed();
        Assert.Equal(FailureThreshold.DefaultFixed, fallback.Value);
        Assert.Equal(ThresholdMethod.Fixed, fallback.Method);
        Assert.Equal($"fixed: repeat_prob < 0.01 fails ({description})", fallback.Description);
        Assert.Equal(0.05, choice.OrFixed(0.05).Value);
    }

    [Fact]
    public void ZerosJoinTheLowClassThroughTheFloor()
    {
        double[] probs = [0, 0.4, 0, 1e-15, 0.2, 0, 0.9];

        var threshold = FailureThreshold.Choose(probs).Threshold!;

        Assert.Contains("7 values: 4 below, 3 above", threshold.Description, StringComparison.Ordinal);
        // Between the floor (where 0 and 1e-15 sit) and 0.2.
        Assert.Equal(Math.Sqrt(FailureThreshold.Floor * 0.2), threshold.Value, 1e-15);
        Assert.All(probs, p => Assert.Equal(p < 0.1, threshold.IsFailure(p)));
    }

    [Fact]
    public void NeighbouringDoublesStillSeparate()
    {
        double low = 0.3, high = Math.BitIncrement(0.3);
        var choice = FailureThreshold.Choose([low, high, low]);

        // log10 may not tell them apart; when it does, the threshold must still split them.
        if (choice.IsDefined)
        {
            Assert.True(choice.Threshold.IsFailure(low));
            Assert.False(choice.Threshold.IsFailure(high));
        }
        else
        {
            Assert.Contains("coincide", choice.Description, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void MatchesBruteForceOtsu(int seed)
    {
        var random = new Random(seed);
        int n = 20 + random.Next(200);
        // A mixture with repeats, zeros and a spread of scales, so cuts are not obvious.
        var probs = Enumerable.Range(0, n).Select(_ => random.Next(10) switch
        {
            0 => 0.0,
            1 => 0.25,
            < 5 => Math.Pow(10, -14 * random.NextDouble()),
            _ => Math.Pow(10, -3 * random.NextDouble()),
        }).ToArray();

        var threshold = FailureThreshold.Choose(probs).Threshold!;

        var x = probs.Select(p => Math.Log10(Math.Max(p, 1e-12))).ToArray();
        double best = 0;
        foreach (double cut in x.Distinct())
        {
            best = Math.Max(best, BetweenClassVariance(x, x.Select(v => v <= cut).ToArray()));
        }
        double chosen = BetweenClassVariance(x, probs.Select(threshold.IsFailure).ToArray());
        Assert.Equal(best, chosen, 1e-9 * best);
        // And it cuts between values: nothing equal to the threshold, every class non-empty.
        Assert.DoesNotContain(threshold.Value, probs);
    }

    /// <summary>w0 w1 (μ0 − μ1)², straight from the definition; 0 when a class is empty.</summary>
    private static double BetweenClassVariance(double[] x, bool[] inLow)
    {
        var lowClass = x.Where((_, i) => inLow[i]).ToArray();
        var highClass = x.Where((_, i) => !inLow[i]).ToArray();
        if (lowClass.Length == 0 || highClass.Length == 0) return 0;
        double w0 = (double)lowClass.Length / x.Length, w1 = (double)highClass.Length / x.Length;
        double d = lowClass.Average() - highClass.Average();
        return w0 * w1 * d * d;
    }

    [Fact]
    public void RejectsEmptyAndInvalidInput()
    {
        Assert.Throws<ArgumentException>(() => FailureThreshold.Choose([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureThreshold.Choose([0.5, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureThreshold.Choose([0.5, -0.1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureThreshold.Choose([1.5, 0.5]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FixedRejectsValuesOutsideTheOpenUnitInterval(double p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureThreshold.Fixed(p));

    [Fact]
    public void FixedFailsStrictlyBelowItsValue()
    {
        var threshold = FailureThreshold.Fixed(0.01);

        Assert.Equal(ThresholdMethod.Fixed, threshold.Method);
        Assert.Equal("fixed: repeat_prob < 0.01 fails", threshold.Description);
        Assert.True(threshold.IsFailure(0.0099));
        Assert.False(threshold.IsFailure(0.01));
    }
}
