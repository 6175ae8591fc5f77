using System.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>One token of a published tokenizer file, as far as its format says.</summary>
/// <param name="Bytes">What it decodes to (a control token: its text).</param>
/// <param name="Text">Its spelling.</param>
/// <param name="Attributes">Its type, where the format has one (else normal).</param>
/// <param name="Score">Its score, where the format has one (else 0).</param>
internal sealed record PublishedToken(byte[] Bytes, string Text, TokenAttributes Attributes, float Score = 0);

/// <summary>
/// A vocabulary read from a published tokenizer file (tiktoken, vocab.json + merges.txt, SentencePiece
/// .model): a table of its tokens, and a Microsoft.ML.Tokenizers tokenizer — one that leaves
/// special-token text as text and one that parses it. Ids no token has are unused, with no bytes.
/// </summary>
internal sealed class PublishedVocabulary : ITokenVocabulary
{
    private readonly PublishedToken?[] _tokens;
    private readonly Func<string, bool, IReadOnlyList<int>> _encode;

    /// <param name="tokens">Tokens by id; null where no token has the id.</param>
    /// <param name="encode">Tokenizes text; the flag says whether special-token text becomes special tokens.</param>
    public PublishedVocabulary(PublishedToken?[] tokens, Func<string, bool, IReadOnlyList<int>> encode)
    {
        _tokens = tokens;
        _encode = encode;
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
        [.. _encode(Encoding.UTF8.GetString(utf8), parseSpecial)];

    private int Check(int token) =>
        (uint)token < (uint)_tokens.Length ? token : throw new InputException($"token id {token} is outside the vocabulary [0, {_tokens.Length})");
}
