using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// The under-training indicator of Land &amp; Bartolo (2024, "Fishing for Magikarp") for the
/// unembedding matrix U: remove U's first principal component (a direction all rows share), take
/// the mean u of the rows of a reference set of tokens known to be untrained, and score every
/// token by the cosine distance of its row to u. Small = looks untrained.
/// </summary>
public static class MagikarpIndicator
{
    /// <summary>Its column in tokens.csv and summary.csv.</summary>
    public const string Column = "magikarp_indicator";

    /// <summary>Cosine distance of every row (first principal component removed) to the reference rows' mean.</summary>
    public static double[] Compute(EmbeddingMatrix unembedding, IReadOnlyCollection<int> reference)
    {
        ArgumentNullException.ThrowIfNull(unembedding);
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Count == 0) throw new ArgumentException("the reference set is empty", nameof(reference));
        float[] centroid = TokenGeometry.Centroid(unembedding);
        double[] pc = FirstPrincipalComponent(unembedding, centroid).Select(x => (double)x).ToArray();

        // With r' = r − (r·pc) pc and |pc| = 1: r'·m = r·m − (r·pc)(pc·m) and |r'|² = |r|² − (r·pc)²,
        // so three dot products per row, no projected copy.
        int d = unembedding.Dimensions;
        var sum = new double[d];
        foreach (int i in reference)
        {
            ReadOnlySpan<float> row = unembedding.Row(i);
            double along = RowKernels.Dot(row, pc);
            for (int k = 0; k < d; k++) sum[k] += row[k] - along * pc[k];
        }
        double[] mean = sum.Select(x => x / reference.Count).ToArray();
        double meanNorm = Math.Sqrt(mean.Sum(x => x * x));
        double pcDotMean = pc.Zip(mean, (a, b) => a * b).Sum();

        var indicator = new double[unembedding.Rows];
        Parallel.For(0, indicator.Length, i =>
        {
            ReadOnlySpan<float> row = unembedding.Row(i);
            double along = RowKernels.Dot(row, pc);
            double projectedNorm = Math.Sqrt(Math.Max(0, RowKernels.Dot(row, row) - along * along));
            double norm = projectedNorm * meanNorm;
            indicator[i] = norm > 0 ? 1 - (RowKernels.Dot(row, mean) - along * pcDotMean) / norm : 1;
        });
        return indicator;
    }

    /// <summary>The first principal component of the rows (unit vector); see <see cref="PrincipalComponents"/>.</summary>
    public static Vector<float> FirstPrincipalComponent(EmbeddingMatrix matrix, float[] centroid) =>
        PrincipalComponents.Top(matrix, centroid, 1)[0];
}
