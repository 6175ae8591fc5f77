using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class BootstrapTests
{
    [Fact]
    public void AucIntervalCoversTheTruthWithTheExpectedWidth()
    {
        const int perClass = 1000;
        var (failed, measure) = Reference.Binormal(perClass, 1, seed: 41);

        var estimate = RocAuc.Compute(failed, measure, new BootstrapSettings(seed: 1));

        Assert.InRange(Reference.BinormalAuc, estimate.CiLow!.Value, estimate.CiHigh!.Value);
        Assert.InRange(estimate.Value!.Value, estimate.CiLow.Value, estimate.CiHigh.Value);
        // A 95 % interval spans about 2 · 1.96 standard errors (Hanley–McNeil ≈ 0.0104 here).
        double se = Reference.HanleyMcNeilSe(Reference.BinormalAuc, perClass, perClass);
        Assert.Equal(2 * 1.96 * se, estimate.CiHigh.Value - estimate.CiLow.Value, 0.15 * 2 * 1.96 * se);
    }

    [Fact]
    public void IntervalsShrinkLikeOneOverRootN()
    {
        var settings = new BootstrapSettings(seed: 2);
        var (smallFailed, smallMeasure) = Reference.Binormal(250, 1, seed: 43);
        var (largeFailed, largeMeasure) = Reference.Binormal(4000, 1, seed: 45);
        var small = MeasureStatistics.Compute(smallFailed, Noisy(smallMeasure, 44), smallMeasure, settings);
        var large = MeasureStatistics.Compute(largeFailed, Noisy(largeMeasure, 46), largeMeasure, settings);

        // 16 times the tokens: a quarter of the width, up to the interval's own sampling noise.
        for (int s = 0; s < small.Count; s++)
        {
            double ratio = Width(small[s]) / Width(large[s]);
            Assert.InRange(ratio, 3.4, 4.6);
        }
    }

    [Fact]
    public void CorrelationIntervalsCoverTheirTruths()
    {
        var (failed, measure) = Reference.Binormal(1000, 1, seed: 47);
        var noise = Reference.Normals(2000, 0, 48);
        // repeat_prob as a monotone function of a variable correlated 0.5 with the measure.
        var repeatProb = measure.Zip(noise, (x, e) => 1 / (1 + Math.Exp(-(0.5 * x + Math.Sqrt(0.75) * e)))).ToArray();
        var settings = new BootstrapSettings(seed: 3);

        var r = PointBiserial.Compute(failed, measure, settings);
        var rho = Spearman.Compute(repeatProb, measure, settings);

        Assert.InRange(0.5 / Math.Sqrt(1.25), r.CiLow!.Value, r.CiHigh!.Value);
        // Not bivariate normal (the measure is a mixture), so only a loose check: the sample value is inside and the width plausible.
        Assert.InRange(rho.Value!.Value, rho.CiLow!.Value, rho.CiHigh!.Value);
        Assert.InRange(Width(rho), 0.04, 0.1);
    }

    [Fact]
    public void SameSeedGivesIdenticalIntervalsAndAnotherSeedCloseOnes()
    {
        var (failed, measure) = Reference.Binormal(500, 0.5, seed: 51);
        var repeatProb = measure.Select((x, i) => x + (i % 7) * 0.1).ToArray();

        var first = MeasureStatistics.Compute(failed, repeatProb, measure, new BootstrapSettings(seed: 7));
        var again = MeasureStatistics.Compute(failed, repeatProb, measure, new BootstrapSettings(seed: 7));
        var other = MeasureStatistics.Compute(failed, repeatProb, measure, new BootstrapSettings(seed: 8));

        Assert.Equal(first, again);
        for (int s = 0; s < first.Count; s++)
        {
            Assert.NotEqual(first[s].CiLow, other[s].CiLow);
            Assert.Equal(first[s].CiLow!.Value, other[s].CiLow!.Value, 0.1 * Width(first[s]));
            Assert.Equal(first[s].CiHigh!.Value, other[s].CiHigh!.Value, 0.1 * Width(first[s]));
        }
    }

    [Fact]
    public void ResamplesArePairedAcrossMeasures()
    {
        // The same seed draws the same tokens whatever the measure, so negating it mirrors every replicate.
        var (failed, measure) = Reference.Binormal(300, 0.7, seed: 53);
        var negated = measure.Select(v => -v).ToArray();
        var settings = new BootstrapSettings(seed: 9, resamples: 200);

        var auc = RocAuc.Compute(failed, measure, settings);
        var aucNegated = RocAuc.Compute(failed, negated, settings);
        var r = PointBiserial.Compute(failed, measure, settings);
        var rNegated = PointBiserial.Compute(failed, negated, settings);

        Assert.Equal(1 - auc.CiHigh!.Value, aucNegated.CiLow!.Value, 12);
        Assert.Equal(1 - auc.CiLow!.Value, aucNegated.CiHigh!.Value, 12);
        Assert.Equal(-r.CiHigh!.Value, rNegated.CiLow!.Value, 12);
        Assert.Equal(-r.CiLow!.Value, rNegated.CiHigh!.Value, 12);
    }

    [Fact]
    public void ConfidenceLevelWidensTheInterval()
    {
        var (failed, measure) = Reference.Binormal(300, 1, seed: 55);

        var ninety = RocAuc.Compute(failed, measure, new BootstrapSettings(seed: 4, level: 0.9));
        var ninetyNine = RocAuc.Compute(failed, measure, new BootstrapSettings(seed: 4, level: 0.99));

        Assert.True(ninetyNine.CiLow < ninety.CiLow && ninety.CiHigh < ninetyNine.CiHigh);
    }

    [Fact]
    public void SettingsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapSettings(1, resamples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapSettings(1, level: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapSettings(1, level: double.NaN));
        Assert.Equal(BootstrapSettings.DefaultResamples, new BootstrapSettings(1).Resamples);
    }

    [Fact]
    public void AucReplicateMatchesPairwiseCountingOnTheExpandedResample()
    {
        var random = new Random(61);
        var measure = Enumerable.Range(0, 60).Select(_ => (double)random.Next(15)).ToArray();
        var isFailed = measure.Select(_ => random.Next(3) == 0).ToArray();
        var ties = new TieGroups(measure);
        var failedAt = ties.Order.Select(i => isFailed[i] ? (byte)1 : (byte)0).ToArray();
        var counts = measure.Select(_ => random.Next(4)).ToArray();

        long twiceU = MannWhitney.TwiceU(ties.Ends, failedAt, counts);

        // counts are per sorted position: expand the resample and count pairs.
        var failedX = new List<double>();
        var passedX = new List<double>();
        for (int k = 0; k < counts.Length; k++)
            for (int c = 0; c < counts[k]; c++)
                (failedAt[k] == 1 ? failedX : passedX).Add(ties.Sorted[k]);
        Assert.Equal(Reference.PairwiseAuc(failedX, passedX) * failedX.Count * passedX.Count, twiceU / 2.0, 9);
    }

    [Fact]
    public void PointBiserialReplicateMatchesPearsonOnTheExpandedResample()
    {
        var random = new Random(62);
        var failedValues = Enumerable.Range(0, 13).Select(_ => random.NextDouble() + 0.4).ToArray();
        var passedValues = Enumerable.Range(0, 29).Select(_ => random.NextDouble()).ToArray();
        var failedDraws = failedValues.Select(_ => random.Next(failedValues.Length)).ToArray();
        var passedDraws = passedValues.Select(_ => random.Next(passedValues.Length)).ToArray();

        double r = PointBiserial.FromDraws(failedValues, failedDraws, passedValues, passedDraws);

        var x = failedDraws.Select(d => failedValues[d]).Concat(passedDraws.Select(d => passedValues[d])).ToArray();
        var y = failedDraws.Select(_ => 1.0).Concat(passedDraws.Select(_ => 0.0)).ToArray();
        Assert.Equal(Reference.Pearson(y, x), r, 12);
    }

    [Fact]
    public void SpearmanReplicateMatchesAverageRanksOnTheExpandedResample()
    {
        var random = new Random(63);
        var a = Enumerable.Range(0, 50).Select(_ => (double)random.Next(10)).ToArray();
        var b = a.Select(v => v + random.Next(6)).ToArray();
        var counts = a.Select(_ => random.Next(3)).ToArray();
        var byA = new TieGroups(a);
        var workspace = new Spearman.Workspace(50);
        for (int k = 0; k < 50; k++) workspace.CountsA[k] = counts[byA.Order[k]];

        double rho = Spearman.FromCounts(byA, new TieGroups(b), Spearman.Pairs(byA, new TieGroups(b)), workspace);

        var expandedA = new List<double>();
        var expandedB = new List<double>();
        for (int i = 0; i < counts.Length; i++)
            for (int c = 0; c < counts[i]; c++)
            {
                expandedA.Add(a[i]);
                expandedB.Add(b[i]);
            }
        Assert.Equal(Reference.Spearman(expandedA, expandedB), rho, 12);
    }

    [Fact]
    public void ConstantResamplesAreUndefinedReplicates()
    {
        var ties = new TieGroups([1.0, 2, 3]);
        var workspace = new Spearman.Workspace(3);
        workspace.CountsA[1] = 3;
        Assert.True(double.IsNaN(Spearman.FromCounts(ties, ties, Spearman.Pairs(ties, ties), workspace)));
        Assert.True(double.IsNaN(PointBiserial.FromDraws([0.5, 1], [1, 1], [0.2, 1], [1])));
    }

    [Theory]
    [InlineData(0.4, true)]
    [InlineData(0.6, false)]
    public void IntervalNeedsAtLeastHalfTheReplicatesDefined(double undefinedShare, bool hasInterval)
    {
        // Replicates undefined on their resample (NaN) are dropped, up to half of them.
        var interval = Bootstrap.PercentileInterval(new BootstrapSettings(seed: 5, resamples: 2000), () => 0,
            (_, random) => random.NextDouble() < undefinedShare ? double.NaN : random.NextDouble());

        Assert.Equal(hasInterval, interval is not null);
        if (interval is { } defined) Assert.True(defined.Low < 0.05 && defined.High > 0.95);
    }

    private static double[] Noisy(double[] measure, int seed) =>
        [.. measure.Zip(Reference.Normals(measure.Length, 0, seed), (x, e) => x + e)];

    private static double Width(Estimate estimate) => estimate.CiHigh!.Value - estimate.CiLow!.Value;
}
