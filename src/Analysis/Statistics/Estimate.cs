namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// One statistic of a measure: the value, its bootstrap confidence interval and p-value, or why it is
/// undefined. <see cref="Value"/> is null exactly when <see cref="Undefined"/> is set; no member is ever NaN.
/// </summary>
/// <param name="Statistic">The statistic's name, one of <see cref="StatisticNames"/>.</param>
/// <param name="Value">The estimate; null when undefined.</param>
/// <param name="CiLow">Lower bound of the percentile bootstrap interval; null without a bootstrap or when too few resamples define the statistic.</param>
/// <param name="CiHigh">Upper bound of the interval, null when <paramref name="CiLow"/> is.</param>
/// <param name="N">The number of tokens given (all of them, also when the estimate is undefined).</param>
/// <param name="PValue">Two-sided p-value against no association; null when undefined.</param>
/// <param name="Undefined">Why there is no value ("undefined: no failed tokens"); null when defined.</param>
public sealed record Estimate(string Statistic, double? Value, double? CiLow, double? CiHigh, int N, double? PValue, string? Undefined)
{
    internal static Estimate NotDefined(string statistic, int n, string reason) =>
        new(statistic, null, null, null, n, null, reason);

    internal static Estimate Defined(string statistic, double value, (double Low, double High)? interval, int n, double pValue) =>
        new(statistic, value, interval?.Low, interval?.High, n, pValue, null);
}
