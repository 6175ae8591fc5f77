using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// Leading principal components of a matrix's rows by subspace iteration on the covariance, never
/// formed: each iteration is one pass over the rows computing C V = Σ (r − c)((r − c)·V) for a block
/// of a few vectors at once, then a Rayleigh–Ritz step on the small projected matrix (MathNet's
/// eigendecomposition). One pass serves every component, so a 128k × 4096 matrix takes seconds per
/// iteration, not per component and iteration. The pass runs in parallel over fixed chunks of rows
/// whose partial sums are added in chunk order, with fixed-width (256-bit) double arithmetic: the
/// result is the same on every machine, whatever its cores or vector width.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>Extra vectors iterated beyond those asked for: convergence goes with the gap to the first one left out.</summary>
    public const int Oversampling = 4;

    private const int ChunkRows = 2048;

    /// <summary>The top <paramref name="count"/> components (unit vectors, orthogonal, by decreasing variance).</summary>
    /// <param name="matrix">The rows.</param>
    /// <param name="centroid">Their mean.</param>
    /// <param name="count">Components wanted.</param>
    /// <param name="maxIterations">Passes over the rows at most.</param>
    /// <param name="tolerance">Converged when each wanted component moves by less than this (1 − |cos| between iterations).</param>
    /// <param name="cancellation">Checked before each pass (a pass over a 128k-row matrix takes seconds).</param>
    public static Vector<float>[] Top(EmbeddingMatrix matrix, float[] centroid, int count, int maxIterations = 60, double tolerance = 1e-9,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int d = matrix.Dimensions;
        int k = Math.Min(count, d), p = Math.Min(d, k + Oversampling);

        // A deterministic start, not orthogonal to the answer in practice.
        var basis = new double[p][];
        for (int j = 0; j < p; j++) basis[j] = Enumerable.Range(0, d).Select(i => 1 + 0.01 * ((i + 3 * j) % 7) + (i % p == j ? 1.0 : 0)).ToArray();
        Orthonormalize(basis);

        double[][]? ritz = null;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            double[][] product = CovarianceTimes(matrix, centroid, basis);
            // Rayleigh–Ritz: H = Vᵀ C V, its eigenvectors S sorted by eigenvalue; the Ritz vectors V S approximate the components.
            var h = Matrix<double>.Build.Dense(p, p, (a, b) => Dot(basis[a], product[b]));
            h = (h + h.Transpose()) / 2;
            var evd = h.Evd(Symmetricity.Symmetric);
            int[] order = Enumerable.Range(0, p).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
            double[][] next = Combine(basis, evd.EigenVectors, order);
            bool converged = ritz is not null && Enumerable.Range(0, k).All(j => 1 - Math.Abs(Dot(ritz[j], next[j])) < tolerance);
            ritz = next;
            if (converged) break;
            // The next basis: C V rotated into the same order, orthonormalized (the strongest direction first).
            basis = Combine(product, evd.EigenVectors, order);
            if (!Orthonormalize(basis)) break; // no variance left in some direction: keep what was found
        }

        return ritz!.Take(k).Select(v =>
        {
            // The sign of an eigenvector is arbitrary: make its largest coordinate positive, for a stable map.
            double sign = v[Array.IndexOf(v, v.MaxBy(Math.Abs))] < 0 ? -1 : 1;
            return Vector<float>.Build.Dense(d, i => (float)(sign * v[i]));
        }).ToArray();
    }

    /// <summary>Coordinates of every centred row on the components: result[component][row].</summary>
    public static double[][] Project(EmbeddingMatrix matrix, float[] centroid, IReadOnlyList<Vector<float>> components)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(components);
        var result = components.Select(_ => new double[matrix.Rows]).ToArray();
        double[][] vectors = components.Select(c => c.Select(x => (double)x).ToArray()).ToArray();
        double[] offsets = vectors.Select(v => RowKernels.Dot(centroid, v)).ToArray();
        Parallel.For(0, Chunks(matrix.Rows), chunk =>
        {
            for (int i = chunk * ChunkRows; i < Math.Min(matrix.Rows, (chunk + 1) * ChunkRows); i++)
            {
                ReadOnlySpan<float> row = matrix.Row(i);
                for (int q = 0; q < vectors.Length; q++) result[q][i] = RowKernels.Dot(row, vectors[q]) - offsets[q];
            }
        });
        return result;
    }

    // Σ over rows of (r − c)((r − c)·v) for every v of the basis, in double: Σ r s − c Σ s with s = r·v − c·v.
    private static double[][] CovarianceTimes(EmbeddingMatrix matrix, float[] centroid, double[][] basis)
    {
        int p = basis.Length, d = matrix.Dimensions;
        double[] offsets = basis.Select(v => RowKernels.Dot(centroid, v)).ToArray();
        int chunks = Chunks(matrix.Rows);
        var partial = new double[chunks][][];
        var partialS = new double[chunks][];
        Parallel.For(0, chunks, chunk =>
        {
            var sums = new double[p][];
            for (int j = 0; j < p; j++) sums[j] = new double[d];
            var s = new double[p];
            var total = new double[p];
            for (int i = chunk * ChunkRows; i < Math.Min(matrix.Rows, (chunk + 1) * ChunkRows); i++)
            {
                ReadOnlySpan<float> row = matrix.Row(i);
                for (int j = 0; j < p; j++)
                {
                    s[j] = RowKernels.Dot(row, basis[j]) - offsets[j];
                    total[j] += s[j];
                }
                for (int j = 0; j < p; j++) RowKernels.AddScaled(sums[j], s[j], row);
            }
            partial[chunk] = sums;
            partialS[chunk] = total;
        });
        var result = new double[p][];
        for (int j = 0; j < p; j++)
        {
            result[j] = new double[d];
            double sumS = 0;
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                double[] part = partial[chunk][j];
                for (int i = 0; i < d; i++) result[j][i] += part[i];
                sumS += partialS[chunk][j];
            }
            for (int i = 0; i < d; i++) result[j][i] -= centroid[i] * sumS;
        }
        return result;
    }

    private static int Chunks(int rows) => (rows + ChunkRows - 1) / ChunkRows;

    // vectors[order[a]] combined with the eigenvector columns: result[a] = Σ_b vectors[b] S[b, order[a]].
    private static double[][] Combine(double[][] vectors, Matrix<double> s, int[] order)
    {
        int d = vectors[0].Length;
        var result = new double[order.Length][];
        for (int a = 0; a < order.Length; a++)
        {
            result[a] = new double[d];
            for (int b = 0; b < vectors.Length; b++)
            {
                double weight = s[b, order[a]];
                for (int i = 0; i < d; i++) result[a][i] += weight * vectors[b][i];
            }
        }
        return result;
    }

    // Modified Gram–Schmidt in order; false when a vector vanishes (the matrix has less rank than the basis).
    private static bool Orthonormalize(double[][] vectors)
    {
        for (int a = 0; a < vectors.Length; a++)
        {
            for (int b = 0; b < a; b++)
            {
                double projection = Dot(vectors[a], vectors[b]);
                for (int i = 0; i < vectors[a].Length; i++) vectors[a][i] -= projection * vectors[b][i];
            }
            double norm = Math.Sqrt(Dot(vectors[a], vectors[a]));
            if (!(norm > 1e-300)) return false;
            for (int i = 0; i < vectors[a].Length; i++) vectors[a][i] /= norm;
        }
        return true;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
