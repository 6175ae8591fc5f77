using MathNet.Numerics.Statistics;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>Spearman's rank correlation of repeat_prob with a measure.</summary>
public static class Spearman
{
    /// <summary>
    /// ρ (MathNet's Spearman: Pearson's r of average ranks, so ties share their mean rank), its two-sided
    /// p-value from the t approximation (n − 2 degrees of freedom; |ρ| = 1 gives 0), and with
    /// <paramref name="bootstrap"/> a percentile interval from resampling (repeat_prob, measure) pairs.
    /// Each resample costs O(n): ranks of a resample come from sweeps over both variables sorted once,
    /// weighted by how often each token was drawn, instead of re-sorting. Draws index tokens in
    /// repeat_prob order, so resamples are paired across measures of the same tokens.
    /// </summary>
    /// <returns>Undefined for fewer than 3 tokens, a constant measure or repeat_prob, or a non-finite value in either.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static Estimate Compute(ReadOnlySpan<double> repeatProb, ReadOnlySpan<double> measure, BootstrapSettings? bootstrap = null)
    {
        Degeneracy.RequireSameLength(repeatProb.Length, measure.Length, nameof(measure));
        int n = measure.Length;
        if (Degeneracy.OfContinuous(repeatProb, measure) is { } why) return Estimate.NotDefined(StatisticNames.SpearmanRho, n, why);

        double rho = CorrelationTest.Clamp(Correlation.Spearman(repeatProb.ToArray(), measure.ToArray()));

        (double, double)? interval = null;
        if (bootstrap is not null)
        {
            var byRepeat = new TieGroups(repeatProb);
            var byMeasure = new TieGroups(measure);
            int[] pairs = Pairs(byRepeat, byMeasure);
            interval = Bootstrap.PercentileInterval(bootstrap,
                () => new Workspace(n),
                (w, random) =>
                {
                    Array.Clear(w.CountsA);
                    Bootstrap.Resample(random, w.Draws, w.CountsA);
                    return FromCounts(byRepeat, byMeasure, pairs, w);
                });
        }
        return Estimate.Defined(StatisticNames.SpearmanRho, rho, interval, n, CorrelationTest.TwoSidedP(rho, n));
    }

    /// <summary>For each sorted position of <paramref name="a"/>, the sorted position of the same token in <paramref name="b"/>.</summary>
    internal static int[] Pairs(TieGroups a, TieGroups b)
    {
        var positionInB = b.Positions();
        var pairs = new int[a.Order.Length];
        for (int k = 0; k < pairs.Length; k++) pairs[k] = positionInB[a.Order[k]];
        return pairs;
    }

    /// <summary>
    /// ρ of the resample holding <see cref="Workspace.CountsA"/>[k] copies of the token at sorted position k
    /// of <paramref name="a"/>; NaN when either variable is constant in it. The rest of the workspace is scratch.
    /// Working in sorted order keeps all but three of the passes sequential.
    /// </summary>
    internal static double FromCounts(TieGroups a, TieGroups b, int[] pairs, Workspace w)
    {
        int[] countsA = w.CountsA, countsB = w.CountsB;
        double[] ranksA = w.RanksA, ranksB = w.RanksB;
        Array.Clear(countsB);
        long total = 0;
        for (int k = 0; k < pairs.Length; k++)
        {
            countsB[pairs[k]] += countsA[k];
            total += countsA[k];
        }
        a.AverageRanks(countsA, ranksA);
        b.AverageRanks(countsB, ranksB);
        // Average ranks of m values always have mean (m + 1) / 2.
        double mean = (total + 1) / 2.0;
        double sab = 0, saa = 0, sbb = 0;
        for (int k = 0; k < pairs.Length; k++)
        {
            double da = ranksA[k] - mean, db = ranksB[pairs[k]] - mean;
            int c = countsA[k];
            sab += c * da * db;
            saa += c * da * da;
            sbb += c * db * db;
        }
        // A variable that is constant in the resample has every rank exactly at the mean.
        return saa == 0 || sbb == 0 ? double.NaN : CorrelationTest.Clamp(sab / Math.Sqrt(saa * sbb));
    }

    /// <summary>Per-thread buffers of the Spearman bootstrap.</summary>
    internal sealed class Workspace(int n)
    {
        /// <summary>Copies drawn of each token, by sorted position in the first variable.</summary>
        public int[] CountsA { get; } = new int[n];

        /// <summary>The same copies, by sorted position in the second variable.</summary>
        public int[] CountsB { get; } = new int[n];

        /// <summary>The drawn positions.</summary>
        public int[] Draws { get; } = new int[n];

        /// <summary>Average ranks by sorted position in the first variable.</summary>
        public double[] RanksA { get; } = new double[n];

        /// <summary>Average ranks by sorted position in the second variable.</summary>
        public double[] RanksB { get; } = new double[n];
    }
}
