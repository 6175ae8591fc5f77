using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>
/// One row of audit.csv: the static facts of one vocabulary entry. The piece, hex, length, UTF-8
/// status and category are derived (from <see cref="Bytes"/> and the other facts), so a row cannot
/// contradict itself. Equality compares contents.
/// </summary>
public sealed record AuditRecord
{
    public required int TokenId { get; init; }

    /// <summary>The bytes the token renders to (control tokens render their text).</summary>
    public required ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>Printable one-line rendering of <see cref="Bytes"/> (<see cref="PieceText.Escape"/>).</summary>
    public string Piece => PieceText.Escape(Bytes.Span);

    /// <summary>Lowercase hex of <see cref="Bytes"/>.</summary>
    public string BytesHex => PieceText.ToHex(Bytes.Span);

    /// <summary>The vocabulary's own spelling (the GGUF token string, e.g. "▁the", "Ġthe", "&lt;0x0A&gt;").</summary>
    public required string Text { get; init; }

    /// <summary>The token type (from llama.cpp's attributes).</summary>
    public required TokenType TokenType { get; init; }

    /// <summary>llama.cpp's attribute flags joined by '|', e.g. "control|rstrip" (empty for none).</summary>
    public required string Attributes { get; init; }

    /// <summary>The vocabulary's score (merge rank or log-probability, depending on the tokenizer).</summary>
    public required float Score { get; init; }

    public int ByteLength => Bytes.Length;

    /// <summary>Whether the bytes are UTF-8 on their own.</summary>
    public Utf8Status Utf8 => PieceText.ClassifyUtf8(Bytes.Span);

    /// <summary>Whether tokenizing the token's own bytes (as a continuation of text) gives exactly [<see cref="TokenId"/>].</summary>
    public required bool RoundTrip { get; init; }

    /// <summary>What the round trip gave when it was not [<see cref="TokenId"/>]; empty when <see cref="RoundTrip"/>.</summary>
    public required IReadOnlyList<int> RoundTripIds { get; init; }

    /// <summary>Whether some tried text produces the token (the round trip or a neighbour context).</summary>
    public required bool Reachable { get; init; }

    /// <summary>
    /// How it was reached: "roundtrip", a context such as "a{}" or "\xE2{}\x99" ({} stands for the
    /// token's bytes; a leading ^ means at the start of the text), "unknown-char:…" for the unknown
    /// token; empty when unreachable.
    /// </summary>
    public required string ReachableVia { get; init; }

    /// <summary>Another id with identical (non-empty) bytes: the smallest such id, or null.</summary>
    public int? DuplicateOf { get; init; }

    /// <summary>The category (<see cref="TokenCategories.Classify"/>).</summary>
    public TokenCategory Category => TokenCategories.Classify(TokenType, Text, Utf8, Reachable);

    /// <summary>
    /// Each record's category as Magikarp's tables count it (<see cref="MagikarpCategories.Classify"/>),
    /// in order: it depends on the whole vocabulary (are its single bytes its byte tokens?).
    /// </summary>
    public static MagikarpCategory[] MagikarpCategoriesOf(IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        TokenCategory[] fine = [.. records.Select(r => r.Category)];
        bool singleBytes = MagikarpCategories.SingleBytesAreBytes(fine);
        return [.. records.Select((r, i) => MagikarpCategories.Classify(fine[i], r.ByteLength, singleBytes))];
    }

    /// <inheritdoc/>
    public bool Equals(AuditRecord? other) =>
        other is not null
        && TokenId == other.TokenId
        && Bytes.Span.SequenceEqual(other.Bytes.Span)
        && Text == other.Text
        && TokenType == other.TokenType
        && Attributes == other.Attributes
        && Score.Equals(other.Score)
        && RoundTrip == other.RoundTrip
        && RoundTripIds.SequenceEqual(other.RoundTripIds)
        && Reachable == other.Reachable
        && ReachableVia == other.ReachableVia
        && DuplicateOf == other.DuplicateOf;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TokenId, Text, TokenType, Reachable);
}
