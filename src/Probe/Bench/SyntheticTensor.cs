using System.Text;

namespace AnomalyProbe.Probe.Bench;

/// <summary>
/// One F32 tensor of a synthetic model: its GGUF name, shape (innermost first) and how its
/// values are made. Values come from a counter-based generator, so any range of elements can be
/// produced on its own, in any order, with the same result: the file is written in chunks and
/// never held in memory.
/// </summary>
/// <param name="Name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">ggml ne: the row length first.</param>
/// <param name="Amplitude">Values are uniform in [-Amplitude, Amplitude); 0 means every value is 1 (norm weights).</param>
/// <param name="Seed">Seed of the value stream.</param>
internal sealed record SyntheticTensor(string Name, long[] Dimensions, float Amplitude, ulong Seed)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public long ElementCount => Dimensions.Aggregate(1L, (n, d) => checked(n * d));

    /// <summary>Size of the F32 data in bytes.</summary>
    public long ByteSize => ElementCount * sizeof(float);

    /// <summary>Writes elements <paramref name="first"/> .. <paramref name="first"/> + length - 1 into <paramref name="destination"/>.</summary>
    public void Fill(long first, Span<float> destination)
    {
        if (Amplitude == 0)
        {
            destination.Fill(1f);
            return;
        }
        // SplitMix64 as a counter-based generator: element i is mix(seed + (i + 1) * gamma);
        // its top 24 bits make a uniform float in [0, 1), mapped onto [-a, a).
        float scale = 2f * Amplitude / (1 << 24);
        ulong state = Seed + (ulong)first * Gamma;
        for (int i = 0; i < destination.Length; i++)
        {
            state += Gamma;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            destination[i] = (int)(z >> 40) * scale - Amplitude;
        }
    }

    /// <summary>The tensors llama.cpp's <c>llama</c> architecture loads, in the order of
    /// convert_hf_to_gguf.py: token embeddings, the layers, the final norm and the untied output.</summary>
    /// <remarks>Matrices are uniform in ±1/sqrt(row length) (the fan-in), so with RMS norms
    /// everywhere the activations and logits stay of order one; norms are 1. Each tensor's seed
    /// comes from the shape name and the tensor name.</remarks>
    public static IReadOnlyList<SyntheticTensor> For(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long embd = shape.EmbeddingLength;
        long ff = shape.FeedForwardLength;
        long kv = shape.KvDimension;
        var tensors = new List<SyntheticTensor>(3 + 9 * shape.LayerCount)
        {
            Matrix("token_embd.weight", embd, shape.VocabularySize),
        };
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            string blk = $"blk.{layer}.";
            tensors.Add(Norm(blk + "attn_norm.weight", embd));
            tensors.Add(Matrix(blk + "attn_q.weight", embd, embd));
            tensors.Add(Matrix(blk + "attn_k.weight", embd, kv));
            tensors.Add(Matrix(blk + "attn_v.weight", embd, kv));
            tensors.Add(Matrix(blk + "attn_output.weight", embd, embd));
            tensors.Add(Norm(blk + "ffn_norm.weight", embd));
            tensors.Add(Matrix(blk + "ffn_gate.weight", embd, ff));
            tensors.Add(Matrix(blk + "ffn_down.weight", ff, embd));
            tensors.Add(Matrix(blk + "ffn_up.weight", embd, ff));
        }
        tensors.Add(Norm("output_norm.weight", embd));
        tensors.Add(Matrix("output.weight", embd, shape.VocabularySize));
        return tensors;

        SyntheticTensor Matrix(string name, long rowLength, long rows) =>
            new(name, [rowLength, rows], (float)(1 / Math.Sqrt(rowLength)), SeedOf(shape.Name, name));

        SyntheticTensor Norm(string name, long length) => new(name, [length], 0, 0);
    }

    // FNV-1a over "<shape name>/<tensor name>": stable across runs and platforms.
    private static ulong SeedOf(string shapeName, string tensorName)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes($"{shapeName}/{tensorName}"))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }
        return hash;
    }
}
