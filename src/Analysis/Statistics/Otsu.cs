namespace AnomalyProbe.Analysis.Statistics;

/// <summary>Otsu's two-class split, exact over sorted values (no histogram).</summary>
internal static class Otsu
{
    /// <summary>
    /// Splits ascending <paramref name="sorted"/> (not all equal) into [0, low) and [low, n) so that
    /// the between-class variance is largest, cutting only between distinct values (equal values stay
    /// together); ties go to the lowest cut. Separability is between-class over total variance (0..1).
    /// </summary>
    public static (int Low, double Separability) Split(ReadOnlySpan<double> sorted)
    {
        int n = sorted.Length;
        if (n < 2 || sorted[0] == sorted[n - 1]) throw new ArgumentException("Needs at least two distinct values.", nameof(sorted));
        double mean = 0;
        foreach (double v in sorted) mean += v;
        mean /= n;

        // With centred values (sum 0) the between-class variance of the cut at k is S_k² / (k (n − k)),
        // S_k the sum of the first k: one pass of prefix sums, and no cancellation between large sums.
        double total = 0, prefix = 0, best = -1;
        int bestLow = 0;
        for (int k = 1; k < n; k++)
        {
            double c = sorted[k - 1] - mean;
            prefix += c;
            total += c * c;
            if (sorted[k - 1] == sorted[k]) continue;
            double between = prefix * prefix / ((double)k * (n - k));
            if (between > best)
            {
                best = between;
                bestLow = k;
            }
        }
        double last = sorted[n - 1] - mean;
        total += last * last;
        return (bestLow, Math.Min(1, best / (total / n)));
    }

    /// <summary>
    /// The same split with a positive weight per value (a sampled token standing for several): the
    /// between-class variance of the cut at k is S_k² / (W_k (W − W_k)) with weighted sums.
    /// </summary>
    public static (int Low, double Separability) Split(ReadOnlySpan<double> sorted, ReadOnlySpan<double> weights)
    {
        int n = sorted.Length;
        if (weights.Length != n) throw new ArgumentException("One weight per value.", nameof(weights));
        if (n < 2 || sorted[0] == sorted[n - 1]) throw new ArgumentException("Needs at least two distinct values.", nameof(sorted));
        double weight = 0, mean = 0;
        for (int i = 0; i < n; i++)
        {
            if (!(weights[i] > 0) || !double.IsFinite(weights[i])) throw new ArgumentException($"Weight #{i} is not a positive number.", nameof(weights));
            weight += weights[i];
            mean += weights[i] * sorted[i];
        }
        mean /= weight;

        double total = 0, prefix = 0, prefixWeight = 0, best = -1;
        int bestLow = 0;
        for (int k = 1; k < n; k++)
        {
            double c = sorted[k - 1] - mean, w = weights[k - 1];
            prefix += w * c;
            prefixWeight += w;
            total += w * c * c;
            if (sorted[k - 1] == sorted[k]) continue;
            double between = prefix * prefix / (prefixWeight * (weight - prefixWeight));
            if (between > best)
            {
                best = between;
                bestLow = k;
            }
        }
        double last = sorted[n - 1] - mean;
        total += weights[n - 1] * last * last;
        return (bestLow, Math.Min(1, best / (total / weight)));
    }
}
