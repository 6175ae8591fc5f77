using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>
/// A tiktoken vocabulary (ranks + special tokens), tokenized by Microsoft.ML.Tokenizers. The format
/// holds bytes and ranks only, so: ranks are normal tokens, the encoding's special tokens control
/// tokens, ids between them that no token has unused; the spelling is byte-level BPE's
/// (<see cref="ByteLevelSpelling"/>: "Ġthe"), as in GGUF conversions; scores are 0.
/// </summary>
internal static class TiktokenSource
{
    public static PublishedVocabulary Create(TiktokenFile file, System.Text.RegularExpressions.Regex pattern, IReadOnlyDictionary<string, int> specialTokens)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(specialTokens);
        int count = Math.Max(file.Ranks.Length, specialTokens.Count == 0 ? 0 : specialTokens.Values.Max() + 1);
        var tokens = new PublishedToken?[count];
        for (int id = 0; id < file.Ranks.Length; id++)
        {
            if (file.Ranks[id] is { } bytes) tokens[id] = new PublishedToken(bytes, ByteLevelSpelling.Spell(bytes), TokenAttributes.Normal);
        }
        foreach (var (text, id) in specialTokens)
        {
            if (tokens[id] is not null) throw new InputException($"special token {text} has id {id}, which is a rank of the file");
            tokens[id] = new PublishedToken(System.Text.Encoding.UTF8.GetBytes(text), text, TokenAttributes.Control);
        }
        IReadOnlyDictionary<string, int>? special = specialTokens.Count == 0 ? null : specialTokens;
        var ordinary = TiktokenTokenizer.Create(new MemoryStream(file.Contents), new RegexPreTokenizer(pattern, null), normalizer: null);
        return new PublishedVocabulary(tokens, ordinary, special is null ? null
            : () => TiktokenTokenizer.Create(new MemoryStream(file.Contents), new RegexPreTokenizer(pattern, special), normalizer: null, special));
    }
}
