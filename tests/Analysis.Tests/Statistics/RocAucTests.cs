using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class RocAucTests
{
    [Fact]
    public void HandCaseCountsTheTieAsHalf()
    {
        // Failed 3, 4, 5 against passed 1, 2, 3: 8 of 9 pairs won, one tie → (8 + ½)/9.
        var estimate = RocAuc.Compute([true, true, true, false, false, false], [3, 4, 5, 1, 2, 3]);

        Assert.Equal(StatisticNames.Auc, estimate.Statistic);
        Assert.Equal(17.0 / 18, estimate.Value!.Value, 15);
        Assert.Equal(6, estimate.N);
        Assert.Equal(0.12118327283746322, estimate.PValue!.Value, 12);
        Assert.Null(estimate.CiLow);
        Assert.Null(estimate.Undefined);
    }

    [Fact]
    public void AMeasureLowerForFailuresGivesAucBelowOneHalf()
    {
        bool[] failed = [true, true, false, false, false];
        double[] measure = [0.1, 0.4, 0.3, 0.9, 0.8];

        var estimate = RocAuc.Compute(failed, measure);
        var reversed = RocAuc.Compute(failed, measure.Select(v => -v).ToArray());

        Assert.Equal(1.0 / 6, estimate.Value!.Value, 15);
        Assert.Equal(1 - estimate.Value.Value, reversed.Value!.Value, 15);
        Assert.Equal(estimate.PValue, reversed.PValue);
    }

    [Fact]
    public void MatchesPairwiseCountingWithManyTies()
    {
        var random = new Random(11);
        var failed = Enumerable.Range(0, 400).Select(_ => random.Next(5) == 0).ToArray();
        var measure = failed.Select(f => (double)random.Next(12) + (f ? 2 : 0)).ToArray();

        var estimate = RocAuc.Compute(failed, measure);

        var failedX = measure.Where((_, i) => failed[i]).ToList();
        var passedX = measure.Where((_, i) => !failed[i]).ToList();
        Assert.Equal(Reference.PairwiseAuc(failedX, passedX), estimate.Value!.Value, 14);
    }

    [Fact]
    public void BinormalShiftOfOneGivesPhiOfOneOverRootTwo()
    {
        const int perClass = 2000;
        var (failed, measure) = Reference.Binormal(perClass, 1, seed: 3);

        var estimate = RocAuc.Compute(failed, measure);

        // Four standard errors (Hanley–McNeil at the true AUC, ≈ 0.0074 here).
        double se = Reference.HanleyMcNeilSe(Reference.BinormalAuc, perClass, perClass);
        Assert.Equal(Reference.BinormalAuc, estimate.Value!.Value, 4 * se);
        Assert.True(estimate.PValue < 1e-100, $"p = {estimate.PValue}");
    }

    [Fact]
    public void RocCurveHandCase()
    {
        var points = RocCurve.Compute([true, true, true, false, false, false], [3, 4, 5, 1, 2, 3]);

        RocPoint[] expected =
        [
            new(double.PositiveInfinity, 0, 0),
            new(5, 0, 1.0 / 3),
            new(4, 0, 2.0 / 3),
            new(3, 1.0 / 3, 1),
            new(2, 2.0 / 3, 1),
            new(1, 1, 1),
        ];
        Assert.Equal(expected, points);
    }

    [Fact]
    public void TrapezoidalAreaUnderTheRocCurveIsTheAuc()
    {
        var random = new Random(17);
        var failed = Enumerable.Range(0, 1000).Select(_ => random.Next(4) == 0).ToArray();
        var measure = failed.Select(f => Math.Round(random.NextDouble() + (f ? 0.3 : 0), 2)).ToArray();

        var points = RocCurve.Compute(failed, measure);

        double area = 0;
        for (int k = 1; k < points.Count; k++)
            area += (points[k].FalsePositiveRate - points[k - 1].FalsePositiveRate) * (points[k].TruePositiveRate + points[k - 1].TruePositiveRate) / 2;
        Assert.Equal(RocAuc.Compute(failed, measure).Value!.Value, area, 12);
        Assert.Equal(measure.Distinct().Count() + 1, points.Count);
        Assert.Equal(new RocPoint(measure.Min(), 1, 1), points[^1]);
    }

    [Fact]
    public void RocCurveRejectsWhatItCannotDraw()
    {
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([true, true], [1, 2]));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([true, false], [1, double.NaN]));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([true, false], [1]));
    }
}
