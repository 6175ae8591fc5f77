using System.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

/// <summary>Small hand-made vocabularies in the two spelling conventions.</summary>
internal static class TokenizerSamples
{
    public static VocabularyEntry Entry(int id, string text, string bytes, string type = "normal", TokenCategory category = TokenCategory.Normal) =>
        new(id, text, Encoding.UTF8.GetBytes(bytes), TypeNamed(type), category);

    public static VocabularyEntry Entry(int id, string text, byte[] bytes, string type = "normal", TokenCategory category = TokenCategory.Normal) =>
        new(id, text, bytes, TypeNamed(type), category);

    /// <summary>A token type by its CSV name ("normal", "byte", "user_defined", ...).</summary>
    public static TokenType TypeNamed(string name) => TokenTypes.TryParse(name, out TokenType t) ? t : throw new ArgumentException($"no token type '{name}'", nameof(name));

    /// <summary>llama.cpp attributes that make a token of that type.</summary>
    public static TokenAttributes AttributesOf(string type) => TypeNamed(type) switch
    {
        TokenType.Normal => TokenAttributes.Normal,
        TokenType.Byte => TokenAttributes.Byte,
        TokenType.Control => TokenAttributes.Control,
        TokenType.Unknown => TokenAttributes.Unknown,
        TokenType.Unused => TokenAttributes.Unused,
        TokenType.UserDefined => TokenAttributes.UserDefined,
        _ => TokenAttributes.None,
    };

    /// <summary>A SentencePiece-style vocabulary: ▁ for a space, &lt;0xNN&gt; byte tokens.</summary>
    public static List<VocabularyEntry> Spm() =>
    [
        Entry(0, "<unk>", "<unk>", "unknown", TokenCategory.Special),
        Entry(1, "<s>", "<s>", "control", TokenCategory.Special),
        Entry(2, "<0x41>", "A", "byte", TokenCategory.ByteFallback),
        Entry(3, "<0x0A>", "\n", "byte", TokenCategory.ByteFallback),
        Entry(4, "▁the", " the"),
        Entry(5, "▁cat", " cat"),
        Entry(6, "A", "A"),
        Entry(7, "ing", "ing"),
    ];

    /// <summary>A byte-level-BPE-style vocabulary: Ġ for a space, Ċ for a newline.</summary>
    public static List<VocabularyEntry> Bpe() =>
    [
        Entry(0, "A", "A"),
        Entry(1, "Ċ", "\n"),
        Entry(2, "Ġthe", " the"),
        Entry(3, "ing", "ing"),
        Entry(4, "Ġdog", " dog"),
        Entry(5, "<|endoftext|>", "<|endoftext|>", "control", TokenCategory.Special),
    ];
}
