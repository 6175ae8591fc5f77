namespace AnomalyProbe.Analysis.Statistics;

/// <summary>The exact null distribution of the Mann–Whitney U for samples without ties.</summary>
internal static class MannWhitneyExact
{
    /// <summary>Bound on m²n (m the smaller sample) for the exact distribution: at most ~1.5·10⁷ flops.</summary>
    public const long MaxCost = 10_000_000;

    /// <summary>Whether <see cref="LowerTail"/> is cheap for these sample sizes.</summary>
    public static bool IsAffordable(int n1, int n2)
    {
        long m = Math.Min(n1, n2);
        return m * m * Math.Max(n1, n2) <= MaxCost;
    }

    /// <summary>
    /// P(U ≤ <paramref name="u"/>) under the null for samples of <paramref name="n1"/> and <paramref name="n2"/>
    /// distinct values. The counts of U are the coefficients of the Gaussian binomial [m+n choose m]_q
    /// = ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i); the product is built truncated at degree u, and each step is
    /// scaled by i / (n + i) (the ratio of consecutive binomial coefficients) so the coefficients stay
    /// probabilities and never overflow. Cost O(m·u) with m = min(n1, n2).
    /// </summary>
    public static double LowerTail(int n1, int n2, int u)
    {
        if (u < 0) return 0;
        if (u >= (long)n1 * n2) return 1;
        int m = Math.Min(n1, n2), n = Math.Max(n1, n2);
        var p = new double[u + 1];
        p[0] = 1;
        for (int i = 1; i <= m; i++)
        {
            int shift = n + i;
            for (int k = u; k >= shift; k--) p[k] -= p[k - shift];
            for (int k = i; k <= u; k++) p[k] += p[k - i];
            double scale = (double)i / (n + i);
            for (int k = 0; k <= u; k++) p[k] *= scale;
        }
        double sum = 0;
        foreach (double v in p) sum += v;
        return Math.Min(1, sum);
    }
}
