namespace AnomalyProbe.Analysis.Reporting;

/// <summary>One line of summary.csv: a statistic of failure (or repeat_prob) against a geometric measure.</summary>
/// <param name="Template">The template whose failures are tested, or "best" (the scan's failed column).</param>
/// <param name="TokenType">"all" or one token type.</param>
/// <param name="Measure">The geometry column.</param>
/// <param name="Statistic">auc, point_biserial_r or spearman_rho.</param>
/// <param name="Estimate">The value; null when undefined.</param>
/// <param name="CiLow">Bootstrap 95% interval, low end.</param>
/// <param name="CiHigh">Bootstrap 95% interval, high end.</param>
/// <param name="N">Tokens used.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Note">Why the value is undefined, when it is.</param>
public sealed record SummaryRow(
    string Template, string TokenType, string Measure, string Statistic,
    double? Estimate, double? CiLow, double? CiHigh, int N, double? PValue, string? Note);
