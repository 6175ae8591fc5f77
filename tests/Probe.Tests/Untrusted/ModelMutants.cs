using System.Text;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Untrusted;

/// <summary>A hostile (or, for the benign class, still valid) copy of a real model file.</summary>
/// <param name="Class">What kind of content it breaks.</param>
/// <param name="Name">What exactly was changed.</param>
/// <param name="Base">The file it was made from.</param>
/// <param name="Bytes">The mutant.</param>
/// <param name="StaysValid">True for edits that leave a valid model (they must keep working).</param>
internal sealed record Mutant(string Class, string Name, string Base, byte[] Bytes, bool StaysValid = false)
{
    public override string ToString() => $"{Class}/{Name} ({Path.GetFileName(Base)})";
}

/// <summary>
/// A seeded generator of mutants of the real models, one class per kind of content llama.cpp trusts:
/// hyperparameters against the tensor table and llama.cpp's limits, non-finite or non-positive
/// floats, enumerated strings, token texts, tensor types and shapes, alignment, the container, and
/// benign edits. Deterministic for a seed: the same mutants every run.
/// </summary>
internal static class ModelMutants
{
    public static IEnumerable<Mutant> All(int seed)
    {
        var random = new Random(seed);
        string stories = Path.Combine(TestPaths.ModelsDir, "stories260K.gguf");
        string neo = Path.Combine(TestPaths.ModelsDir, "tinystories-instruct-neo-3m.gguf");
        string poem = Path.Combine(TestPaths.ModelsDir, "poem-zh.gguf");
        string gpt2Vocab = Path.Combine(TestPaths.VocabDir, "ggml-vocab-gpt-2.gguf");
        string spmVocab = Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf");

        var llama = GgufDocument.Load(stories);
        var gpt2 = GgufDocument.Load(neo);
        var zh = GgufDocument.Load(poem);
        foreach (var m in Hyperparameters(llama, stories, random)) yield return m;
        foreach (var m in Hyperparameters(gpt2, neo, random).Where((_, i) => i % 3 == 0)) yield return m;
        foreach (var m in Floats(llama, stories)) yield return m;
        foreach (var m in Floats(gpt2, neo).Where((_, i) => i % 2 == 0)) yield return m;
        foreach (var m in Enumerations(llama, stories)) yield return m;
        foreach (var m in Enumerations(zh, poem).Take(4)) yield return m;
        foreach (var m in Tokens(llama, stories, random)) yield return m;
        foreach (var m in Tokens(GgufDocument.Load(gpt2Vocab), gpt2Vocab, random).Where((m, i) => i < 5 || m.Name.Contains("merge", StringComparison.Ordinal))) yield return m;
        foreach (var m in Tokens(GgufDocument.Load(spmVocab), spmVocab, random).Take(8)) yield return m;
        foreach (var m in TensorTypes(llama, stories, random)) yield return m;
        foreach (var m in TensorTypes(gpt2, neo, random).Take(6)) yield return m;
        foreach (var m in Alignments(llama, stories)) yield return m;
        foreach (var m in Container(llama.ToBytes(), stories, random)) yield return m;
        foreach (var m in RandomEdits(llama, stories, random, 24)) yield return m;
        foreach (var m in RandomEdits(gpt2, neo, random, 8)) yield return m;
        foreach (var m in Benign(llama, stories)) yield return m;
        foreach (var m in Benign(gpt2, neo).Take(2)) yield return m;
    }

