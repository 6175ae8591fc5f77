using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Bench;

/// <summary>
/// Writes the F32 GGUF of a <see cref="ModelShape"/> with streamed tensor data: memory use is a few
/// megabytes whatever the model size (a 7B model's F32 file is 27 GB).
/// </summary>
/// <remarks>
/// <see cref="GgufWriter"/> writes the header and metadata (its tensor count overridden, since it
/// holds no tensors); the tensor infos and the data follow in the same layout the writer uses:
/// infos, zero padding to the alignment, then each tensor at an aligned offset.
/// </remarks>
internal static class SyntheticGguf
{
    /// <summary>Metadata key holding <see cref="ModelShape.Spec"/>, to recognise a cached file.</summary>
    public const string ShapeKey = "anomalyprobe.synthetic.shape";

    /// <summary>Metadata key holding the generator version.</summary>
    public const string VersionKey = "anomalyprobe.synthetic.version";

    /// <summary>Bumped whenever the generated file would change, so older cached files are rebuilt.</summary>
    public const uint GeneratorVersion = 1;

    private const float RmsEpsilon = 1e-5f;
    private const float RopeFreqBase = 10000f;
    private const int ChunkElements = 1 << 20;

    /// <summary>A writer holding the header metadata of <paramref name="shape"/> and no tensors.</summary>
    public static GgufWriter CreateMetadataWriter(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (tokens, scores, types) = SyntheticVocabulary.Build(shape.VocabularySize);
        return new GgufWriter()
            .AddString("general.architecture", "llama")
            .AddString("general.name", $"synthetic-llama-{shape.Name}")
            .AddUInt32("general.file_type", 0) // LLAMA_FTYPE_ALL_F32; the quantizer rewrites it
            .AddString(ShapeKey, shape.Spec)
            .AddUInt32(VersionKey, GeneratorVersion)
            .AddUInt32("llama.vocab_size", (uint)shape.VocabularySize)
            .AddUInt32("llama.context_length", (uint)shape.ContextLength)
            .AddUInt32("llama.embedding_length", (uint)shape.EmbeddingLength)
            .AddUInt32("llama.block_count", (uint)shape.LayerCount)
            .AddUInt32("llama.feed_forward_length", (uint)shape.FeedForwardLength)
            .AddUInt32("llama.rope.dimension_count", (uint)shape.HeadDimension)
            .AddFloat32("llama.rope.freq_base", RopeFreqBase)
            .AddUInt32("llama.attention.head_count", (uint)shape.HeadCount)
            .AddUInt32("llama.attention.head_count_kv", (uint)shape.KvHeadCount)
            .AddFloat32("llama.attention.layer_norm_rms_epsilon", RmsEpsilon)
            .AddString("tokenizer.ggml.model", "llama")
            .AddStringArray("tokenizer.ggml.tokens", tokens)
            .AddFloat32Array("tokenizer.ggml.scores", scores)
            .AddInt32Array("tokenizer.ggml.token_type", types)
            .AddUInt32("tokenizer.ggml.unknown_token_id", SyntheticVocabulary.UnknownId)
            .AddUInt32("tokenizer.ggml.bos_token_id", SyntheticVocabulary.BosId)
            .AddUInt32("tokenizer.ggml.eos_token_id", SyntheticVocabulary.EosId)
            .AddBool("tokenizer.ggml.add_bos_token", true)
            .AddBool("tokenizer.ggml.add_eos_token", false);
    }

    /// <summary>Size of the F32 tensor data (without the header).</summary>
    public static long DataSize(ModelShape shape) =>
        SyntheticTensor.For(shape).Sum(t => AlignUp(t.ByteSize, GgufFormat.DefaultAlignment));

    /// <summary>Writes the F32 file of <paramref name="shape"/> to a new file at <paramref name="path"/>;
    /// <paramref name="progress"/> is told about every tenth of the data written.</summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void WriteF32(ModelShape shape, string path, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var tensors = SyntheticTensor.For(shape);
        GgufWriter header = CreateMetadataWriter(shape);
        const long alignment = GgufFormat.DefaultAlignment;

        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        header.WriteHeader(file, tensors.Count);

        var offsets = new long[tensors.Count];
        long next = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            offsets[i] = next;
            next = AlignUp(next + tensors[i].ByteSize, alignment);
        }
        long dataBytes = next;
        for (int i = 0; i < tensors.Count; i++)
        {
            WriteTensorInfo(file, tensors[i], offsets[i]);
        }
        long dataStart = AlignUp(file.Position, alignment);
        Pad(file, dataStart);

        float[] buffer = new float[ChunkElements];
        long written = 0;
        int reportedTenths = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            Pad(file, dataStart + offsets[i]);
            var tensor = tensors[i];
            long count = tensor.ElementCount;
            for (long first = 0; first < count; first += ChunkElements)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkElements, count - first));
                tensor.Fill(first, chunk);
                file.Write(MemoryMarshal.AsBytes(chunk));
                written += chunk.Length * sizeof(float);
                int tenths = (int)(written * 10 / dataBytes);
                if (progress is not null && tenths > reportedTenths && tenths < 10)
                {
                    reportedTenths = tenths;
                    progress($"writing F32 staging file: {tenths * 10}% of {dataBytes / (1024.0 * 1024.0):F0} MiB");
                }
            }
        }
        file.Flush(flushToDisk: true);
    }

    private static void WriteTensorInfo(Stream stream, SyntheticTensor tensor, long offset)
    {
        byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
        Span<byte> number = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(number, (ulong)name.Length);
        stream.Write(number);
        stream.Write(name);
        BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)tensor.Dimensions.Length);
        stream.Write(number[..sizeof(uint)]);
        foreach (long ne in tensor.Dimensions)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(number, (ulong)ne);
            stream.Write(number);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)GgmlType.F32);
        stream.Write(number[..sizeof(uint)]);
        BinaryPrimitives.WriteUInt64LittleEndian(number, (ulong)offset);
        stream.Write(number);
    }

    private static void Pad(Stream stream, long position)
    {
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        while (stream.Position < position)
        {
            stream.Write(zeros[..(int)Math.Min(zeros.Length, position - stream.Position)]);
        }
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);
}
