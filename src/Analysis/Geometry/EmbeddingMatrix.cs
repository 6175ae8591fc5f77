using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// A token embedding (or unembedding) matrix held once in memory as float32, one row per token,
/// row-major. The same storage is MathNet's column-major d × V matrix (one column per token),
/// so linear algebra runs on it without a copy.
/// </summary>
public sealed class EmbeddingMatrix
{
    private readonly float[] _data;

    /// <summary>Wraps <paramref name="data"/> (rows × dimensions, row-major; not copied).</summary>
    public EmbeddingMatrix(int rows, int dimensions, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (data.LongLength != (long)rows * dimensions) throw new ArgumentException($"{data.LongLength} values for a {rows} x {dimensions} matrix", nameof(data));
        Rows = rows;
        Dimensions = dimensions;
        _data = data;
    }

    /// <summary>Tokens (rows).</summary>
    public int Rows { get; }

    /// <summary>Embedding width.</summary>
    public int Dimensions { get; }

    /// <summary>Row <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> Row(int i) => _data.AsSpan(i * Dimensions, Dimensions);

    /// <summary>The matrix as MathNet's d × V matrix whose columns are the token vectors (shares storage).</summary>
    public Matrix<float> AsColumns() => Matrix<float>.Build.Dense(Dimensions, Rows, _data);
}
