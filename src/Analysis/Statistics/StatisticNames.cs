namespace AnomalyProbe.Analysis.Statistics;

/// <summary>The names <see cref="Estimate.Statistic"/> takes, as written to summary.csv.</summary>
public static class StatisticNames
{
    /// <summary>ROC AUC of the measure as a predictor of failure (<see cref="RocAuc"/>).</summary>
    public const string Auc = "auc";

    /// <summary>Point-biserial correlation of failure with the measure (<see cref="PointBiserial"/>).</summary>
    public const string PointBiserialR = "point_biserial_r";

    /// <summary>Spearman rank correlation of repeat_prob with the measure (<see cref="Spearman"/>).</summary>
    public const string SpearmanRho = "spearman_rho";
}
