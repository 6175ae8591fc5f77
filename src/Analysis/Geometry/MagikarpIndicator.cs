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
        if (reference.Count == 0) throw new ArgumentException("the reference set is empty", nameof(reference));
        float[] centroid = TokenGeometry.Centroid(unembedding);
        Vector<float> pc = FirstPrincipalComponent(unembedding, centroid);

        // Row without its component along pc: r − (r·pc) pc, computed on the fly.
        int d = unembedding.Dimensions;
        float[] Project(int i)
        {
            ReadOnlySpan<float> row = unembedding.Row(i);
            double along = 0;
            for (int k = 0; k < d; k++) along += (double)row[k] * pc[k];
            var result = new float[d];
            for (int k = 0; k < d; k++) result[k] = (float)(row[k] - along * pc[k]);
            return result;
        }

        var u = new double[d];
        foreach (int i in reference)
        {
            float[] r = Project(i);
            for (int k = 0; k < d; k++) u[k] += r[k];
        }
        float[] mean = u.Select(x => (float)(x / reference.Count)).ToArray();
        double meanNorm = Math.Sqrt(TokenGeometry.Dot(mean, mean));

        var indicator = new double[unembedding.Rows];
        for (int i = 0; i < indicator.Length; i++)
        {
            float[] r = Project(i);
            double norm = Math.Sqrt(TokenGeometry.Dot(r, r)) * meanNorm;
            indicator[i] = norm > 0 ? 1 - TokenGeometry.Dot(r, mean) / norm : 1;
        }
        return indicator;
    }

    /// <summary>The first principal component of the rows (unit vector); see <see cref="PrincipalComponents"/>.</summary>
    public static Vector<float> FirstPrincipalComponent(EmbeddingMatrix matrix, float[] centroid) =>
        PrincipalComponents.Top(matrix, centroid, 1)[0];
}
