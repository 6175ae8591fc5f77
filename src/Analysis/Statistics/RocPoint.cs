namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// A point of a ROC curve: predicting failure for measure ≥ <paramref name="Threshold"/> flags
/// <paramref name="TruePositiveRate"/> of the failed and <paramref name="FalsePositiveRate"/> of the passed tokens.
/// </summary>
/// <param name="Threshold">The measure value at and above which failure is predicted; +∞ for the origin.</param>
/// <param name="FalsePositiveRate">Fraction of passed tokens at or above the threshold.</param>
/// <param name="TruePositiveRate">Fraction of failed tokens at or above the threshold.</param>
public readonly record struct RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);
