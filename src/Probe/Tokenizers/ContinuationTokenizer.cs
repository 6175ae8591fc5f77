namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// Tokenizes bytes as they would be tokenized in the middle of a longer text (no BOS/EOS, no
/// SentencePiece start-of-text space): after a marker whose own tokens are dropped (the Magikarp
/// trick), with the markers' tokens computed once (half the tokenizer calls over a whole vocabulary) and without failing
/// when the text vanishes (WordPiece and Unigram normalise whitespace away: the result is then
/// empty) or when every marker merges with the text (the text is then tokenized at the start).
/// Texts that would abort llama.cpp (<see cref="Native.SpmAbortGuard"/>) give null. Thread-safe.
/// With <c>parseSpecial</c>, control-token text (a template's <c>&lt;|im_end|&gt;</c>) becomes its token.
/// </summary>
internal sealed class ContinuationTokenizer
{
    private static readonly byte[][] s_markers = ["\n"u8.ToArray(), "|"u8.ToArray(), "#"u8.ToArray(), "\u00a7"u8.ToArray()];

    private readonly ITokenVocabulary _vocabulary;
    private readonly bool _parseSpecial;
    private readonly int[]?[] _alone;

    public ContinuationTokenizer(ITokenVocabulary vocabulary, bool parseSpecial = false)
    {
        _vocabulary = vocabulary;
        _parseSpecial = parseSpecial;
        _alone = s_markers.Select(m => AtStart(m)).ToArray();
    }

    public ITokenVocabulary Vocabulary => _vocabulary;

    /// <summary>The tokens of <paramref name="utf8"/> as a continuation of text, or null when llama.cpp would abort on it.</summary>
    public int[]? Tokenize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return [];
        byte[] joined = new byte[s_markers.Max(m => m.Length) + utf8.Length];
        for (int i = 0; i < s_markers.Length; i++)
        {
            if (_alone[i] is not int[] alone) continue;
            byte[] marker = s_markers[i];
            marker.CopyTo(joined, 0);
            utf8.CopyTo(joined.AsSpan(marker.Length));
            int[]? tokens = AtStart(joined.AsSpan(0, marker.Length + utf8.Length));
            if (tokens is null) return null;
            if (tokens.Length >= alone.Length && tokens.AsSpan(0, alone.Length).SequenceEqual(alone)) return tokens[alone.Length..];
        }
        return AtStart(utf8);
    }

    /// <summary>The tokens of <paramref name="utf8"/> at the start of a text (plain tokenization, no BOS), or null when llama.cpp would abort on it.</summary>
    public int[]? AtStart(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return [];
        return _vocabulary.CanTokenize(utf8) ? _vocabulary.Tokenize(utf8, addSpecial: false, _parseSpecial) : null;
    }
}
