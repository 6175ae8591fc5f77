namespace AnomalyProbe.Analysis.Statistics;

/// <summary>A two-sided Mann–Whitney U test of a first sample against a second.</summary>
/// <param name="N1">Size of the first sample.</param>
/// <param name="N2">Size of the second sample.</param>
/// <param name="U">U of the first sample: pairs (first, second) with first &gt; second, plus half the ties.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">Whether <paramref name="PValue"/> is from the exact null distribution rather than the normal approximation.</param>
/// <param name="Z">The continuity-corrected standard score of U (positive when the first sample is larger); null when exact.</param>
public sealed record MannWhitneyResult(int N1, int N2, double U, double PValue, bool Exact, double? Z)
{
    /// <summary>U / (N1 N2) = P(first &gt; second) + ½ P(tie): the ROC AUC of "larger means first sample".</summary>
    public double Auc => U / ((double)N1 * N2);
}
