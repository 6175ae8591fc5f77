using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class MannWhitneyTests
{
    [Fact]
    public void HandCaseWithATieUsesTheCorrectedNormalApproximation()
    {
        // failed 3,4,5 vs passed 1,2,3: 3 beats 1, 2 and ties 3 (2.5); 4 and 5 beat all three: U = 8.5.
        var result = MannWhitney.Test([3, 4, 5], [1, 2, 3]);

        Assert.Equal(8.5, result.U);
        Assert.Equal(17.0 / 18, result.Auc, 15);
        Assert.False(result.Exact);
        // σ² = n1 n2/12 · (n + 1 − Σ(t³ − t)/(n(n − 1))) = 9/12 · (7 − 6/30) = 5.1; z = (|8.5 − 4.5| − ½)/√5.1.
        Assert.Equal(3.5 / Math.Sqrt(5.1), result.Z!.Value, 14);
        // erfc(z/√2) from Python's math.erfc.
        Assert.Equal(0.12118327283746322, result.PValue, 12);
    }

    [Fact]
    public void SeparatedSamplesWithoutTiesAreExact()
    {
        // U = 0 is the most extreme of C(10, 5) = 252 equally likely splits; two-sided p = 2/252.
        var result = MannWhitney.Test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);

        Assert.Equal(0, result.U);
        Assert.True(result.Exact);
        Assert.Null(result.Z);
        Assert.Equal(2.0 / 252, result.PValue, 15);
    }

    [Fact]
    public void SeparatedSamplesWithATieFallBackToTheAsymptoticFormula()
    {
        // A tie between the samples' ends leaves U = 0.5 and forces the normal approximation.
        var result = MannWhitney.Test([1, 2, 3, 4, 5], [5, 7, 8, 9, 10]);

        Assert.Equal(0.5, result.U);
        Assert.False(result.Exact);
        double variance = 25.0 / 12 * (11 - 6.0 / 90);
        double z = (12.5 - 0.5 - 0.5) / Math.Sqrt(variance);
        Assert.Equal(-z, result.Z!.Value, 14);
        Assert.Equal(MathNet.Numerics.SpecialFunctions.Erfc(z / Math.Sqrt(2)), result.PValue, 14);
    }

    [Theory]
    [InlineData(4, 6, 7)]
    [InlineData(5, 5, 3)]
    [InlineData(3, 9, 11)]
    [InlineData(7, 7, 24)]
    [InlineData(1, 8, 2)]
    public void ExactPValueMatchesEnumerationOfAllSplits(int n1, int n2, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(1, n1 + n2).OrderBy(_ => random.Next()).Select(v => (double)v).ToArray();
        double[] first = values[..n1], second = values[n1..];

        var result = MannWhitney.Test(first, second);

        // Enumerate every way to pick the first sample's ranks; p = 2 · min(P(U ≤ u), P(U ≥ u)), capped at 1.
        double observed = Math.Round(Reference.PairwiseAuc(first, second) * n1 * n2);
        int atMost = 0, atLeast = 0, total = 0;
        foreach (var pick in Combinations(n1 + n2, n1))
        {
            // The rank-sum form: U = R1 − n1(n1 + 1)/2.
            int u = pick.Sum() - n1 * (n1 + 1) / 2;
            if (u <= observed) atMost++;
            if (u >= observed) atLeast++;
            total++;
        }
        Assert.True(result.Exact);
        Assert.Equal(observed, result.U);
        Assert.Equal(Math.Min(1, 2.0 * Math.Min(atMost, atLeast) / total), result.PValue, 12);
    }

    [Fact]
    public void ExactAndAsymptoticAgreeForModerateSamples()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 80).Select(_ => random.NextDouble()).ToArray();
        for (int i = 0; i < 40; i++) values[i] += 0.15;
        var exact = MannWhitney.Test(values.AsSpan(0, 40), values.AsSpan(40));
        Assert.True(exact.Exact);

        double variance = 40.0 * 40 * 81 / 12;
        double z = (Math.Abs(exact.U - 800) - 0.5) / Math.Sqrt(variance);
        double asymptotic = MathNet.Numerics.SpecialFunctions.Erfc(z / Math.Sqrt(2));
        Assert.InRange(exact.PValue, 0.001, 0.2);
        Assert.Equal(asymptotic, exact.PValue, 0.1 * asymptotic);
    }

    [Fact]
    public void LargeSamplesWithoutTiesUseTheNormalApproximation()
    {
        var random = new Random(9);
        var first = Enumerable.Range(0, 300).Select(_ => random.NextDouble() + 0.05).ToArray();
        var second = Enumerable.Range(0, 300).Select(_ => random.NextDouble()).ToArray();

        var result = MannWhitney.Test(first, second);

        Assert.False(result.Exact);
        double u = Reference.PairwiseAuc(first, second) * 300 * 300;
        Assert.Equal(u, result.U, 1e-6);
        // No ties: σ² = n1 n2 (n + 1)/12.
        double z = (Math.Abs(u - 45000) - 0.5) / Math.Sqrt(300.0 * 300 * 601 / 12);
        Assert.Equal(z, result.Z!.Value, 12);
        Assert.Equal(MathNet.Numerics.SpecialFunctions.Erfc(z / Math.Sqrt(2)), result.PValue, 12);
    }

    [Fact]
    public void AllValuesEqualGivePOfOne()
    {
        var result = MannWhitney.Test([2, 2], [2, 2, 2]);

        Assert.Equal(3, result.U);
        Assert.Equal(0.5, result.Auc);
        Assert.Equal(1, result.PValue);
        Assert.Equal(0, result.Z);
    }

    [Fact]
    public void InvalidSamplesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => MannWhitney.Test([], [1.0]));
        Assert.Throws<ArgumentException>(() => MannWhitney.Test([1.0, double.NaN], [1.0]));
        Assert.Throws<ArgumentException>(() => MannWhitney.Test([1.0], [double.PositiveInfinity]));
    }

    /// <summary>All ascending k-subsets of the ranks 1..n.</summary>
    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var pick = Enumerable.Range(1, k).ToArray();
        while (true)
        {
            yield return (int[])pick.Clone();
            int j = k - 1;
            while (j >= 0 && pick[j] == n - k + j + 1) j--;
            if (j < 0) yield break;
            pick[j]++;
            for (int l = j + 1; l < k; l++) pick[l] = pick[l - 1] + 1;
        }
    }
}