    private static IEnumerable<Mutant> Hyperparameters(GgufDocument doc, string file, Random random)
    {
        string a = doc.Architecture! + ".";
        int layers = doc.Get(a + "block_count")!.AsInt32();
        int embd = doc.Get(a + "embedding_length")!.AsInt32();
        int heads = doc.Get(a + "attention.head_count")!.AsInt32();
        Mutant M(string name, Func<GgufDocument, GgufDocument> edit) => new("hyperparameters", name, file, edit(doc.Clone()).ToBytes());

        foreach (uint n in new uint[] { 0, 1, (uint)layers - 1, (uint)layers + 1, 512, 513, 100_000, uint.MaxValue })
            yield return M($"block_count={n}", d => d.Set(a + "block_count", GgufValue.FromUInt32(n)));
        yield return M("block_count as string", d => d.Set(a + "block_count", GgufValue.FromString("5")));
        yield return M("block_count missing", d => d.Remove(a + "block_count"));
        foreach (uint n in new uint[] { 0, (uint)embd / 2, (uint)embd * 2, 1u << 30 })
            yield return M($"embedding_length={n}", d => d.Set(a + "embedding_length", GgufValue.FromUInt32(n)));
        foreach (uint n in new uint[] { 0, 1, 1u << 30 })
            yield return M($"feed_forward_length={n}", d => d.Set(a + "feed_forward_length", GgufValue.FromUInt32(n)));
        foreach (uint n in new uint[] { 0, 3, 7, (uint)embd + 1, 1u << 20 })
            yield return M($"head_count={n}", d => d.Set(a + "attention.head_count", GgufValue.FromUInt32(n)));
        foreach (uint n in new uint[] { 0, 3, (uint)heads + 1, (uint)heads * 2 })
            yield return M($"head_count_kv={n}", d => d.Set(a + "attention.head_count_kv", GgufValue.FromUInt32(n)));
        yield return M("head_count per layer, short", d => d.Set(a + "attention.head_count", GgufValue.FromArray<int>(Enumerable.Repeat(heads, Math.Max(1, layers - 2)).ToArray())));
        yield return M("head_count per layer, a zero", d => d.Set(a + "attention.head_count", GgufValue.FromArray<int>([0, .. Enumerable.Repeat(heads, layers - 1)])));
        yield return M("head_count_kv per layer, long", d => d.Set(a + "attention.head_count_kv", GgufValue.FromArray<int>(Enumerable.Repeat(1, layers + 3).ToArray())));
        foreach (uint n in new uint[] { 0, 7, 4096 })
        {
            yield return M($"key_length={n}", d => d.Set(a + "attention.key_length", GgufValue.FromUInt32(n)));
            yield return M($"value_length={n}", d => d.Set(a + "attention.value_length", GgufValue.FromUInt32(n)));
        }
        foreach (uint n in new uint[] { 0, 1, 1u << 31 })
            yield return M($"context_length={n}", d => d.Set(a + "context_length", GgufValue.FromUInt32(n)));
        yield return M("expert_count=8, used=2", d => d.Set(a + "expert_count", GgufValue.FromUInt32(8)).Set(a + "expert_used_count", GgufValue.FromUInt32(2)));
        yield return M("expert_used_count=3 > expert_count=2", d => d.Set(a + "expert_count", GgufValue.FromUInt32(2)).Set(a + "expert_used_count", GgufValue.FromUInt32(3)));
        yield return M("expert_count=100000", d => d.Set(a + "expert_count", GgufValue.FromUInt32(100_000)).Set(a + "expert_used_count", GgufValue.FromUInt32(1)));
        yield return M("expert_used_count=1 alone", d => d.Set(a + "expert_used_count", GgufValue.FromUInt32(1)));
        foreach (uint n in new uint[] { 0, 1000 })
            yield return M($"rope.dimension_count={n}", d => d.Set(a + "rope.dimension_count", GgufValue.FromUInt32(n)));
        yield return M("vocab_size=7", d => d.Set(a + "vocab_size", GgufValue.FromUInt32(7)));
        yield return M("architecture=bogus", d => d.Set(GgufFormat.ArchitectureKey, GgufValue.FromString("bogus")));
        yield return M("architecture empty", d => d.Set(GgufFormat.ArchitectureKey, GgufValue.FromString("")));
        yield return M("architecture=gemma", d => d.Set(GgufFormat.ArchitectureKey, GgufValue.FromString("gemma")));
        yield return M("architecture=qwen2", d => d.Set(GgufFormat.ArchitectureKey, GgufValue.FromString("qwen2")));
        string missing = doc.Tensors[random.Next(1, doc.Tensors.Count)].Name;
        yield return M($"tensor {missing} missing", d => { d.Tensors.RemoveAll(t => t.Name == missing); return d; });
        yield return M($"blk.{layers - 1} missing", d => { d.Tensors.RemoveAll(t => t.Name.StartsWith($"blk.{layers - 1}.", StringComparison.Ordinal)); return d; });
        yield return M("an extra layer's tensors", d =>
        {
            d.Tensors.AddRange(d.Tensors.Where(t => t.Name.StartsWith("blk.0.", StringComparison.Ordinal)).Select(t => t with { Name = $"blk.{layers}." + t.Name["blk.0.".Length..] }).ToList());
            return d;
        });
        yield return M("an unknown tensor", d => { d.Tensors.Add(new TensorData("blk.0.bogus.weight", 0, [4], new byte[16])); return d; });
    }

