using System.Globalization;
using System.Text.RegularExpressions;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>What the model rules found: problems (any one refuses the file) and warnings.</summary>
/// <param name="Problems">Each names the key or tensor, its value and what was expected.</param>
/// <param name="Warnings">E.g. an architecture whose hyperparameters the rules do not know.</param>
public sealed record ModelCheck(IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings)
{
    /// <summary>Nothing found.</summary>
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// The content llama.cpp trusts, checked in managed code before it sees the file: a broken rule there
/// aborts the process, reads out of bounds or gives meaningless output. The tokenizer rules apply to
/// every load (vocab-only included); the hyperparameter and tensor rules to loads of the weights, for
/// the architectures listed in <see cref="KnownArchitectures"/> — another architecture is loaded with a
/// warning that its hyperparameters were not checked. Container rules (lengths, offsets, tensor data
/// layout, duplicate tokens) are <see cref="GgufParser"/>'s and <see cref="GgufTokenizerRules"/>'.
/// </summary>
public static partial class GgufModelRules
{
    /// <summary>LLAMA_MAX_LAYERS: llama.cpp asserts the layer count is in [1, 512].</summary>
    public const int MaxLayers = 512;

    /// <summary>LLAMA_MAX_EXPERTS (measured on this build: 512 loads, 513 aborts).</summary>
    public const int MaxExperts = 512;

    /// <summary>Dense-attention architectures whose hyperparameters the rules check (llama covers Llama 2/3, Mistral, Mixtral).</summary>
    public static IReadOnlySet<string> KnownArchitectures { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "llama", "gpt2", "gptneox", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "gemma", "gemma2", "gemma3", "phi2", "phi3",
        "falcon", "mpt", "starcoder", "starcoder2", "stablelm", "olmo", "olmo2", "granite", "baichuan", "internlm2", "bloom",
    };

    // Architectures whose graphs need keys and values of one head size (llama.cpp asserts it while building them).
    private static readonly HashSet<string> s_equalHeadSizes = new(StringComparer.Ordinal)
    {
        "llama", "gpt2", "gptneox", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi2", "phi3", "starcoder", "starcoder2", "stablelm", "mpt", "falcon", "bloom",
    };

    /// <summary>The tokenizer models llama.cpp builds ("none"/"no_vocab" build none: nothing could be tokenized).</summary>
    public static IReadOnlyList<string> TokenizerModels { get; } = ["llama", "gpt2", "bert", "t5", "rwkv", "plamo2"];

    /// <summary>The RoPE scaling types llama.cpp maps (anything else fails its assertion).</summary>
    public static IReadOnlyList<string> RopeScalingTypes { get; } = ["none", "linear", "yarn", "longrope"];

    // Tokenizers that rank by the scores array (NaN there breaks every comparison).
    private static readonly HashSet<string> s_scoredModels = new(StringComparer.Ordinal) { "llama", "t5", "plamo2" };

    /// <summary>Checks <paramref name="file"/>; <paramref name="weights"/> adds the hyperparameter and tensor rules.</summary>
    public static ModelCheck Check(GgufFile file, bool weights)
    {
        ArgumentNullException.ThrowIfNull(file);
        var problems = new List<string>();
        var warnings = new List<string>();
        CheckTokenizer(file, problems);
        if (weights && !file.IsVocabOnly)
        {
            string? arch = file.Architecture;
            if (arch is null) problems.Add($"{GgufFormat.ArchitectureKey} is missing; llama.cpp needs it to load the weights");
            else if (!KnownArchitectures.Contains(arch))
            {
                warnings.Add($"architecture '{GgufText.Printable(arch)}' is not one AnomalyProbe knows: its hyperparameters were not checked before llama.cpp reads them");
            }
            else
            {
                CheckHyperparameters(file, arch, problems);
            }
            CheckTensorTypes(file, problems);
        }
        return new ModelCheck(problems, warnings);
    }

    private static void CheckTokenizer(GgufFile file, List<string> problems)
    {
        const string modelKey = "tokenizer.ggml.model";
        if (file.FindMetadata(GgufFormat.TokensKey) is null)
        {
            problems.Add($"{GgufFormat.TokensKey} is missing: the file has no vocabulary");
            return;
        }
        GgufValue tokens = file.FindMetadata(GgufFormat.TokensKey)!.Value;
        if (tokens.Length == 0)
        {
            problems.Add($"{GgufFormat.TokensKey} is empty: the vocabulary has no token");
            return;
        }
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens.GetStringBytes(i).Contains((byte)0))
            {
                problems.Add($"{GgufFormat.TokensKey}[{i}] '{GgufText.Printable(tokens.GetStringBytes(i))}' contains a NUL byte (llama.cpp reads token texts as C strings, so it collides with another token)");
                break;
            }
        }

