using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>What the comparison knows of one token of one vocabulary.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Text">The vocabulary's spelling (the GGUF token string; unique within a vocabulary).</param>
/// <param name="Bytes">The bytes it decodes to (control tokens: their text).</param>
/// <param name="TokenType">Its token type.</param>
/// <param name="Category">Its audit category.</param>
public sealed record VocabularyEntry(int Id, string Text, ReadOnlyMemory<byte> Bytes, TokenType TokenType, TokenCategory Category)
{
    /// <summary>The entry for an audited token.</summary>
    public static VocabularyEntry From(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new VocabularyEntry(record.TokenId, record.Text, record.Bytes, record.TokenType, record.Category);
    }

    /// <inheritdoc/>
    public bool Equals(VocabularyEntry? other) =>
        other is not null && Id == other.Id && Text == other.Text && Bytes.Span.SequenceEqual(other.Bytes.Span)
        && TokenType == other.TokenType && Category == other.Category;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Text, TokenType, Category);
}
