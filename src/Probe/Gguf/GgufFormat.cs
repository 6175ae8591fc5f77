namespace AnomalyProbe.Probe.Gguf;

/// <summary>Constants and limits of the GGUF format, mirroring llama.cpp's <c>gguf.cpp</c>.</summary>
public static class GgufFormat
{
    /// <summary>The four magic bytes every GGUF file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>The version the writer produces by default.</summary>
    public const uint CurrentVersion = 3;

    /// <summary>Alignment of the data section and of every tensor when <c>general.alignment</c> is absent.</summary>
    public const uint DefaultAlignment = 32;

    /// <summary>Metadata key holding the alignment (UINT32, a nonzero power of two).</summary>
    public const string AlignmentKey = "general.alignment";

    /// <summary>Metadata key holding the model architecture name.</summary>
    public const string ArchitectureKey = "general.architecture";

    /// <summary>Metadata key holding the tokenizer's token strings.</summary>
    public const string TokensKey = "tokenizer.ggml.tokens";

    /// <summary>Maximum number of dimensions of a tensor (GGML_MAX_DIMS).</summary>
    public const int MaxDimensions = 4;

    /// <summary>Longest tensor name in bytes: ggml stores names NUL-terminated in GGML_MAX_NAME (64) bytes.</summary>
    public const int MaxTensorNameLength = 63;

    /// <summary>Longest string, in bytes (GGUF_MAX_STRING_LENGTH).</summary>
    public const long MaxStringLength = 1L << 30;

    /// <summary>Most elements in one array (GGUF_MAX_ARRAY_ELEMENTS).</summary>
    public const long MaxArrayElements = 1L << 30;

    /// <summary>Deepest nesting of arrays of arrays accepted (1 = a plain array).</summary>
    public const int MaxArrayNesting = 8;
}
