using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// One row of tokens.csv: a token and what the scan measured for it. The piece text and the
/// best-template columns are derived (from <see cref="Bytes"/> and from
/// <see cref="Templates"/>[<see cref="BestTemplate"/>]), so a row cannot contradict itself.
/// Equality compares contents, collections included.
/// </summary>
public sealed record TokenRow
{
    private static readonly IReadOnlyDictionary<string, double?> NoExtras = new Dictionary<string, double?>();

    public required int TokenId { get; init; }

    /// <summary>The token's raw bytes.</summary>
    public required ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>Printable one-line rendering of <see cref="Bytes"/> (<see cref="PieceText.Escape"/>).</summary>
    public string Piece => PieceText.Escape(Bytes.Span);

    /// <summary>Lowercase hex of <see cref="Bytes"/>: the lossless form.</summary>
    public string BytesHex => PieceText.ToHex(Bytes.Span);

    /// <summary>Token type as the vocabulary says: normal, byte, control, unused, user_defined, unknown, undefined.</summary>
    public required TokenType TokenType { get; init; }

    /// <summary>Whether the tokenizer can produce the token from text (as the scan determined).</summary>
    public required bool Reachable { get; init; }

    /// <summary>Name of the template with the highest repeat probability; a key of <see cref="Templates"/>.</summary>
    public required string BestTemplate { get; init; }

    /// <summary>Repeat probability under the best template.</summary>
    public double RepeatProb => Best.RepeatProb;

    /// <summary>Rank under the best template (1 = top).</summary>
    public int RepeatRank => Best.RepeatRank;

    /// <summary>Greedy answer under the best template.</summary>
    public string GreedyAnswer => Best.GreedyAnswer;

    /// <summary>Whether the greedy answer under the best template spells the token's text (with any ids).</summary>
    public bool TextRepeated => Best.TextRepeated;

    /// <summary>The share of sampled answers under the best template that spell the token's text.</summary>
    public double RepeatRate => Best.RepeatRate;

    /// <summary>Whether the token failed (repeat probability below the run's threshold).</summary>
    public required bool Failed { get; init; }

    /// <summary>Argmin token id at the answer position under the best template: the T → 0⁻ answer.</summary>
    public required int NegAnswer { get; init; }

    /// <summary>How many probes, over all templates, had this token as their argmin.</summary>
    public required int ArgminHits { get; init; }

    /// <summary>How often the token was emitted in the T → 0⁻ harvest.</summary>
    public required int NegTempHits { get; init; }

    /// <summary>Results per template name; every template of the table must be present.</summary>
    public required IReadOnlyDictionary<string, TemplateResult> Templates { get; init; }

    /// <summary>
    /// Extra numeric columns by name (e.g. embedding_norm); a missing key and a null value both mean
    /// an empty cell.
    /// </summary>
    public IReadOnlyDictionary<string, double?> Extras { get; init; } = NoExtras;

    private TemplateResult Best => Templates.TryGetValue(BestTemplate, out var best)
        ? best
        : throw new InvalidOperationException($"Token {TokenId}: best template '{BestTemplate}' has no results.");

    /// <summary>The value of an extra column, null when absent or empty.</summary>
    public double? Extra(string column) => Extras.TryGetValue(column, out double? value) ? value : null;

    /// <inheritdoc/>
    public bool Equals(TokenRow? other) =>
        other is not null
        && TokenId == other.TokenId
        && Bytes.Span.SequenceEqual(other.Bytes.Span)
        && TokenType == other.TokenType
        && Reachable == other.Reachable
        && BestTemplate == other.BestTemplate
        && Failed == other.Failed
        && NegAnswer == other.NegAnswer
        && ArgminHits == other.ArgminHits
        && NegTempHits == other.NegTempHits
        && Templates.Count == other.Templates.Count
        && Templates.All(t => other.Templates.TryGetValue(t.Key, out var o) && t.Value == o)
        && Extras.Keys.Union(other.Extras.Keys).All(k => Extra(k) == other.Extra(k));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TokenId, TokenType, BestTemplate, Templates.Count);
}
