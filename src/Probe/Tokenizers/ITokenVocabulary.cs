using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// What the tokenizer audit and comparison need of a vocabulary, whatever its format: ids, the bytes
/// and spelling of each, its attributes and score, and a tokenizer. A GGUF file's is llama.cpp's own
/// (<see cref="Native.Vocabulary"/>); published formats (<see cref="Sources.PublishedVocabulary"/>) are read
/// by Microsoft.ML.Tokenizers. Implementations are thread-safe.
/// </summary>
public interface ITokenVocabulary
{
    /// <summary>Number of token ids (0 … Count−1).</summary>
    int Count { get; }

    /// <summary>The vocabulary's own spelling of a token ("Ġthe", "▁the", "&lt;0x0A&gt;", or the text of its bytes).</summary>
    string GetText(int token);

    /// <summary>The token's score (merge rank or log-probability; 0 where the format has none).</summary>
    float GetScore(int token);

    /// <summary>Its attributes (normal, control, byte, …).</summary>
    TokenAttributes GetAttributes(int token);

    /// <summary>The bytes a token renders to; <paramref name="special"/> renders control tokens' text too.</summary>
    byte[] TokenToPiece(int token, bool special = false);

    /// <summary>Whether <see cref="Tokenize"/> can take <paramref name="utf8"/> (false where the tokenizer would abort on it).</summary>
    bool CanTokenize(ReadOnlySpan<byte> utf8);

    /// <summary>
    /// Tokenizes UTF-8 bytes. <paramref name="addSpecial"/> adds BOS/EOS as the vocabulary is configured to;
    /// <paramref name="parseSpecial"/> lets control-token text become control tokens.
    /// </summary>
    int[] Tokenize(ReadOnlySpan<byte> utf8, bool addSpecial, bool parseSpecial = false);
}
