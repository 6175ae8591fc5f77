namespace AnomalyProbe.Probe.Gguf;

/// <summary>A tensor of a GGUF file: its name, shape, type and where its data lies.</summary>
/// <remarks>ggml order: <see cref="Dimensions"/>[0] is the innermost (row) length; a row is
/// stored contiguously and rows follow each other.</remarks>
public sealed class GgufTensorInfo
{
    private readonly long[] _dimensions;

    internal GgufTensorInfo(int index, string name, GgmlType type, long[] dimensions, long relativeOffset,
        long absoluteOffset, long byteSize, long infoOffset)
    {
        Index = index;
        Name = name;
        Type = type;
        _dimensions = dimensions;
        RelativeOffset = relativeOffset;
        AbsoluteOffset = absoluteOffset;
        ByteSize = byteSize;
        InfoOffset = infoOffset;
        RowCount = 1;
        for (int i = 1; i < dimensions.Length; i++)
        {
            RowCount *= dimensions[i];
        }
        RowByteSize = byteSize / RowCount;
    }

    /// <summary>Position among the file's tensors.</summary>
    public int Index { get; }

    /// <summary>The tensor's name, e.g. <c>token_embd.weight</c>.</summary>
    public string Name { get; }

    public GgmlType Type { get; }

    /// <summary>The shape (ggml ne), innermost first; 1 to 4 entries, each at least 1.</summary>
    public IReadOnlyList<long> Dimensions => _dimensions;

    /// <summary>Offset of the data relative to the file's data section.</summary>
    public long RelativeOffset { get; }

    /// <summary>Offset of the data in the file.</summary>
    public long AbsoluteOffset { get; }

    public long ByteSize { get; }

    /// <summary>Elements per row (ne[0]); for an embedding matrix, the embedding length.</summary>
    public long RowLength => _dimensions[0];

    /// <summary>Number of rows (product of ne[1..]); for an embedding matrix, the vocabulary size.</summary>
    public long RowCount { get; }

    public long RowByteSize { get; }

    /// <summary>Total number of elements.</summary>
    public long ElementCount => RowLength * RowCount;

    /// <summary>File offset of this tensor's info record (its name's length field).</summary>
    public long InfoOffset { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", _dimensions)}]";
}
