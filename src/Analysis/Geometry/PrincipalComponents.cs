using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// Leading principal components of a matrix's rows, by power iteration on the covariance without
/// forming it: C v = (A Aᵀ v − V c (c·v)) / V, with A the d × V matrix of rows and c the centroid —
/// two MathNet matrix-vector products per storage block per iteration, so it scales to
/// 262k × 8192 where a d × d covariance (or an SVD) would not.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>The top <paramref name="count"/> components (unit vectors, orthogonal, by decreasing variance).</summary>
    public static Vector<float>[] Top(EmbeddingMatrix matrix, float[] centroid, int count, int maxIterations = 500, double tolerance = 1e-6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var blocks = matrix.Blocks().Select(b => b.Columns).ToList();
        var c = Vector<float>.Build.Dense(centroid);
        var found = new List<Vector<float>>();
        for (int n = 0; n < Math.Min(count, matrix.Dimensions); n++)
        {
            // A deterministic start, not orthogonal to the answer in practice.
            var v = Vector<float>.Build.Dense(matrix.Dimensions, k => 1 + 0.01f * ((k + 3 * n) % 7)).Normalize(2);
            v = Orthogonalize(v, found);
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                // A Aᵀ v, summed over the row blocks of A.
                Vector<float> product = Vector<float>.Build.Dense(matrix.Dimensions);
                foreach (Matrix<float> a in blocks) product += a * a.TransposeThisAndMultiply(v);
                Vector<float> next = Orthogonalize(product - c * (matrix.Rows * c.DotProduct(v)), found);
                double length = next.L2Norm();
                if (length == 0) break; // no variance left: keep v
                next /= (float)length;
                if (next.DotProduct(v) < 0) next = -next; // the sign of an eigenvector is arbitrary
                bool converged = (next - v).L2Norm() < tolerance;
                v = next;
                if (converged) break;
            }
            found.Add(v);
        }
        return [.. found];
    }

    /// <summary>Coordinates of every centred row on the components: result[component][row].</summary>
    public static double[][] Project(EmbeddingMatrix matrix, float[] centroid, IReadOnlyList<Vector<float>> components)
    {
        var result = components.Select(_ => new double[matrix.Rows]).ToArray();
        for (int i = 0; i < matrix.Rows; i++)
        {
            ReadOnlySpan<float> row = matrix.Row(i);
            for (int p = 0; p < components.Count; p++)
            {
                double sum = 0;
                for (int k = 0; k < row.Length; k++) sum += (row[k] - (double)centroid[k]) * components[p][k];
                result[p][i] = sum;
            }
        }
        return result;
    }

    private static Vector<float> Orthogonalize(Vector<float> v, List<Vector<float>> against)
    {
        foreach (Vector<float> u in against) v -= u * u.DotProduct(v);
        return v;
    }
}
