namespace AnomalyProbe.Analysis.Statistics;

/// <summary>All statistics of one geometric measure against the outcome, for the rows of summary.csv.</summary>
public static class MeasureStatistics
{
    /// <summary>
    /// <see cref="StatisticNames.Auc"/>, <see cref="StatisticNames.PointBiserialR"/> (failure vs measure) and
    /// <see cref="StatisticNames.SpearmanRho"/> (repeat_prob vs measure), in that order, each with a
    /// bootstrap interval from <paramref name="bootstrap"/>. Subsets (token types) are the caller's loop.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static IReadOnlyList<Estimate> Compute(
        ReadOnlySpan<bool> failed, ReadOnlySpan<double> repeatProb, ReadOnlySpan<double> measure, BootstrapSettings bootstrap)
    {
        ArgumentNullException.ThrowIfNull(bootstrap);
        Degeneracy.RequireSameLength(failed.Length, repeatProb.Length, nameof(repeatProb));
        return
        [
            RocAuc.Compute(failed, measure, bootstrap),
            PointBiserial.Compute(failed, measure, bootstrap),
            Spearman.Compute(repeatProb, measure, bootstrap),
        ];
    }
}
