using AnomalyProbe.Analysis.Geometry;

namespace AnomalyProbe.Analysis.Tests.Geometry;

public sealed class MeasureScoresTests
{
    [Fact]
    public void TiedValuesShareTheirAverageRank()
    {
        Assert.Equal([3, 1.5, 5, 1.5, 4], MeasureScores.Ranks([0.7, 0.2, 2.0, 0.2, 0.9]));
        Assert.Equal([2, 2, 2], MeasureScores.Ranks([4, 4, 4]));
        Assert.Empty(MeasureScores.Ranks([]));
    }

    [Fact]
    public void ZScoresUseTheSampleStandardDeviation()
    {
        // Mean 5, Σ(x − 5)² = 32 over n − 1 = 7: s = √(32/7).
        double[] x = [2, 4, 4, 4, 5, 5, 7, 9];
        double s = Math.Sqrt(32.0 / 7);

        var z = MeasureScores.ZScores(x)!;

        for (int i = 0; i < x.Length; i++) Assert.Equal((x[i] - 5) / s, z[i], 14);
        Assert.Equal(z[1], z[3]);
    }

    [Fact]
    public void ZScoresAreUndefinedWithoutSpread()
    {
        Assert.Null(MeasureScores.ZScores([0.1, 0.1, 0.1]));
        Assert.Null(MeasureScores.ZScores([3]));
        Assert.Null(MeasureScores.ZScores([]));
    }

    [Fact]
    public void NonFiniteValuesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => MeasureScores.Ranks([1, double.NaN]));
        Assert.Throws<ArgumentException>(() => MeasureScores.ZScores([1, double.PositiveInfinity]));
    }
}
