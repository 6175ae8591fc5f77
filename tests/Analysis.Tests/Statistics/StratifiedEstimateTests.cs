using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

/// <summary>The two-stage estimator against brute force: every possible stratified sample of small populations.</summary>
public sealed class StratifiedEstimateTests
{
    // (size, failures) per stratum, sample size per stratum, candidates confirmed.
    public static TheoryData<int[], int[], int[], int> Populations => new()
    {
        { [8, 10], [3, 1], [3, 4], 4 },
        { [12, 9, 6], [0, 2, 6], [3, 3, 2], 0 },
        { [15, 15], [5, 10], [4, 4], 7 },
        { [20], [2], [5], 1 },
    };

    [Theory]
    [MemberData(nameof(Populations))]
    public void OverEverySampleTheEstimateIsUnbiasedAndTheIntervalCovers(int[] sizes, int[] failures, int[] sampled, int confirmed)
    {
        double truth = confirmed + failures.Sum();
        double meanEstimate = 0, covered = 0, samples = 0;
        var intervals = new Dictionary<string, (double Low, double High)>();
        // Each stratum's tokens: the first F fail. Enumerate every subset of the sample size in every stratum.
        var perStratum = sizes.Select((n, h) => Subsets(n, sampled[h]).Select(set => set.Count(i => i < failures[h])).ToList()).ToList();
        foreach (int[] failedPerStratum in Product(perStratum))
        {
            var counts = failedPerStratum.Select((f, h) => new StratumCount(sizes[h], sampled[h], f)).ToList();
            double estimate = StratifiedEstimate.PointEstimate(confirmed, counts);
            string key = string.Join(",", failedPerStratum);
            if (!intervals.TryGetValue(key, out var interval))
            {
                var (low, high, _, _) = StratifiedEstimate.Interval(confirmed, counts, seed: 7);
                intervals[key] = interval = (low, high);
            }
            meanEstimate += estimate;
            if (interval.Low <= truth && truth <= interval.High) covered++;
            samples++;
        }
        Assert.Equal(truth, meanEstimate / samples, 9);
        Assert.True(covered / samples >= 0.9, $"the 95 % interval covers the truth in {covered / samples:P1} of the {samples} samples");
    }

    [Fact]
    public void AStratumFullyProbedIsExactAndOneWithoutFailuresStillHasWidth()
    {
        var exact = StratifiedEstimate.Compute(5, 3, [new StratumCount(10, 10, 4)], probes: 30, vocabulary: 15, seed: 1);
        Assert.Equal((7.0, 7.0, 7.0), (exact.FailedTotal, exact.FailedTotalCiLow, exact.FailedTotalCiHigh));
        Assert.Equal(3.0 / 7, exact.RecallAtK!.Value, 12);

        var none = StratifiedEstimate.Compute(0, 0, [new StratumCount(1000, 20, 0)], probes: 20, vocabulary: 1000, seed: 1);
        Assert.Equal(0, none.FailedTotal);
        Assert.True(none.FailedTotalCiHigh > 10, $"upper end {none.FailedTotalCiHigh}: zero failures in 20 of 1000 do not prove none");
        Assert.Null(none.RecallAtK);
    }

    [Fact]
    public void TheSameSeedGivesTheSameInterval()
    {
        StratumCount[] strata = [new(100, 10, 3), new(50, 5, 0)];
        Assert.Equal(StratifiedEstimate.Interval(2, strata, 5), StratifiedEstimate.Interval(2, strata, 5));
    }

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        var set = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return [.. set];
            int i = k - 1;
            while (i >= 0 && set[i] == n - k + i) i--;
            if (i < 0) yield break;
            set[i]++;
            for (int j = i + 1; j < k; j++) set[j] = set[j - 1] + 1;
        }
    }

    private static IEnumerable<int[]> Product(List<List<int>> choices, int depth = 0)
    {
        if (depth == choices.Count)
        {
            yield return [];
            yield break;
        }
        foreach (int head in choices[depth])
        {
            foreach (int[] tail in Product(choices, depth + 1)) yield return [head, .. tail];
        }
    }
}
