using MathNet.Numerics.Statistics;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>Rank and standard scores of a per-token measure.</summary>
public static class MeasureScores
{
    /// <summary>
    /// Ascending ranks, 1 for the smallest value; tied values share the average of their ranks
    /// (MathNet's <see cref="RankDefinition.Average"/>), so the ranks always sum to n(n + 1)/2.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN or ±∞.</exception>
    public static double[] Ranks(ReadOnlySpan<double> measure)
    {
        var values = FiniteCopy(measure);
        return ArrayStatistics.RanksInplace(values, RankDefinition.Average);
    }

    /// <summary>
    /// (x − mean) / s with s the sample standard deviation (n − 1 denominator). Tied values get equal
    /// scores. Null when undefined: fewer than 2 values or all values equal.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN or ±∞.</exception>
    public static double[]? ZScores(ReadOnlySpan<double> measure)
    {
        var values = FiniteCopy(measure);
        // Tested exactly: rounding could leave a tiny spread for equal values.
        if (values.Length < 2 || Array.TrueForAll(values, v => v == values[0])) return null;
        var (mean, deviation) = ArrayStatistics.MeanStandardDeviation(values);
        for (int i = 0; i < values.Length; i++) values[i] = (values[i] - mean) / deviation;
        return values;
    }

    private static double[] FiniteCopy(ReadOnlySpan<double> measure)
    {
        var values = measure.ToArray();
        if (!Array.TrueForAll(values, double.IsFinite)) throw new ArgumentException("The measure must be finite (no NaN or ±∞).", nameof(measure));
        return values;
    }
}
