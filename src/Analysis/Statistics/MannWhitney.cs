using MathNet.Numerics.Distributions;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// The Mann–Whitney U (Wilcoxon rank-sum) test, two-sided. Without ties and when
/// <see cref="MannWhitneyExact.IsAffordable"/> (m²n ≤ 10⁷, m the smaller sample: e.g. 1 × 10⁷,
/// 10 × 10⁵, 50 × 4000, 215 × 215) the p-value is exact; otherwise it is the normal approximation
/// with the tie correction of the variance and a continuity correction of ½, as scipy's
/// <c>mannwhitneyu(method="asymptotic")</c>.
/// </summary>
public static class MannWhitney
{
    /// <summary>Tests <paramref name="first"/> against <paramref name="second"/>; U is that of the first sample.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds NaN or ±∞.</exception>
    public static MannWhitneyResult Test(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        if (first.IsEmpty || second.IsEmpty) throw new ArgumentException("Both samples need at least one value.");
        var combined = new double[first.Length + second.Length];
        first.CopyTo(combined);
        second.CopyTo(combined.AsSpan(first.Length));
        if (!Array.TrueForAll(combined, double.IsFinite)) throw new ArgumentException("The samples must be finite (no NaN or ±∞).");
        var ties = new TieGroups(combined);
        return Test(ties, FirstAt(ties, first.Length), first.Length, second.Length);
    }

    /// <summary>1 at the sorted positions of <paramref name="ties"/> that hold an original index below <paramref name="firstCount"/>, else 0.</summary>
    internal static byte[] FirstAt(TieGroups ties, int firstCount)
    {
        var at = new byte[ties.Order.Length];
        for (int k = 0; k < at.Length; k++) at[k] = ties.Order[k] < firstCount ? (byte)1 : (byte)0;
        return at;
    }

    /// <summary>The test on a sorted combined sample; <paramref name="firstAt"/> marks the first sample's sorted positions.</summary>
    internal static MannWhitneyResult Test(TieGroups ties, ReadOnlySpan<byte> firstAt, int n1, int n2)
    {
        var ones = new int[firstAt.Length];
        Array.Fill(ones, 1);
        long twiceU = TwiceU(ties.Ends, firstAt, ones);
        double u = twiceU / 2.0;
        double pairs = (double)n1 * n2;

        if (!ties.HasTies && MannWhitneyExact.IsAffordable(n1, n2))
        {
            // Without ties U is an integer; the null distribution is symmetric about n1 n2 / 2.
            int uLow = (int)Math.Min(twiceU / 2, (long)n1 * n2 - twiceU / 2);
            double p = Math.Min(1, 2 * MannWhitneyExact.LowerTail(n1, n2, uLow));
            return new MannWhitneyResult(n1, n2, u, p, true, null);
        }

        double n = n1 + n2;
        double variance = pairs / 12 * (n + 1 - ties.TieTerm() / (n * (n - 1)));
        double excess = Math.Max(0, Math.Abs(u - pairs / 2) - 0.5);
        // All values equal: no variance and no evidence.
        if (!(variance > 0)) return new MannWhitneyResult(n1, n2, u, 1, false, 0);
        double z = excess / Math.Sqrt(variance);
        double pValue = Math.Min(1, 2 * Normal.CDF(0, 1, -z));
        return new MannWhitneyResult(n1, n2, u, pValue, false, u < pairs / 2 ? -z : z);
    }

    /// <summary>
    /// 2U of the first sample in a resample given as copies per sorted position: Σ over tie groups of
    /// first·(2·second below + second in the group). Integer arithmetic, so U is exact.
    /// </summary>
    internal static long TwiceU(ReadOnlySpan<int> ends, ReadOnlySpan<byte> firstAt, ReadOnlySpan<int> counts)
    {
        long secondBelow = 0, twiceU = 0;
        int start = 0;
        foreach (int end in ends)
        {
            long all = 0, first = 0;
            for (int k = start; k < end; k++)
            {
                all += counts[k];
                first += counts[k] * firstAt[k];
            }
            long second = all - first;
            twiceU += first * (2 * secondBelow + second);
            secondBelow += second;
            start = end;
        }
        return twiceU;
    }
}
