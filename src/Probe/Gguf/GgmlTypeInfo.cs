namespace AnomalyProbe.Probe.Gguf;

/// <summary>Storage layout of a <see cref="GgmlType"/>: elements are stored in blocks of
/// <see cref="BlockSize"/> elements taking <see cref="TypeSize"/> bytes each.</summary>
/// <param name="Type">The type.</param>
/// <param name="Name">ggml's name for the type (e.g. "q4_K").</param>
/// <param name="BlockSize">Elements per block.</param>
/// <param name="TypeSize">Bytes per block.</param>
public readonly record struct GgmlTypeInfo(GgmlType Type, string Name, int BlockSize, int TypeSize)
{
    // Block and type sizes from the type_traits table of ggml/src/ggml.c.
    private static readonly GgmlTypeInfo[] Table =
    [
        new(GgmlType.F32, "f32", 1, 4),
        new(GgmlType.F16, "f16", 1, 2),
        new(GgmlType.Q4_0, "q4_0", 32, 18),
        new(GgmlType.Q4_1, "q4_1", 32, 20),
        new(GgmlType.Q5_0, "q5_0", 32, 22),
        new(GgmlType.Q5_1, "q5_1", 32, 24),
        new(GgmlType.Q8_0, "q8_0", 32, 34),
        new(GgmlType.Q8_1, "q8_1", 32, 36),
        new(GgmlType.Q2_K, "q2_K", 256, 84),
        new(GgmlType.Q3_K, "q3_K", 256, 110),
        new(GgmlType.Q4_K, "q4_K", 256, 144),
        new(GgmlType.Q5_K, "q5_K", 256, 176),
        new(GgmlType.Q6_K, "q6_K", 256, 210),
        new(GgmlType.Q8_K, "q8_K", 256, 292),
        new(GgmlType.IQ2_XXS, "iq2_xxs", 256, 66),
        new(GgmlType.IQ2_XS, "iq2_xs", 256, 74),
        new(GgmlType.IQ3_XXS, "iq3_xxs", 256, 98),
        new(GgmlType.IQ1_S, "iq1_s", 256, 50),
        new(GgmlType.IQ4_NL, "iq4_nl", 32, 18),
        new(GgmlType.IQ3_S, "iq3_s", 256, 110),
        new(GgmlType.IQ2_S, "iq2_s", 256, 82),
        new(GgmlType.IQ4_XS, "iq4_xs", 256, 136),
        new(GgmlType.I8, "i8", 1, 1),
        new(GgmlType.I16, "i16", 1, 2),
        new(GgmlType.I32, "i32", 1, 4),
        new(GgmlType.I64, "i64", 1, 8),
        new(GgmlType.F64, "f64", 1, 8),
        new(GgmlType.IQ1_M, "iq1_m", 256, 56),
        new(GgmlType.BF16, "bf16", 1, 2),
        new(GgmlType.TQ1_0, "tq1_0", 256, 54),
        new(GgmlType.TQ2_0, "tq2_0", 256, 66),
        new(GgmlType.MXFP4, "mxfp4", 32, 17),
        new(GgmlType.NVFP4, "nvfp4", 64, 36),
        new(GgmlType.Q1_0, "q1_0", 128, 18),
        new(GgmlType.Q2_0, "q2_0", 64, 18),
    ];

    // Indexed by type id; default entries (BlockSize 0) mark removed or unknown ids.
    private static readonly GgmlTypeInfo[] ById = BuildIndex();

    /// <summary>All known types, in id order.</summary>
    public static IReadOnlyList<GgmlTypeInfo> All => Table;

    /// <summary>Looks up a type id as found in a file; false for removed or unknown ids.</summary>
    public static bool TryGet(uint id, out GgmlTypeInfo info)
    {
        info = id < (uint)ById.Length ? ById[id] : default;
        return info.BlockSize != 0;
    }

    /// <summary>The layout of a known type.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a known type.</exception>
    public static GgmlTypeInfo Get(GgmlType type) =>
        TryGet(unchecked((uint)type), out var info)
            ? info
            : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown ggml type");

    /// <summary>Bytes taken by a row of <paramref name="rowLength"/> elements.</summary>
    /// <exception cref="ArgumentException">The row length is negative or not a multiple of the block size.</exception>
    /// <exception cref="OverflowException">The size does not fit in 64 bits.</exception>
    public long RowByteSize(long rowLength)
    {
        if (rowLength < 0 || rowLength % BlockSize != 0)
        {
            throw new ArgumentException($"row length {rowLength} is not a nonnegative multiple of the {Name} block size {BlockSize}", nameof(rowLength));
        }
        return checked(rowLength / BlockSize * TypeSize);
    }

    private static GgmlTypeInfo[] BuildIndex()
    {
        var byId = new GgmlTypeInfo[(int)Table.Max(t => t.Type) + 1];
        foreach (var info in Table)
        {
            byId[(int)info.Type] = info;
        }
        return byId;
    }
}
