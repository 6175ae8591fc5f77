namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// ROC AUC of a measure as a predictor of failure, in the direction "a larger measure means failed":
/// AUC = P(x_failed &gt; x_passed) + ½ P(tie). It is kept raw: below 0.5 the measure predicts failure
/// inversely (smaller means failed), and 1 − AUC is the AUC of the reversed direction.
/// </summary>
public static class RocAuc
{
    /// <summary>
    /// The AUC (= U / (n_failed n_passed) of the Mann–Whitney test of failed against passed tokens), its
    /// two-sided Mann–Whitney p-value (see <see cref="MannWhitney"/>), and with <paramref name="bootstrap"/>
    /// a stratified percentile interval: each resample draws n_failed failed and n_passed passed tokens
    /// with replacement, so both classes keep their sizes. Each resample costs O(n) (a sweep over the
    /// measure sorted once), not a re-sort.
    /// </summary>
    /// <returns>Undefined for fewer than 3 tokens, no failed or no passed tokens, a constant measure, or a non-finite measure value.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static Estimate Compute(ReadOnlySpan<bool> failed, ReadOnlySpan<double> measure, BootstrapSettings? bootstrap = null)
    {
        Degeneracy.RequireSameLength(failed.Length, measure.Length, nameof(measure));
        if (Degeneracy.OfBinary(failed, measure) is { } why) return Estimate.NotDefined(StatisticNames.Auc, measure.Length, why);

        var ties = new TieGroups(measure);
        var failedAt = new byte[ties.Order.Length];
        for (int k = 0; k < failedAt.Length; k++) failedAt[k] = failed[ties.Order[k]] ? (byte)1 : (byte)0;
        int nFailed = failed.Count(true), nPassed = failed.Length - nFailed;
        var test = MannWhitney.Test(ties, failedAt, nFailed, nPassed);

        (double, double)? interval = null;
        if (bootstrap is not null)
        {
            var (failedPositions, passedPositions) = PositionsByClass(failed, ties, nFailed);
            interval = Bootstrap.PercentileInterval(bootstrap,
                () => new Workspace(failedAt.Length, nFailed, nPassed),
                (w, random) =>
                {
                    Array.Clear(w.Counts);
                    Bootstrap.Resample(random, w.FailedDraws, failedPositions, w.Counts);
                    Bootstrap.Resample(random, w.PassedDraws, passedPositions, w.Counts);
                    return MannWhitney.TwiceU(ties.Ends, failedAt, w.Counts) / (2.0 * nFailed * nPassed);
                });
        }
        return Estimate.Defined(StatisticNames.Auc, test.Auc, interval, measure.Length, test.PValue);
    }

    /// <summary>
    /// The sorted positions of the failed and of the passed tokens, each listed in original token order,
    /// so a draw picks the same token whatever the measure: resamples are paired across measures (and
    /// match <see cref="PointBiserial"/>'s for the same seed).
    /// </summary>
    private static (int[] Failed, int[] Passed) PositionsByClass(ReadOnlySpan<bool> failed, TieGroups ties, int nFailed)
    {
        var positionOf = ties.Positions();
        var failedPositions = new int[nFailed];
        var passedPositions = new int[failed.Length - nFailed];
        int f = 0, p = 0;
        for (int i = 0; i < failed.Length; i++)
        {
            if (failed[i]) failedPositions[f++] = positionOf[i];
            else passedPositions[p++] = positionOf[i];
        }
        return (failedPositions, passedPositions);
    }

    private sealed class Workspace(int n, int nFailed, int nPassed)
    {
        public int[] Counts { get; } = new int[n];
        public int[] FailedDraws { get; } = new int[nFailed];
        public int[] PassedDraws { get; } = new int[nPassed];
    }
}
