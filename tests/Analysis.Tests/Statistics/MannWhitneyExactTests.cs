using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class MannWhitneyExactTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(3, 2000)]
    [InlineData(12, 30)]
    public void LowerTailMatchesThePartitionRecursion(int m, int n)
    {
        // Reference: f(u; i, j) = f(u − j; i − 1, j) + f(u; i, j − 1), counts of U built by additions only.
        var counts = PartitionCounts(m, n);
        double total = counts.Sum();
        double cumulative = 0;
        for (int u = 0; u <= m * n / 2; u++)
        {
            cumulative += counts[u];
            if (u % 7 != 0 && u != m * n / 2) continue;
            double expected = cumulative / total;
            Assert.Equal(expected, MannWhitneyExact.LowerTail(m, n, u), 1e-12 + 1e-9 * expected);
            Assert.Equal(expected, MannWhitneyExact.LowerTail(n, m, u), 1e-12 + 1e-9 * expected);
        }
    }

    [Fact]
    public void ClosedFormsForOneAndTwoInTheSmallerSample()
    {
        // m = 1: U is uniform on 0..n.
        Assert.Equal(38.0 / 1001, MannWhitneyExact.LowerTail(1, 1000, 37), 15);
        // m = 2, u ≤ n: ⌊k/2⌋ + 1 ways to reach k, out of C(n + 2, 2).
        const int n = 100_000, u = 4_321;
        double ways = Enumerable.Range(0, u + 1).Sum(k => k / 2 + 1.0);
        Assert.Equal(ways / ((n + 2.0) * (n + 1) / 2), MannWhitneyExact.LowerTail(2, n, u), 1e-15);
    }

    [Fact]
    public void TailsAreClampedAtTheEnds()
    {
        Assert.Equal(0, MannWhitneyExact.LowerTail(3, 4, -1));
        Assert.Equal(1, MannWhitneyExact.LowerTail(3, 4, 12));
        Assert.Equal(1.0 / 35, MannWhitneyExact.LowerTail(3, 4, 0), 15);
    }

    [Theory]
    [InlineData(1, 10_000_000, true)]
    [InlineData(50, 4000, true)]
    [InlineData(215, 215, true)]
    [InlineData(216, 216, false)]
    [InlineData(20, 262_144, false)]
    public void AffordabilityBoundsTheWork(int n1, int n2, bool affordable) =>
        Assert.Equal(affordable, MannWhitneyExact.IsAffordable(n1, n2));

    private static double[] PartitionCounts(int m, int n)
    {
        // table[i][u] for the current j, updated in place over j = 1..n.
        var table = new double[m + 1][];
        for (int i = 0; i <= m; i++)
        {
            table[i] = new double[m * n + 1];
            table[i][0] = 1;
        }
        for (int j = 1; j <= n; j++)
            for (int i = 1; i <= m; i++)
                for (int u = m * n; u >= 0; u--)
                    table[i][u] += u >= j ? table[i - 1][u - j] : 0;
        return table[m];
    }
}
