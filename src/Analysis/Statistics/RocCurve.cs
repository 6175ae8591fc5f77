namespace AnomalyProbe.Analysis.Statistics;

/// <summary>The ROC curve of a measure as a predictor of failure, for plotting.</summary>
public static class RocCurve
{
    /// <summary>
    /// The curve of "measure ≥ threshold predicts failure": (0, 0) at threshold +∞, then one point per
    /// distinct measure value in descending order, ending at (1, 1). Tied values move both rates at once
    /// (a diagonal step), so the trapezoidal area under the points is the AUC of <see cref="RocAuc"/>.
    /// At most n + 1 points; thin them for plotting large n.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length, a class is empty, or a measure value is NaN or ±∞.</exception>
    public static IReadOnlyList<RocPoint> Compute(ReadOnlySpan<bool> failed, ReadOnlySpan<double> measure)
    {
        Degeneracy.RequireSameLength(failed.Length, measure.Length, nameof(measure));
        foreach (double v in measure)
            if (!double.IsFinite(v)) throw new ArgumentException("The measure must be finite (no NaN or ±∞).", nameof(measure));
        int nFailed = failed.Count(true), nPassed = failed.Length - nFailed;
        if (nFailed == 0 || nPassed == 0) throw new ArgumentException("A ROC curve needs both failed and passed tokens.", nameof(failed));

        var ties = new TieGroups(measure);
        var points = new List<RocPoint>(ties.Ends.Length + 1) { new(double.PositiveInfinity, 0, 0) };
        int truePositives = 0, falsePositives = 0;
        for (int g = ties.Ends.Length - 1; g >= 0; g--)
        {
            int start = g == 0 ? 0 : ties.Ends[g - 1];
            for (int k = start; k < ties.Ends[g]; k++)
            {
                if (failed[ties.Order[k]]) truePositives++;
                else falsePositives++;
            }
            points.Add(new RocPoint(ties.Sorted[start], (double)falsePositives / nPassed, (double)truePositives / nFailed));
        }
        return points;
    }
}
