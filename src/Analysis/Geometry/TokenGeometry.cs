namespace AnomalyProbe.Analysis.Geometry;

/// <summary>Per-token distances in one embedding matrix.</summary>
/// <param name="Norm">L2 norm of each row.</param>
/// <param name="CentroidDistance">Euclidean distance of each row to the mean row.</param>
/// <param name="CentroidCosineDistance">1 − cos(row, mean row); 1 for a zero row.</param>
public sealed record TokenGeometry(double[] Norm, double[] CentroidDistance, double[] CentroidCosineDistance)
{
    /// <summary>Measures every row of <paramref name="matrix"/> (under-trained rows sit near the centroid).</summary>
    public static TokenGeometry Measure(EmbeddingMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        float[] centroid = Centroid(matrix);
        double centroidSquared = Dot(centroid, centroid), centroidNorm = Math.Sqrt(centroidSquared);
        var norm = new double[matrix.Rows];
        var distance = new double[matrix.Rows];
        var cosine = new double[matrix.Rows];
        // Rows are independent: parallel, and the same numbers whatever the split.
        Parallel.For(0, matrix.Rows, i =>
        {
            ReadOnlySpan<float> row = matrix.Row(i);
            double squared = Dot(row, row), towards = Dot(row, centroid);
            norm[i] = Math.Sqrt(squared);
            // |r − c|² = |r|² − 2 r·c + |c|², clamped where rounding crosses zero.
            distance[i] = Math.Sqrt(Math.Max(0, squared - 2 * towards + centroidSquared));
            double denominator = norm[i] * centroidNorm;
            cosine[i] = denominator > 0 ? 1 - towards / denominator : 1;
        });
        return new TokenGeometry(norm, distance, cosine);
    }

    /// <summary>The mean row, accumulated in double precision.</summary>
    public static float[] Centroid(EmbeddingMatrix matrix) => Mean(matrix, Enumerable.Range(0, matrix.Rows));

    /// <summary>The mean of the given rows, accumulated in double precision.</summary>
    public static float[] Mean(EmbeddingMatrix matrix, IEnumerable<int> rows)
    {
        var sum = new double[matrix.Dimensions];
        int count = 0;
        foreach (int i in rows)
        {
            ReadOnlySpan<float> row = matrix.Row(i);
            for (int k = 0; k < sum.Length; k++) sum[k] += row[k];
            count++;
        }
        if (count == 0) throw new ArgumentException("no rows to average", nameof(rows));
        return sum.Select(s => (float)(s / count)).ToArray();
    }

    // Dot products in double: float accumulation over 8192 dims loses digits the statistics see.
    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => RowKernels.Dot(a, b);
}