        // llama.cpp reads the special ids as UINT32 and refuses any other type.
        foreach (GgufMetadataEntry entry in file.Metadata)
        {
            if (entry.Key.StartsWith("tokenizer.ggml.", StringComparison.Ordinal) && entry.Key.EndsWith("_token_id", StringComparison.Ordinal)
                && entry.Value.Type != GgufValueType.UInt32)
            {
                problems.Add($"{entry.Key} is {entry.Value.Describe()}; llama.cpp reads special token ids as UInt32");
                break;
            }
        }

        string? model = null;
        if (file.FindMetadata(modelKey) is not { } modelEntry) problems.Add($"{modelKey} is missing; llama.cpp needs the tokenizer's kind ({string.Join(", ", TokenizerModels)})");
        else if (modelEntry.Value.Type != GgufValueType.String) problems.Add($"{modelKey} is {modelEntry.Value.Describe()}, not a string");
        else
        {
            model = modelEntry.Value.AsString();
            if (model is "none" or "no_vocab") problems.Add($"{modelKey} is '{model}': the file has no tokenizer, and everything AnomalyProbe does needs one");
            else if (!TokenizerModels.Contains(model)) problems.Add($"{modelKey} is '{GgufText.Printable(model)}'; llama.cpp knows {string.Join(", ", TokenizerModels)}");
        }
        if (model == "gpt2" && file.FindMetadata("tokenizer.ggml.merges") is null)
        {
            problems.Add($"{modelKey} is 'gpt2' (byte-level BPE) but tokenizer.ggml.merges is missing");
        }
        if (file.FindMetadata("tokenizer.ggml.merges") is { Value: { ElementType: GgufValueType.String } merges })
        {
            for (int i = 0; i < merges.Length; i++)
            {
                ReadOnlySpan<byte> merge = merges.GetStringBytes(i);
                if (merge.Length < 3 || merge[1..].IndexOf((byte)' ') is < 0 || merge[^1] == (byte)' ')
                {
                    problems.Add($"tokenizer.ggml.merges[{i}] '{GgufText.Printable(merge)}' is not two pieces separated by a space");
                    break;
                }
            }
        }
        if (model is not null && s_scoredModels.Contains(model) && file.FindMetadata("tokenizer.ggml.scores") is { } scores)
        {
            double[] values = scores.Value.AsDoubleArray();
            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            if (bad >= 0) problems.Add($"tokenizer.ggml.scores[{bad}] is {values[bad].ToString(CultureInfo.InvariantCulture)}; a '{model}' tokenizer ranks by the scores, which must be finite");
        }
        if (file.FindMetadata("tokenizer.ggml.token_type") is { } typeEntry)
        {
            int[] types = typeEntry.Value.AsInt32Array();
            int outside = Array.FindIndex(types, t => t is < 0 or > 6);
            if (outside >= 0) problems.Add($"tokenizer.ggml.token_type[{outside}] is {types[outside]}; token types are 0 to 6 (undefined, normal, unknown, control, user-defined, unused, byte)");
            else if (!types.Any(t => t is 1 or 4 or 6))
            {
                problems.Add("tokenizer.ggml.token_type types no token normal, user-defined or byte: the vocabulary could spell no text");
            }
            // WordPiece has no byte fallback: llama.cpp aborts rendering a byte-typed token (measured; the
            // other tokenizers render or refuse them).
            if (model == "bert" && Array.IndexOf(types, 6) is int b and >= 0)
            {
                problems.Add($"tokenizer.ggml.token_type[{b}] is 6 (byte), but a 'bert' (WordPiece) tokenizer has no byte-fallback tokens (llama.cpp aborts rendering one)");
            }
        }
    }

    private static void CheckHyperparameters(GgufFile file, string arch, List<string> problems)
    {
        string a = arch + ".";
        int? layers = Count(file, a + "block_count", problems, min: 1, max: MaxLayers, "llama.cpp takes 1 to 512 layers");
        int? embedding = Count(file, a + "embedding_length", problems, min: 1, max: 1 << 20, "it must be a positive width");
        Count(file, a + "context_length", problems, min: 1, max: int.MaxValue, "it must be a positive number of positions");
        int[]? heads = PerLayer(file, a + "attention.head_count", layers, problems, required: true);
        int[]? kvHeads = PerLayer(file, a + "attention.head_count_kv", layers, problems, required: false);
        PerLayer(file, a + "feed_forward_length", layers, problems, required: false);
        if (heads is not null && kvHeads is not null)
        {
            for (int l = 0; l < Math.Min(heads.Length, kvHeads.Length); l++)
            {
                if (kvHeads[l] > heads[l] || heads[l] % kvHeads[l] != 0)
                {
                    problems.Add($"{a}attention.head_count_kv is {kvHeads[l]} (layer {l}), which does not divide {a}attention.head_count {heads[l]}");
                    break;
                }
            }
        }
        int? keyLength = Count(file, a + "attention.key_length", problems, min: 1, max: 1 << 16, "a head size must be positive", optional: true);
        int? valueLength = Count(file, a + "attention.value_length", problems, min: 1, max: 1 << 16, "a head size must be positive", optional: true);
        if (s_equalHeadSizes.Contains(arch))
        {
            int? headSize = embedding is int e && heads is { Length: > 0 } h && h[0] > 0 && e % h[0] == 0 ? e / h[0] : null;
            int? k = keyLength ?? headSize, v = valueLength ?? headSize;
            if (k is int kk && v is int vv && kk != vv)
            {
                problems.Add($"{a}attention.key_length {kk} differs from {a}attention.value_length {vv}; llama.cpp's {arch} graph needs one head size");
            }
            if (arch == "gpt2" && keyLength is int gk && headSize is int hs && gk != hs)
            {
                problems.Add($"{a}attention.key_length is {gk}, but the gpt2 graph needs embedding_length / head_count = {hs}");
            }
        }
        int expertCount = Count(file, a + "expert_count", problems, min: 0, max: MaxExperts, "llama.cpp takes at most 512 experts", optional: true) ?? 0;
        int expertsUsed = Count(file, a + "expert_used_count", problems, min: 0, max: MaxExperts, "llama.cpp takes at most 512 experts", optional: true) ?? 0;
        if (expertsUsed > expertCount) problems.Add($"{a}expert_used_count is {expertsUsed}, more than {a}expert_count {expertCount}");
        else if (expertCount > 0 && expertsUsed == 0) problems.Add($"{a}expert_count is {expertCount} but {a}expert_used_count is 0 or missing: no expert would run");

        CheckFloats(file, a, problems);
        if (file.FindMetadata(a + "rope.scaling.type") is { } scaling)
        {
            string? type = scaling.Value.Type == GgufValueType.String ? scaling.Value.AsString() : null;
            if (type is null || !RopeScalingTypes.Contains(type))
            {
                problems.Add($"{a}rope.scaling.type is {(type is null ? scaling.Value.Describe() : $"'{GgufText.Printable(type)}'")}; llama.cpp knows {string.Join(", ", RopeScalingTypes)}");
            }
        }
        if (layers is int n) CheckLayerTensors(file, n, problems);
        CheckEmbeddingShapes(file, embedding, problems);
    }

    private static void CheckFloats(GgufFile file, string a, List<string> problems)
    {
        foreach (GgufMetadataEntry entry in file.Metadata)
        {
            if (!entry.Key.StartsWith(a, StringComparison.Ordinal)) continue;
            GgufValueType? type = entry.Value.IsArray ? entry.Value.ElementType : entry.Value.Type;
            if (type is not (GgufValueType.Float32 or GgufValueType.Float64)) continue;
            double[] values = entry.Value.IsArray ? entry.Value.AsDoubleArray() : [entry.Value.AsDouble()];
            string name = entry.Key[a.Length..];
            foreach (double v in values)
            {
                string shown = v.ToString("G6", CultureInfo.InvariantCulture);
                string? expected = !double.IsFinite(v) ? "a finite number"
                    : name.EndsWith("epsilon", StringComparison.Ordinal) && v is <= 0 or >= 1 ? "a norm epsilon in (0, 1)"
                    : name is "rope.freq_base" or "rope.freq_scale" && v <= 0 ? "a positive number"
                    : name is "rope.scaling.factor" or "attention.clamp_kqv" && v < 0 ? "zero or more"
                    : name == "logit_scale" && v == 0 ? "a nonzero scale (0 makes every logit 0)"
                    : null;
                if (expected is null) continue;
                problems.Add($"{entry.Key} is {shown}; it must be {expected}");
                break;
            }
        }
    }

    // Every layer 0..n-1 has tensors and none lies beyond: a missing layer is llama.cpp's "missing tensor",
    // but the count it asserts on must agree with the table first.
    private static void CheckLayerTensors(GgufFile file, int layers, List<string> problems)
    {
        var seen = new SortedSet<int>();
        foreach (GgufTensorInfo t in file.Tensors)
        {
            Match m = LayerTensor().Match(t.Name);
            if (m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int layer)) seen.Add(layer);
        }
        if (seen.Count == 0) return;
        if (seen.Max >= layers)
        {
            problems.Add($"{file.Architecture}.block_count is {layers}, but the tensor table has layer {seen.Max} (blk.{seen.Max}.*)");
        }
        else if (seen.Count != layers)
        {
            int missing = Enumerable.Range(0, layers).First(l => !seen.Contains(l));
            problems.Add($"{file.Architecture}.block_count is {layers}, but layer {missing} has no tensors (blk.{missing}.* missing)");
        }
    }

    private static void CheckEmbeddingShapes(GgufFile file, int? embedding, List<string> problems)
    {
        int tokens = file.TokenCount ?? 0;
        foreach (string name in new[] { "token_embd.weight", "output.weight" })
        {
            if (file.FindTensor(name) is not { } t || t.Dimensions.Count != 2) continue;
            if (embedding is int e && t.Dimensions[0] != e)
            {
                problems.Add($"tensor {name} has rows of {t.Dimensions[0]}, but {file.Architecture}.embedding_length is {e}");
            }
            else if (tokens > 0 && t.Dimensions[1] != tokens)
            {
                problems.Add($"tensor {name} has {t.Dimensions[1]} rows for {tokens} tokens in {GgufFormat.TokensKey}");
            }
        }
    }

    // Norms and biases (1-D) must be F32 for ggml's CPU kernels; weight matrices must be a float or
    // quantized type (an integer or F64 matrix is read as garbage and crashes the matmul).
    private static void CheckTensorTypes(GgufFile file, List<string> problems)
    {
        foreach (GgufTensorInfo t in file.Tensors)
        {
            if (t.Dimensions.Count == 1 && t.Type != GgmlType.F32)
            {
                problems.Add($"tensor {t.Name} (1-D: a norm or bias) is {t.Type}; llama.cpp needs F32 there");
                return;
            }
            if (t.Dimensions.Count >= 2 && t.Type is GgmlType.I8 or GgmlType.I16 or GgmlType.I32 or GgmlType.I64 or GgmlType.F64)
            {
                problems.Add($"tensor {t.Name} is {t.Type}; a weight matrix must be F32, F16, BF16 or a quantized type");
                return;
            }
        }
    }

    private static int? Count(GgufFile file, string key, List<string> problems, int min, int max, string why, bool optional = false)
    {
        if (file.FindMetadata(key) is not { } entry)
        {
            if (!optional) problems.Add($"{key} is missing; llama.cpp needs it");
            return null;
        }
        if (!GgufValue.IsIntegerType(entry.Value.Type))
        {
            problems.Add($"{key} is {entry.Value.Describe()}, not an integer");
            return null;
        }
        long value = entry.Value.Type is GgufValueType.UInt64 ? (long)Math.Min(entry.Value.AsUInt64(), long.MaxValue) : entry.Value.AsInt64();
        if (value < min || value > max)
        {
            problems.Add($"{key} is {value}; {why}");
            return null;
        }
        return (int)value;
    }

    // A per-layer hyperparameter: one integer for every layer, or an array with one per layer; each at least 1.
    private static int[]? PerLayer(GgufFile file, string key, int? layers, List<string> problems, bool required)
    {
        if (file.FindMetadata(key) is not { } entry)
        {
            if (required) problems.Add($"{key} is missing; llama.cpp needs it");
            return null;
        }
        GgufValue value = entry.Value;
        long[] values;
        if (value.IsArray && value.ElementType is { } element && GgufValue.IsIntegerType(element))
        {
            values = value.AsInt64Array();
            if (layers is int n && values.Length != n)
            {
                problems.Add($"{key} has {values.Length} values for {n} layers");
                return null;
            }
        }
        else if (GgufValue.IsIntegerType(value.Type)) values = [value.Type is GgufValueType.UInt64 ? (long)Math.Min(value.AsUInt64(), long.MaxValue) : value.AsInt64()];
        else
        {
            problems.Add($"{key} is {value.Describe()}, not an integer or an array of them");
            return null;
        }
        int zero = Array.FindIndex(values, v => v < 1 || v > 1 << 24);
        if (zero >= 0)
        {
            problems.Add($"{key} is {values[zero]}{(values.Length > 1 ? $" for layer {zero}" : "")}; it must be a positive count");
            return null;
        }
        int[] result = [.. values.Select(v => (int)v)];
        return value.IsArray || layers is null ? result : [.. Enumerable.Repeat(result[0], layers.Value)];
    }

    [GeneratedRegex(@"^blk\.(\d+)\.")]
    private static partial Regex LayerTensor();
}
