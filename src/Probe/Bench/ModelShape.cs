using System.Globalization;
using System.Text;
using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Bench;

/// <summary>
/// The hyperparameters of a llama-architecture model, enough to build a synthetic GGUF of that
/// shape (<see cref="SyntheticModel"/>). Weights are not part of a shape: they are pseudo-random.
/// </summary>
/// <param name="Name">Short name used in the cached file name and to seed the weights: lowercase
/// letters, digits, '.', '_' and '-'.</param>
/// <param name="EmbeddingLength">n_embd: a multiple of the weight type's block size (32 for Q8_0, 256 for Q4_K).</param>
/// <param name="LayerCount">n_layer.</param>
/// <param name="HeadCount">n_head: divides <paramref name="EmbeddingLength"/> into even head sizes.</param>
/// <param name="KvHeadCount">n_head_kv: divides <paramref name="HeadCount"/>.</param>
/// <param name="FeedForwardLength">n_ff: a multiple of the block size.</param>
/// <param name="VocabularySize">n_vocab: at least 259 (3 special and 256 byte tokens).</param>
/// <param name="ContextLength">n_ctx_train.</param>
/// <param name="WeightType">What every matrix is quantized to: Q8_0 (default) or Q4_K, the type of most downloaded GGUFs.</param>
public sealed record ModelShape(
    string Name,
    int EmbeddingLength,
    int LayerCount,
    int HeadCount,
    int KvHeadCount,
    int FeedForwardLength,
    int VocabularySize = ModelShape.DefaultVocabularySize,
    int ContextLength = ModelShape.DefaultContextLength,
    GgmlType WeightType = GgmlType.Q8_0)
{
    /// <summary>The weight types a synthetic model can have, by their spec names.</summary>
    public static IReadOnlyDictionary<string, GgmlType> WeightTypes { get; } =
        new Dictionary<string, GgmlType>(StringComparer.OrdinalIgnoreCase) { ["q8_0"] = GgmlType.Q8_0, ["q4_k"] = GgmlType.Q4_K };

    /// <summary>The spec name of <see cref="WeightType"/> (q8_0, q4_k).</summary>
    public string WeightTypeName => WeightTypes.First(t => t.Value == WeightType).Key;

    private int BlockSize => GgmlTypeInfo.Get(WeightType).BlockSize;

    /// <summary>Vocabulary size of the presets, that of Llama 1/2 and TinyLlama.</summary>
    public const int DefaultVocabularySize = 32000;

    /// <summary>Training context length unless given.</summary>
    public const int DefaultContextLength = 2048;

    /// <summary>Smallest vocabulary: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt; and the 256 byte tokens.</summary>
    public const int MinimumVocabularySize = 3 + 256;

    /// <summary>Two layers of width 64 with a 32k vocabulary: for tests, loads in milliseconds.</summary>
    public static ModelShape Tiny { get; } = new("tiny", 64, 2, 4, 2, 128);

    /// <summary>A Llama-style 134M model (GPT-2-small width and depth, SwiGLU 2048, untied 32k embeddings).</summary>
    public static ModelShape Llama134M { get; } = new("134m", 768, 12, 12, 12, 2048);

    /// <summary>The TinyLlama-1.1B shape (grouped-query attention, 4 KV heads).</summary>
    public static ModelShape Llama1B { get; } = new("1b", 2048, 22, 32, 4, 5632);

    /// <summary>The Llama-2-7B shape (the F32 staging file takes 27 GB of disk, never memory).</summary>
    public static ModelShape Llama7B { get; } = new("7b", 4096, 32, 32, 32, 11008, ContextLength: 4096);

    public static IReadOnlyList<ModelShape> Presets { get; } = [Tiny, Llama134M, Llama1B, Llama7B];

    /// <summary>
    /// A preset by name (case-insensitive: tiny, 134m, 1b, 7b) or a custom shape written as
    /// <c>embd=512,layers=8,heads=8,kv=8,ff=1536,vocab=32000,ctx=2048,type=q4_k</c> (<c>kv</c> defaults to
    /// <c>heads</c>, <c>vocab</c> to 32000, <c>ctx</c> to 2048, <c>type</c> to q8_0; an optional <c>name=</c> names it,
    /// otherwise the name is derived from the numbers).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a spec that is malformed or breaks a rule of <see cref="Validate"/>.</exception>
    public static ModelShape Named(string nameOrSpec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrSpec);
        string text = nameOrSpec.Trim();
        foreach (var preset in Presets)
        {
            if (string.Equals(preset.Name, text, StringComparison.OrdinalIgnoreCase))
            {
                return preset;
            }
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            return ParseSpec(text);
        }
        throw new ArgumentException(
            $"unknown model shape '{text}'; known shapes: {string.Join(", ", Presets.Select(p => p.Name))}, " +
            "or a custom spec such as 'embd=512,layers=8,heads=8,kv=8,ff=1536,vocab=32000'", nameof(nameOrSpec));
    }

    /// <summary>Width of one attention head.</summary>
    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>Width of the K and V projections (n_embd_k_gqa).</summary>
    public int KvDimension => HeadDimension * KvHeadCount;

    /// <summary>
    /// Parameters of the model llama.cpp builds from this shape: embeddings, the untied output
    /// matrix, every layer's attention, SwiGLU feed-forward and norms, and the final norm.
    /// </summary>
    public long ParameterCount
    {
        get
        {
            long embd = EmbeddingLength;
            long perLayer = 2 * embd                          // attn_norm, ffn_norm
                + 2 * embd * embd                             // attn_q, attn_output
                + 2 * embd * KvDimension                      // attn_k, attn_v
                + 3 * embd * FeedForwardLength;               // ffn_gate, ffn_up, ffn_down
            return 2 * embd * VocabularySize + embd + LayerCount * perLayer;
        }
    }

    /// <summary>The numbers in the custom-spec syntax of <see cref="Named"/> (without the name):
    /// two shapes with equal specs build identical tensors apart from the seed.</summary>
    public string Spec => string.Create(CultureInfo.InvariantCulture,
        $"embd={EmbeddingLength},layers={LayerCount},heads={HeadCount},kv={KvHeadCount},ff={FeedForwardLength},vocab={VocabularySize},ctx={ContextLength}")
        + (WeightType == GgmlType.Q8_0 ? "" : $",type={WeightTypeName}");

    /// <summary>Checks the rules the synthetic model and llama.cpp's quantization need (rows of whole blocks: it quantizes purely, without fallback types).</summary>
    /// <exception cref="ArgumentException">A rule is broken; the message says which.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 64 || !Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-') || Name[0] == '.')
        {
            Fail($"name '{Name}' must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-' (it becomes part of a file name)");
        }
        if (!WeightTypes.Values.Contains(WeightType))
        {
            Fail($"weight type {WeightType} is not one of {string.Join(", ", WeightTypes.Keys)}");
        }
        if (EmbeddingLength < BlockSize || EmbeddingLength % BlockSize != 0)
        {
            Fail($"embedding length {EmbeddingLength} must be a positive multiple of {BlockSize} ({WeightTypeName} rows)");
        }
        if (FeedForwardLength < BlockSize || FeedForwardLength % BlockSize != 0)
        {
            Fail($"feed-forward length {FeedForwardLength} must be a positive multiple of {BlockSize} ({WeightTypeName} rows)");
        }
        if (LayerCount < 1)
        {
            Fail($"layer count {LayerCount} must be at least 1");
        }
        if (HeadCount < 1 || EmbeddingLength % HeadCount != 0 || EmbeddingLength / HeadCount % 2 != 0)
        {
            Fail($"head count {HeadCount} must divide the embedding length {EmbeddingLength} into heads of even width (RoPE rotates pairs)");
        }
        if (KvHeadCount < 1 || HeadCount % KvHeadCount != 0)
        {
            Fail($"KV head count {KvHeadCount} must divide the head count {HeadCount}");
        }
        if (VocabularySize < MinimumVocabularySize)
        {
            Fail($"vocabulary size {VocabularySize} must be at least {MinimumVocabularySize} (3 special and 256 byte tokens)");
        }
        if (ContextLength < 1)
        {
            Fail($"context length {ContextLength} must be at least 1");
        }

        void Fail(string message) => throw new ArgumentException($"model shape '{Name}': {message}");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Spec}, {ParameterCount:N0} parameters)";

    private static ModelShape ParseSpec(string spec)
    {
        var values = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        GgmlType type = GgmlType.Q8_0;
        string[] known = ["embd", "layers", "heads", "kv", "ff", "vocab", "ctx"];
        foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? item : item[..eq].Trim();
            string value = eq < 0 ? "" : item[(eq + 1)..].Trim();
            if (key.Equals("name", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                name = value.ToLowerInvariant();
                continue;
            }
            if (key.Equals("type", StringComparison.OrdinalIgnoreCase))
            {
                type = WeightTypes.TryGetValue(value, out GgmlType t)
                    ? t
                    : throw new ArgumentException($"model shape spec '{spec}': type '{value}' is not one of {string.Join(", ", WeightTypes.Keys)}", nameof(spec));
                continue;
            }
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"model shape spec '{spec}': unknown key '{key}' (keys: {string.Join(", ", known)}, type, name)", nameof(spec));
            }
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                throw new ArgumentException($"model shape spec '{spec}': '{key}' needs a non-negative integer, not '{value}'", nameof(spec));
            }
            if (!values.TryAdd(key, number))
            {
                throw new ArgumentException($"model shape spec '{spec}': '{key}' is given twice", nameof(spec));
            }
        }
        int Required(string key) => values.TryGetValue(key, out int v)
            ? v
            : throw new ArgumentException($"model shape spec '{spec}': '{key}' is required (embd, layers, heads and ff are)", nameof(spec));

        int heads = Required("heads");
        var shape = new ModelShape(
            Name: "",
            EmbeddingLength: Required("embd"),
            LayerCount: Required("layers"),
            HeadCount: heads,
            KvHeadCount: values.GetValueOrDefault("kv", heads),
            FeedForwardLength: Required("ff"),
            VocabularySize: values.GetValueOrDefault("vocab", DefaultVocabularySize),
            ContextLength: values.GetValueOrDefault("ctx", DefaultContextLength),
            WeightType: type);
        shape = shape with { Name = name ?? DerivedName(shape) };
        shape.Validate();
        return shape;
    }

    private static string DerivedName(ModelShape shape)
    {
        var name = new StringBuilder();
        name.Append(CultureInfo.InvariantCulture, $"e{shape.EmbeddingLength}-l{shape.LayerCount}-h{shape.HeadCount}");
        if (shape.KvHeadCount != shape.HeadCount)
        {
            name.Append(CultureInfo.InvariantCulture, $"-kv{shape.KvHeadCount}");
        }
        name.Append(CultureInfo.InvariantCulture, $"-ff{shape.FeedForwardLength}");
        if (shape.VocabularySize != DefaultVocabularySize)
        {
            name.Append(CultureInfo.InvariantCulture, $"-v{shape.VocabularySize}");
        }
        if (shape.ContextLength != DefaultContextLength)
        {
            name.Append(CultureInfo.InvariantCulture, $"-c{shape.ContextLength}");
        }
        return name.ToString();
    }
}
