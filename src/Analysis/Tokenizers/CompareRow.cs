using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>How a matched piece fares between vocabulary A and vocabulary B.</summary>
public enum MatchStatus
{
    /// <summary>In both, with the same id.</summary>
    SharedSameId,
    /// <summary>In both, under different ids.</summary>
    SharedMoved,
    /// <summary>Only in A (removed in B).</summary>
    OnlyA,
    /// <summary>Only in B (added in B).</summary>
    OnlyB,
}

/// <summary>What a scan (tokens.csv) said about one token.</summary>
/// <param name="Failed">Whether the token failed the repeat probes.</param>
/// <param name="RepeatProb">Its best template's repeat probability.</param>
public readonly record struct ScanValue(bool Failed, double RepeatProb);

/// <summary>One side (A or B) of a compare.csv row.</summary>
/// <param name="Id">Token id in that vocabulary.</param>
/// <param name="Text">That vocabulary's spelling.</param>
/// <param name="TokenType">Its token type.</param>
/// <param name="Category">Its audit category.</param>
/// <param name="Scan">The scan's result for it, when a scan was given and covered it.</param>
public sealed record CompareSide(int Id, string Text, TokenType TokenType, TokenCategory Category, ScanValue? Scan = null)
{
    /// <summary>The side of an entry, without scan results.</summary>
    public static CompareSide From(VocabularyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CompareSide(entry.Id, entry.Text, entry.TokenType, entry.Category);
    }
}

/// <summary>
/// One row of compare.csv: a matched piece and its token in A and/or B. The status is derived from
/// which sides are present and their ids, so a row cannot contradict itself.
/// </summary>
public sealed record CompareRow
{
    /// <summary>The bytes of the piece (A's when A has it, else B's).</summary>
    public required ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>The token in A, or null.</summary>
    public CompareSide? A { get; init; }

    /// <summary>The token in B, or null.</summary>
    public CompareSide? B { get; init; }

    /// <summary>Whether several ids of A, or several of B, decode to these bytes (duplicates within a vocabulary).</summary>
    public bool Collision { get; init; }

    /// <summary>
    /// For a shared piece, whether B's token decodes to other bytes than A's (possible only when
    /// matched by vocabulary text: the same spelling, a different meaning); false otherwise.
    /// </summary>
    public bool BytesChanged { get; init; }

    /// <summary>
    /// What changed for a shared piece: "none", "id" (moved: same bytes, other id), "bytes" (same id
    /// and text, other bytes) or "id+bytes"; "" when the piece is in one vocabulary only.
    /// </summary>
    public string Change => A is null || B is null ? ""
        : (A.Id != B.Id, BytesChanged) switch
        {
            (false, false) => "none",
            (true, false) => "id",
            (false, true) => "bytes",
            (true, true) => "id+bytes",
        };

    /// <summary>Printable one-line rendering of <see cref="Bytes"/>.</summary>
    public string Piece => PieceText.Escape(Bytes.Span);

    /// <summary>Lowercase hex of <see cref="Bytes"/>.</summary>
    public string BytesHex => PieceText.ToHex(Bytes.Span);

    /// <summary>The row's status.</summary>
    /// <exception cref="InvalidOperationException">Neither side is present.</exception>
    public MatchStatus Status => (A, B) switch
    {
        (not null, not null) => A.Id == B.Id ? MatchStatus.SharedSameId : MatchStatus.SharedMoved,
        (not null, null) => MatchStatus.OnlyA,
        (null, not null) => MatchStatus.OnlyB,
        _ => throw new InvalidOperationException("a compare row needs at least one side"),
    };

    /// <summary>The name written in compare.csv: shared-same-id, shared-moved, only-a, only-b.</summary>
    public static string StatusName(MatchStatus status) => status switch
    {
        MatchStatus.SharedSameId => "shared-same-id",
        MatchStatus.SharedMoved => "shared-moved",
        MatchStatus.OnlyA => "only-a",
        MatchStatus.OnlyB => "only-b",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };

    /// <inheritdoc/>
    public bool Equals(CompareRow? other) =>
        other is not null && Bytes.Span.SequenceEqual(other.Bytes.Span) && A == other.A && B == other.B && Collision == other.Collision
        && BytesChanged == other.BytesChanged;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(A, B, Collision);
}
