using System.Text;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>
/// Consistency rules for the tokenizer metadata that llama.cpp's vocabulary loader
/// (src/llama-vocab.cpp) relies on, so that a file we accept cannot make it abort or index out
/// of bounds.
/// </summary>
internal static class GgufTokenizerRules
{
    private const string Prefix = "tokenizer.ggml.";
    private const string SpecialIdSuffix = "_token_id";
    // Offset of an array's first element from its value offset: element type (u32) and count (u64).
    private const int ArrayHeaderSize = sizeof(uint) + sizeof(ulong);

    /// <exception cref="GgufFormatException">A rule is broken.</exception>
    public static void Validate(IReadOnlyList<GgufMetadataEntry> entries, IReadOnlyDictionary<string, GgufMetadataEntry> byKey)
    {
        int? tokenCount = null;
        if (byKey.TryGetValue(GgufFormat.TokensKey, out var tokens))
        {
            RequireArray(tokens, GgufValueType.String);
            RequireUniqueTokens(tokens);
            tokenCount = tokens.Value.Length;
        }

        // llama.cpp reads scores and token types by token id, for every token.
        if (byKey.TryGetValue(Prefix + "scores", out var scores))
        {
            RequireArray(scores, GgufValueType.Float32, GgufValueType.Int32);
            RequireLength(scores, tokenCount);
        }
        if (byKey.TryGetValue(Prefix + "token_type", out var tokenTypes))
        {
            RequireArray(tokenTypes, GgufValueType.Int32);
            RequireLength(tokenTypes, tokenCount);
        }
        if (byKey.TryGetValue(Prefix + "merges", out var merges))
        {
            RequireArray(merges, GgufValueType.String);
        }

        // llama.cpp ignores an out-of-range special id with a warning (real models ship some), and
        // this tool takes special ids from llama.cpp, never from the file: only the type matters.
        foreach (var entry in entries)
        {
            if (entry.Key.StartsWith(Prefix, StringComparison.Ordinal) && entry.Key.EndsWith(SpecialIdSuffix, StringComparison.Ordinal))
            {
                RequireInteger(entry);
            }
        }
    }

    private static void RequireArray(GgufMetadataEntry entry, params GgufValueType[] elementTypes)
    {
        var value = entry.Value;
        if (value.ElementType is not { } type || Array.IndexOf(elementTypes, type) < 0)
        {
            string expected = string.Join(" or ", elementTypes.Select(t => $"Array of {t}"));
            throw entry.Error($"must be {expected} but is {value.Describe()}", entry.ValueOffset - sizeof(uint));
        }
    }

    private static void RequireLength(GgufMetadataEntry entry, int? tokenCount)
    {
        if (tokenCount is int count && entry.Value.Length != count)
        {
            throw entry.Error($"has {entry.Value.Length} elements but {GgufFormat.TokensKey} has {count}", entry.ValueOffset + sizeof(uint));
        }
    }

    private static void RequireInteger(GgufMetadataEntry entry)
    {
        if (!GgufValue.IsIntegerType(entry.Value.Type))
        {
            throw entry.Error($"special token id must be an integer but is {entry.Value.Describe()}", entry.ValueOffset - sizeof(uint));
        }
    }

    // llama-vocab.cpp maps token text to id and then GGML_ASSERTs that no two tokens share a
    // text: a duplicate aborts the process. Empty tokens are renamed "[EMPTY_<id>]" first.
    private static void RequireUniqueTokens(GgufMetadataEntry tokens)
    {
        var value = tokens.Value;
        var seen = new HashSet<int>(value.Length, new TokenTextComparer(value));
        for (int i = 0; i < value.Length; i++)
        {
            if (!seen.Add(i))
            {
                seen.TryGetValue(i, out int first);
                long offset = tokens.ValueOffset + ArrayHeaderSize + value.StringElementOffset(i);
                string text = GgufText.Printable(TokenTextComparer.Text(value, i));
                throw tokens.Error($"token {i} '{text}' duplicates token {first} (llama.cpp aborts on duplicate tokens)", offset);
            }
        }
    }

    private sealed class TokenTextComparer(GgufValue tokens) : IEqualityComparer<int>
    {
        public static ReadOnlySpan<byte> Text(GgufValue tokens, int index)
        {
            var text = tokens.GetStringBytes(index);
            return text.IsEmpty ? Encoding.ASCII.GetBytes($"[EMPTY_{index}]") : text;
        }

        public bool Equals(int x, int y) => Text(tokens, x).SequenceEqual(Text(tokens, y));

        public int GetHashCode(int obj)
        {
            var hash = new HashCode();
            hash.AddBytes(Text(tokens, obj));
            return hash.ToHashCode();
        }
    }
}
