using System.Globalization;
using AnomalyProbe.Analysis.Tokens;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>
/// A SentencePiece <c>.model</c> file, read and tokenized by Microsoft.ML.Tokenizers'
/// <see cref="SentencePieceTokenizer"/>. The library exposes each piece's id and spelling, the
/// unknown, BOS and EOS ids and whether byte fallback is on — not the pieces' scores or their other
/// types — so: &lt;unk&gt; is unknown, BOS/EOS control, &lt;0xNN&gt; pieces bytes (with byte
/// fallback), every other piece normal; scores are 0. Bytes: the piece with ▁ as a space.
/// </summary>
internal static class SentencePieceSource
{
    /// <summary>Reads the model; also says whether it removes extra whitespace (spm_train's default normalization).</summary>
    public static (PublishedVocabulary Vocabulary, bool RemovesExtraWhitespace) Open(string path)
    {
        SentencePieceTokenizer ordinary = Create(path, null);
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, id) in new[] { (ordinary.BeginningOfSentenceToken, ordinary.BeginningOfSentenceId), (ordinary.EndOfSentenceToken, ordinary.EndOfSentenceId) })
        {
            if (id >= 0 && text is not null) special[text] = id;
        }

        IReadOnlyDictionary<string, int> vocabulary = ordinary.Vocabulary;
        if (vocabulary.Count == 0) throw new InputException($"'{path}' holds no pieces");
        var tokens = new PublishedToken?[vocabulary.Values.Max() + 1];
        foreach (var (piece, id) in vocabulary)
        {
            TokenAttributes type = id == ordinary.UnknownId ? TokenAttributes.Unknown
                : special.ContainsValue(id) ? TokenAttributes.Control
                : ordinary.ByteFallback && ByteOf(piece) is not null ? TokenAttributes.Byte
                : TokenAttributes.Normal;
            byte[] bytes = type == TokenAttributes.Byte ? [ByteOf(piece)!.Value]
                : System.Text.Encoding.UTF8.GetBytes(ordinary.EscapeWhiteSpaces && type == TokenAttributes.Normal ? piece.Replace('\u2581', ' ') : piece);
            tokens[id] = new PublishedToken(bytes, piece, type);
        }
        // Created without BOS/EOS, so encoding adds nothing at the ends.
        var vocabularyOut = new PublishedVocabulary(tokens, ordinary, special.Count == 0 ? null : () => Create(path, special));
        return (vocabularyOut, ordinary.Normalizer is SentencePieceNormalizer { RemoveExtraWhiteSpaces: true });
    }

    private static SentencePieceTokenizer Create(string path, IReadOnlyDictionary<string, int>? special)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return SentencePieceTokenizer.Create(stream, false, false, special);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException and not OutOfMemoryException)
        {
            // Google.Protobuf's and the library's own refusals of a file that is not a model.
            throw new InputException($"'{path}' is not a SentencePiece model Microsoft.ML.Tokenizers can read: {e.Message}", e);
        }
    }

    private static byte? ByteOf(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
        && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b) ? b : null;
}
