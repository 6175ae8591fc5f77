using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class CorrelationTests
{
    [Fact]
    public void PointBiserialIsPearsonOfTheIndicator()
    {
        bool[] failed = [true, false, false, true, false, true, false, false];
        double[] measure = [2.5, 1.0, 1.5, 3.0, 2.5, 1.8, 0.7, 1.1];

        var estimate = PointBiserial.Compute(failed, measure);

        double[] indicator = [.. failed.Select(f => f ? 1.0 : 0.0)];
        Assert.Equal(StatisticNames.PointBiserialR, estimate.Statistic);
        Assert.Equal(Reference.Pearson(indicator, measure), estimate.Value!.Value, 14);
        // The textbook form (M1 − M0)/s_n · √(n1 n0 / n²), s_n the population standard deviation.
        double m1 = measure.Where((_, i) => failed[i]).Average(), m0 = measure.Where((_, i) => !failed[i]).Average();
        double mean = measure.Average(), sn = Math.Sqrt(measure.Sum(v => (v - mean) * (v - mean)) / 8);
        Assert.Equal((m1 - m0) / sn * Math.Sqrt(3.0 * 5 / 64), estimate.Value.Value, 14);
    }

    [Theory]
    [InlineData(new[] { true, false, true }, new[] { 0.3, 0.1, 0.2 })]
    [InlineData(new[] { true, false, true, false }, new[] { 0.3, 0.1, 0.2, 0.25 })]
    [InlineData(new[] { false, false, true, true, false }, new[] { 1.0, 4.0, 2.0, 8.0, 5.0 })]
    public void PointBiserialPValueMatchesClosedFormStudentT(bool[] failed, double[] measure)
    {
        var estimate = PointBiserial.Compute(failed, measure);

        int n = measure.Length;
        double r = Reference.Pearson([.. failed.Select(f => f ? 1.0 : 0.0)], measure);
        Assert.Equal(Reference.StudentTwoSided(Reference.T(r, n), n - 2), estimate.PValue!.Value, 12);
    }

    [Fact]
    public void SpearmanWithTiesIsPearsonOfAverageRanks()
    {
        double[] repeatProb = [0.9, 0.1, 0.1, 0.5, 0.9, 0.9, 0.0, 0.3, 0.5, 0.7];
        double[] measure = [3, 1, 2, 2, 5, 3, 1, 1, 4, 3];

        var estimate = Spearman.Compute(repeatProb, measure);

        Assert.Equal(StatisticNames.SpearmanRho, estimate.Statistic);
        Assert.Equal(Reference.Spearman(repeatProb, measure), estimate.Value!.Value, 14);
    }

    [Theory]
    [InlineData(new[] { 0.2, 0.9, 0.4 }, new[] { 1.0, 2.0, 3.0 })]
    [InlineData(new[] { 0.2, 0.9, 0.4, 0.4 }, new[] { 1.0, 2.0, 3.0, 4.0 })]
    [InlineData(new[] { 0.2, 0.9, 0.4, 0.1, 0.6 }, new[] { 1.0, 2.0, 3.0, 4.0, 5.0 })]
    public void SpearmanPValueMatchesClosedFormStudentT(double[] repeatProb, double[] measure)
    {
        var estimate = Spearman.Compute(repeatProb, measure);

        int n = measure.Length;
        double rho = Reference.Spearman(repeatProb, measure);
        Assert.Equal(Reference.StudentTwoSided(Reference.T(rho, n), n - 2), estimate.PValue!.Value, 12);
    }

    [Fact]
    public void PerfectRankAgreementHasPValueZero()
    {
        var estimate = Spearman.Compute([0.1, 0.2, 0.3, 0.4], [5, 6, 7, 9]);

        Assert.Equal(1, estimate.Value);
        Assert.Equal(0, estimate.PValue);
    }

    [Fact]
    public void SpearmanOfABivariateNormalIsSixOverPiArcsinHalfRho()
    {
        // Bivariate normal with ρ = 0.5: ρ_s = (6/π) asin(ρ/2) = 0.48258 (Python's math).
        const int n = 4000;
        var a = Reference.Normals(n, 0, 21);
        var e = Reference.Normals(n, 0, 22);
        var b = a.Zip(e, (u, v) => 0.5 * u + Math.Sqrt(0.75) * v).ToArray();

        var estimate = Spearman.Compute(a, b);

        // Four standard errors; var(atanh ρ_s) ≈ 1.06/(n − 3) (Fieller et al.), so SE ≈ (1 − ρ_s²)·√(1.06/(n − 3)) ≈ 0.0125.
        const double truth = 0.4825837395309974;
        double se = (1 - truth * truth) * Math.Sqrt(1.06 / (n - 3));
        Assert.Equal(truth, estimate.Value!.Value, 4 * se);
    }

    [Fact]
    public void PointBiserialOfABinormalShiftOfOne()
    {
        // Equal classes, shift d = 1, unit variance: r = d√(pq)/√(1 + d²pq) = 0.5/√1.25.
        const int perClass = 2000;
        var (failed, measure) = Reference.Binormal(perClass, 1, seed: 31);

        var estimate = PointBiserial.Compute(failed, measure);

        double truth = 0.5 / Math.Sqrt(1.25), se = (1 - truth * truth) / Math.Sqrt(2 * perClass);
        Assert.Equal(truth, estimate.Value!.Value, 4 * se);
    }
}