    private static IEnumerable<Mutant> Floats(GgufDocument doc, string file)
    {
        string a = doc.Architecture! + ".";
        string eps = doc.Get(a + "attention.layer_norm_rms_epsilon") is not null ? a + "attention.layer_norm_rms_epsilon" : a + "attention.layer_norm_epsilon";
        float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -1e-5f, 1e30f];
        foreach (string key in new[] { eps, a + "rope.freq_base", a + "rope.scaling.factor", a + "rope.freq_scale", a + "attention.clamp_kqv", a + "logit_scale" })
        {
            foreach (float v in bad)
            {
                yield return new("floats", $"{key[a.Length..]}={v}", file, doc.Clone().Set(key, GgufValue.FromFloat32(v)).ToBytes());
            }
        }
        yield return new("floats", "epsilon as float64 NaN", file, doc.Clone().Set(eps, GgufValue.FromFloat64(double.NaN)).ToBytes());
        yield return new("floats", "epsilon as string", file, doc.Clone().Set(eps, GgufValue.FromString("1e-5")).ToBytes());
    }

    private static IEnumerable<Mutant> Enumerations(GgufDocument doc, string file)
    {
        string a = doc.Architecture! + ".";
        Mutant M(string name, Func<GgufDocument, GgufDocument> edit) => new("enumerations", name, file, edit(doc.Clone()).ToBytes());
        foreach (string v in new[] { "", "bogus", "YARN", "linear", "yarn", "longrope" })
            yield return M($"rope.scaling.type='{v}'", d => d.Set(a + "rope.scaling.type", GgufValue.FromString(v)));
        foreach (string v in new[] { "", "bogus", "gpt2", "bert", "t5", "rwkv", "plamo2", "none", "no_vocab", "LLAMA" })
            yield return M($"tokenizer.ggml.model='{v}'", d => d.Set("tokenizer.ggml.model", GgufValue.FromString(v)));
        yield return M("tokenizer.ggml.model missing", d => d.Remove("tokenizer.ggml.model"));
        foreach (string v in new[] { "", "bogus", "llama3", "qwen2", "gpt-2" })
            yield return M($"tokenizer.ggml.pre='{v}'", d => d.Set("tokenizer.ggml.pre", GgufValue.FromString(v)));
        yield return M("pooling_type=99", d => d.Set(a + "pooling_type", GgufValue.FromUInt32(99)));
        yield return M("general.file_type=9999", d => d.Set("general.file_type", GgufValue.FromUInt32(9999)));
    }

    private static IEnumerable<Mutant> Tokens(GgufDocument doc, string file, Random random)
    {
        byte[][] tokens = Strings(doc.Get(GgufFormat.TokensKey)!);
        int n = tokens.Length;
        Mutant M(string name, Func<GgufDocument, GgufDocument> edit) => new("tokens", name, file, edit(doc.Clone()).ToBytes());
        GgufDocument WithToken(GgufDocument d, int id, byte[] text)
        {
            byte[][] copy = [.. tokens];
            copy[id] = text;
            return d.Set(GgufFormat.TokensKey, GgufValue.FromStringBytesArray(copy));
        }
        int i = random.Next(n / 2, n), j = random.Next(3, n / 2);
        yield return M("a NUL makes two tokens equal as C strings", d => WithToken(d, i, [.. tokens[j], 0, .. "xyz"u8]));
        yield return M("a token that is one NUL", d => WithToken(d, i, [0]));
        yield return M("an empty token", d => WithToken(d, i, []));
        yield return M("a token of invalid UTF-8", d => WithToken(d, i, [0xFF, 0xFE]));
        yield return M("a 100 KB token", d => WithToken(d, i, Encoding.UTF8.GetBytes(new string('a', 100_000))));
        if (doc.Get("tokenizer.ggml.token_type") is { } types)
        {
            foreach (int bad in new[] { 99, -1, 0, 7 })
                yield return M($"token_type {bad} at {i}", d => d.Set("tokenizer.ggml.token_type", GgufValue.FromArray<int>([.. types.AsInt32Array().Select((t, k) => k == i ? bad : t)])));
            yield return M("every token typed control", d => d.Set("tokenizer.ggml.token_type", GgufValue.FromArray<int>(Enumerable.Repeat(3, n).ToArray())));
            yield return M("every token typed unused", d => d.Set("tokenizer.ggml.token_type", GgufValue.FromArray<int>(Enumerable.Repeat(5, n).ToArray())));
        }
        if (doc.Get("tokenizer.ggml.scores") is not null)
        {
            yield return M("scores all NaN", d => d.Set("tokenizer.ggml.scores", GgufValue.FromArray<float>(Enumerable.Repeat(float.NaN, n).ToArray())));
            yield return M("scores all +inf", d => d.Set("tokenizer.ggml.scores", GgufValue.FromArray<float>(Enumerable.Repeat(float.PositiveInfinity, n).ToArray())));
        }
        if (doc.Get("tokenizer.ggml.merges") is { } merges)
        {
            byte[][] m = Strings(merges);
            yield return M("a merge without a space", d => d.Set("tokenizer.ggml.merges", GgufValue.FromStringBytesArray([.. m.Take(10), "abc"u8.ToArray(), .. m.Skip(11)])));
            yield return M("an empty merge", d => d.Set("tokenizer.ggml.merges", GgufValue.FromStringBytesArray([[], .. m.Skip(1)])));
            yield return M("a merge of three parts", d => d.Set("tokenizer.ggml.merges", GgufValue.FromStringBytesArray(["a b c"u8.ToArray(), .. m.Skip(1)])));
            yield return M("merges removed", d => d.Remove("tokenizer.ggml.merges"));
        }
        foreach (var (key, value) in new[] { ("bos", n + 5), ("eos", -1), ("unknown", n), ("padding", int.MaxValue), ("eot", n * 10) })
            yield return M($"{key}_token_id={value}", d => d.Set($"tokenizer.ggml.{key}_token_id", GgufValue.FromInt32(value)));
        yield return M("add_bos with no bos id", d => d.Remove("tokenizer.ggml.bos_token_id").Set("tokenizer.ggml.add_bos_token", GgufValue.FromBool(true)));
        yield return M("add_eos with eos out of range", d => d.Set("tokenizer.ggml.eos_token_id", GgufValue.FromUInt32((uint)n + 1)).Set("tokenizer.ggml.add_eos_token", GgufValue.FromBool(true)));
        yield return M("no tokens", d => d.Set(GgufFormat.TokensKey, GgufValue.FromStringBytesArray([]))
            .Remove("tokenizer.ggml.scores").Remove("tokenizer.ggml.token_type").Remove("tokenizer.ggml.merges"));
        yield return M("one token", d => d.Set(GgufFormat.TokensKey, GgufValue.FromStringBytesArray([tokens[0]]))
            .Remove("tokenizer.ggml.scores").Remove("tokenizer.ggml.token_type").Remove("tokenizer.ggml.merges"));
        yield return M("tokens removed", d => d.Remove(GgufFormat.TokensKey));
    }

    private static IEnumerable<Mutant> TensorTypes(GgufDocument doc, string file, Random random)
    {
        Mutant M(string name, Func<GgufDocument, GgufDocument> edit) => new("tensor types", name, file, edit(doc.Clone()).ToBytes());
        TensorData weight = doc.Tensors.First(t => t.Name.StartsWith("blk.0.", StringComparison.Ordinal) && t.Dimensions.Length == 2);
        TensorData norm = doc.Tensors.First(t => t.Name.EndsWith("norm.weight", StringComparison.Ordinal));
        long elements = weight.Dimensions.Aggregate(1L, (x, d) => x * (long)d);
        // ggml type ids and element sizes: I8 24 (1), I16 25 (2), I32 26 (4), I64 27 (8), F64 28 (8), F16 1 (2), BF16 30 (2).
        foreach (var (type, size) in new (uint, int)[] { (24, 1), (25, 2), (26, 4), (27, 8), (28, 8) })
            yield return M($"{weight.Name} as type {type}", d => d.Replace(weight.Name, t => t with { Type = type, Data = new byte[elements * size] }));
        foreach (var (type, size) in new (uint, int)[] { (1, 2), (30, 2) })
            yield return M($"{norm.Name} as type {type}", d => d.Replace(norm.Name, t => t with { Type = type, Data = new byte[(long)t.Dimensions[0] * size] }));
        yield return M("token_embd transposed", d => d.Replace("token_embd.weight", t => t with { Dimensions = [t.Dimensions[1], t.Dimensions[0]] }));
        yield return M($"{weight.Name} transposed", d => d.Replace(weight.Name, t => t with { Dimensions = [t.Dimensions[1], t.Dimensions[0]] }));
        yield return M($"{weight.Name} with a third dimension", d => d.Replace(weight.Name, t => t with { Dimensions = [t.Dimensions[0], t.Dimensions[1] / 2, 2] }));
        yield return M($"{norm.Name} twice as long", d => d.Replace(norm.Name, t => t with { Dimensions = [t.Dimensions[0] * 2], Data = [.. t.Data, .. t.Data] }));
        yield return M("token_embd one row short", d => d.Replace("token_embd.weight", t => t with { Dimensions = [t.Dimensions[0], t.Dimensions[1] - 1], Data = t.Data[..^(int)(t.Dimensions[0] * 4)] }));
        TensorData any = doc.Tensors[random.Next(doc.Tensors.Count)];
        yield return M($"{any.Name} full of NaN", d => d.Replace(any.Name, t => t with { Data = [.. Enumerable.Range(0, t.Data.Length / 4).SelectMany(_ => BitConverter.GetBytes(float.NaN))] }));
    }

    private static IEnumerable<Mutant> Alignments(GgufDocument doc, string file)
    {
        foreach (uint v in new uint[] { 0, 3, 24, 1u << 31, uint.MaxValue })
            yield return new("alignment", $"general.alignment={v}", file, doc.Clone().Set(GgufFormat.AlignmentKey, GgufValue.FromUInt32(v)).ToBytes());
        yield return new("alignment", "general.alignment as string", file, doc.Clone().Set(GgufFormat.AlignmentKey, GgufValue.FromString("32")).ToBytes());
        yield return new("alignment", "general.alignment as int64", file, doc.Clone().Set(GgufFormat.AlignmentKey, GgufValue.FromInt64(32)).ToBytes());
        var wide = doc.Clone();
        wide.Alignment = 64;
        yield return new("alignment", "alignment 64, laid out so (valid)", file, wide.Set(GgufFormat.AlignmentKey, GgufValue.FromUInt32(64)).ToBytes(), StaysValid: true);
    }

    private static IEnumerable<Mutant> Container(byte[] bytes, string file, Random random)
    {
        for (int k = 0; k < 6; k++)
        {
            int cut = random.Next(4, bytes.Length);
            yield return new("container", $"truncated at {cut}", file, bytes[..cut]);
        }
        for (int k = 0; k < 10; k++)
        {
            byte[] flipped = [.. bytes];
            int at = random.Next(4, Math.Min(flipped.Length, 8192));
            flipped[at] ^= (byte)(1 << random.Next(8));
            yield return new("container", $"bit flipped at {at}", file, flipped);
        }
        foreach (var (offset, what) in new[] { (8, "tensor count"), (16, "metadata count") })
        {
            foreach (ulong v in new ulong[] { 0, 1, ulong.MaxValue })
            {
                byte[] changed = [.. bytes];
                BitConverter.GetBytes(v).CopyTo(changed, offset);
                yield return new("container", $"{what}={v}", file, changed);
            }
        }
    }

    // Any key, any value from the edge cases: what the seed picks (other seeds, other corpora).
    private static IEnumerable<Mutant> RandomEdits(GgufDocument doc, string file, Random random, int count)
    {
        GgufValue[] edges =
        [
            GgufValue.FromUInt32(0), GgufValue.FromUInt32(1), GgufValue.FromUInt32(uint.MaxValue), GgufValue.FromInt32(-1),
            GgufValue.FromUInt64(ulong.MaxValue), GgufValue.FromFloat32(float.NaN), GgufValue.FromFloat32(-1f), GgufValue.FromFloat32(1e38f),
            GgufValue.FromBool(true), GgufValue.FromString(""), GgufValue.FromString("\u0000"), GgufValue.FromArray<int>([]),
            GgufValue.FromArray<float>([float.NaN]), GgufValue.FromStringArray(["a", "a"]),
        ];
        for (int k = 0; k < count; k++)
        {
            var (key, _) = doc.Metadata[random.Next(doc.Metadata.Count)];
            GgufValue value = edges[random.Next(edges.Length)];
            yield return new("random edits", $"{key}={value}", file, doc.Clone().Set(key, value).ToBytes());
        }
    }

    private static IEnumerable<Mutant> Benign(GgufDocument doc, string file)
    {
        yield return new("benign", "general.name changed", file, doc.Clone().Set("general.name", GgufValue.FromString("renamed ✓")).ToBytes(), StaysValid: true);
        yield return new("benign", "an unknown key added", file, doc.Clone().Set("vendor.note", GgufValue.FromArray<int>([1, 2, 3])).ToBytes(), StaysValid: true);
        yield return new("benign", "general.description removed", file, doc.Clone().Remove("general.description").ToBytes(), StaysValid: true);
    }

    private static byte[][] Strings(GgufValue array) => [.. Enumerable.Range(0, array.Length).Select(k => array.GetStringBytes(k).ToArray())];
}
