using MathNet.Numerics.LinearAlgebra;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// A token embedding (or unembedding) matrix held once in memory as float32, one row per token,
/// in row-major blocks of at most 2^26 values (256 MiB): a 262k × 8192 matrix has more elements than
/// one .NET array may hold. Each block's storage is also MathNet's column-major d × rows matrix
/// (one column per token), so linear algebra runs on it without a copy.
/// </summary>
public sealed class EmbeddingMatrix
{
    /// <summary>Most values per block.</summary>
    public const int BlockValues = 1 << 26;

    private readonly float[][] _blocks;

    /// <summary>
    /// Allocates a rows × dimensions matrix of zeros, to be filled through <see cref="RowsForWriting"/>;
    /// <paramref name="blockValues"/> (tests) sets the block size.
    /// </summary>
    public EmbeddingMatrix(int rows, int dimensions, int blockValues = BlockValues)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Rows = rows;
        Dimensions = dimensions;
        RowsPerBlock = Math.Max(1, blockValues / dimensions);
        int blocks = (rows + RowsPerBlock - 1) / RowsPerBlock;
        _blocks = new float[blocks][];
        for (int b = 0; b < blocks; b++) _blocks[b] = new float[(long)Math.Min(RowsPerBlock, rows - b * RowsPerBlock) * dimensions];
    }

    /// <summary>Wraps row-major values (a copy is made into blocks).</summary>
    public EmbeddingMatrix(int rows, int dimensions, ReadOnlySpan<float> data, int blockValues = BlockValues) : this(rows, dimensions, blockValues)
    {
        if (data.Length != (long)rows * dimensions) throw new ArgumentException($"{data.Length} values for a {rows} x {dimensions} matrix", nameof(data));
        for (int i = 0; i < rows; i++) data.Slice(i * dimensions, dimensions).CopyTo(RowForWriting(i));
    }

    /// <summary>Tokens (rows).</summary>
    public int Rows { get; }

    /// <summary>Embedding width.</summary>
    public int Dimensions { get; }

    /// <summary>Rows per storage block.</summary>
    public int RowsPerBlock { get; }

    public ReadOnlySpan<float> Row(int i) => RowForWriting(i);

    /// <summary>Writable rows [first, first + count), which must lie in one block (see <see cref="RowsPerBlock"/>).</summary>
    public Span<float> RowsForWriting(int first, int count)
    {
        int block = first / RowsPerBlock, offset = first % RowsPerBlock;
        if (offset + count > RowsPerBlock) throw new ArgumentException("the rows cross a storage block", nameof(count));
        return _blocks[block].AsSpan(offset * Dimensions, count * Dimensions);
    }

    private Span<float> RowForWriting(int i) => RowsForWriting(i, 1);

    /// <summary>Each block as MathNet's d × rows matrix whose columns are token vectors (shares storage), with its first row.</summary>
    public IEnumerable<(Matrix<float> Columns, int FirstRow)> Blocks()
    {
        for (int b = 0; b < _blocks.Length; b++)
        {
            yield return (Matrix<float>.Build.Dense(Dimensions, _blocks[b].Length / Dimensions, _blocks[b]), b * RowsPerBlock);
        }
    }
}
