using System.Text;
using AnomalyProbe.Analysis.Tokens;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>One token of a published tokenizer file, as far as its format says.</summary>
/// <param name="Bytes">What it decodes to (a control token: its text).</param>
/// <param name="Text">Its spelling.</param>
/// <param name="Attributes">Its type, where the format has one (else normal).</param>
/// <param name="Score">Its score, where the format has one (else 0).</param>
internal sealed record PublishedToken(byte[] Bytes, string Text, TokenAttributes Attributes, float Score = 0);

/// <summary>
/// A vocabulary read from a published tokenizer file (tiktoken, vocab.json + merges.txt, SentencePiece
/// .model): a table of its tokens, and Microsoft.ML.Tokenizers tokenizers — one that leaves
/// special-token text as text and, made when first asked for (building one reads the whole file
/// again), one that parses it. Ids no token has are unused, with no bytes.
/// </summary>
internal sealed class PublishedVocabulary : ITokenVocabulary
{
    private readonly PublishedToken?[] _tokens;
    private readonly Tokenizer _ordinary;
    private readonly Lazy<Tokenizer> _withSpecial;

    /// <param name="tokens">Tokens by id; null where no token has the id.</param>
    /// <param name="ordinary">Tokenizes special-token text as text (adding nothing at the ends).</param>
    /// <param name="withSpecial">Makes the tokenizer that turns special-token text into special tokens; null = the format has none.</param>
    public PublishedVocabulary(PublishedToken?[] tokens, Tokenizer ordinary, Func<Tokenizer>? withSpecial)
    {
        _tokens = tokens;
        _ordinary = ordinary;
        _withSpecial = new Lazy<Tokenizer>(withSpecial ?? (() => ordinary));
        UnassignedIds = tokens.Count(t => t is null);
    }

    /// <summary>Ids no token has.</summary>
    public int UnassignedIds { get; }

    /// <inheritdoc/>
    public int Count => _tokens.Length;

    /// <inheritdoc/>
    public string GetText(int token) => _tokens[Check(token)]?.Text ?? "";

    /// <inheritdoc/>
    public float GetScore(int token) => _tokens[Check(token)]?.Score ?? 0;

    /// <inheritdoc/>
    public TokenAttributes GetAttributes(int token) => _tokens[Check(token)]?.Attributes ?? TokenAttributes.Unused;

    /// <inheritdoc/>
    public byte[] TokenToPiece(int token, bool special = false) => _tokens[Check(token)] switch
    {
        null => [],
        { Attributes: TokenAttributes.Control } when !special => [],
        { } t => (byte[])t.Bytes.Clone(),
    };

    /// <inheritdoc/>
    public bool CanTokenize(ReadOnlySpan<byte> utf8) => true;

    /// <summary>
    /// Tokenizes the text (invalid UTF-8 becomes U+FFFD: the library takes strings). Nothing is added
    /// at the ends: the audit and comparison never ask for BOS/EOS.
    /// </summary>
    public int[] Tokenize(ReadOnlySpan<byte> utf8, bool addSpecial, bool parseSpecial = false) =>
        [.. (parseSpecial ? _withSpecial.Value : _ordinary).EncodeToIds(Encoding.UTF8.GetString(utf8), considerPreTokenization: true, considerNormalization: true)];

    private int Check(int token) =>
        (uint)token < (uint)_tokens.Length ? token : throw new InputException($"token id {token} is outside the vocabulary [0, {_tokens.Length})");
}
