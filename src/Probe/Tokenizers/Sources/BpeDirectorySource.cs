using System.Text.Json;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>
/// A byte-level BPE published as a directory holding <c>vocab.json</c> (spelling → id, GPT-2's
/// byte-to-character spelling) and <c>merges.txt</c>, tokenized by Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/>. Token types come from <c>tokenizer_config.json</c>'s
/// <c>added_tokens_decoder</c> when the directory has one (special → control, others
/// user-defined); every other entry is normal.
/// </summary>
internal static class BpeDirectorySource
{
    public const string VocabFile = "vocab.json", MergesFile = "merges.txt", ConfigFile = "tokenizer_config.json";

    /// <summary>Whether <paramref name="path"/> is a directory holding vocab.json and merges.txt.</summary>
    public static bool Holds(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, VocabFile)) && File.Exists(Path.Combine(path, MergesFile));

    /// <summary>Reads the directory; <paramref name="pattern"/> is the pre-tokenizer's split.</summary>
    /// <exception cref="InputException">A file is malformed, or the vocabulary is not byte-level.</exception>
    public static (PublishedVocabulary Vocabulary, bool HasTypes) Open(string directory, System.Text.RegularExpressions.Regex pattern)
    {
        Dictionary<string, int> vocab = ReadJson<Dictionary<string, int>>(Path.Combine(directory, VocabFile), "an object of token → id");
        if (vocab.Count == 0) throw new InputException($"'{Path.Combine(directory, VocabFile)}' holds no tokens");
        if (vocab.Values.Min() < 0 || vocab.Values.Max() >= vocab.Count + TiktokenFile.MaxGap)
            throw new InputException($"'{Path.Combine(directory, VocabFile)}': ids must be 0 … about the number of tokens ({vocab.Count:N0}), not {vocab.Values.Min()} … {vocab.Values.Max()}");
        // Ids beyond the tokens by more than a gap no vocabulary has are refused (they would size the table).
        var added = ReadAddedTokens(directory, vocab.Count + TiktokenFile.MaxGap);

        var tokens = new PublishedToken?[Math.Max(vocab.Values.Max(), added.Count == 0 ? 0 : added.Keys.Max()) + 1];
        int notByteLevel = 0;
        foreach (var (text, id) in vocab)
        {
            if (tokens[id] is not null) throw new InputException($"'{Path.Combine(directory, VocabFile)}': id {id} is given to two tokens");
            byte[]? bytes = ByteLevelSpelling.Unspell(text);
            if (bytes is null && !added.ContainsKey(id)) notByteLevel++;
            tokens[id] = new PublishedToken(bytes ?? System.Text.Encoding.UTF8.GetBytes(text), text, TokenAttributes.Normal);
        }
        // A byte-level vocab.json spells every byte with one character; a handful of added tokens may not.
        if (notByteLevel > Math.Max(16, vocab.Count / 100))
        {
            throw new InputException($"'{Path.Combine(directory, VocabFile)}': {notByteLevel:N0} of {vocab.Count:N0} tokens are not spelled in byte-level BPE's " +
                "alphabet (Ġ for a space): only byte-level vocab.json files (GPT-2, RoBERTa, GPT-NeoX, Llama 3, Qwen …) are read");
        }
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, (content, isSpecial)) in added)
        {
            tokens[id] = new PublishedToken(System.Text.Encoding.UTF8.GetBytes(content), content, isSpecial ? TokenAttributes.Control : TokenAttributes.UserDefined);
            if (isSpecial) special[content] = id;
        }

        List<string> merges = File.ReadAllLines(Path.Combine(directory, MergesFile))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        if (merges.FirstOrDefault(l => l.Split(' ').Length != 2) is { } bad)
            throw new InputException($"'{Path.Combine(directory, MergesFile)}': '{PieceText.Escape(System.Text.Encoding.UTF8.GetBytes(bad[..Math.Min(bad.Length, 40)]))}' is not two tokens separated by a space");
        return (new PublishedVocabulary(tokens, Create(vocab, merges, pattern, null), special.Count == 0 ? null : () => Create(vocab, merges, pattern, special)),
            added.Count > 0);
    }

    private static BpeTokenizer Create(Dictionary<string, int> vocab, List<string> merges, System.Text.RegularExpressions.Regex pattern, Dictionary<string, int>? special)
    {
        try
        {
            return BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(pattern, special),
                SpecialTokens = special,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InputException($"Microsoft.ML.Tokenizers refused vocab.json + merges.txt: {e.Message}", e);
        }
    }

    /// <summary>tokenizer_config.json's added_tokens_decoder: id → (content, special); empty without the file.</summary>
    private static Dictionary<int, (string Content, bool Special)> ReadAddedTokens(string directory, int idLimit)
    {
        string path = Path.Combine(directory, ConfigFile);
        var added = new Dictionary<int, (string, bool)>();
        if (!File.Exists(path)) return added;
        JsonElement config = ReadJson<JsonElement>(path, "a JSON object");
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("added_tokens_decoder", out JsonElement decoder)) return added;
        if (decoder.ValueKind != JsonValueKind.Object) throw new InputException($"'{path}': added_tokens_decoder is not an object");
        foreach (JsonProperty entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id) || id >= idLimit
                || entry.Value.ValueKind != JsonValueKind.Object || !entry.Value.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String)
            {
                throw new InputException($"'{path}': added_tokens_decoder entry '{entry.Name}' is not an id below {idLimit:N0} with a content string");
            }
            bool special = entry.Value.TryGetProperty("special", out JsonElement s) && s.ValueKind == JsonValueKind.True;
            added[id] = (content.GetString()!, special);
        }
        return added;
    }

    private static T ReadJson<T>(string path, string expected)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream) ?? throw new InputException($"'{path}' is null, not {expected}");
        }
        catch (JsonException e)
        {
            throw new InputException($"'{path}' is not {expected}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new InputException($"cannot read '{path}': {e.Message}", e);
        }
    }
}
