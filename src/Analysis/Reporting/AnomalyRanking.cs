using System.Globalization;
using AnomalyProbe.Analysis.Geometry;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>A line of a "most anomalous" table: one token, or tied tokens that look alike, collapsed.</summary>
/// <param name="Tokens">The tokens, in ranking order (at least one).</param>
public sealed record AnomalousGroup(IReadOnlyList<TokenRow> Tokens)
{
    /// <summary>The group's first token (the one its numbers come from).</summary>
    public TokenRow First => Tokens[0];
}

/// <summary>
/// The order of the "most anomalous" tables. The lowest repeat_prob first; tokens that tie there
/// (to 3 significant digits — byte tokens of a small model often do, by the dozen) are ordered by
/// the rest of the evidence: a greedy answer that does not even spell the token, the T → 0⁻
/// harvest's hits, the probes' argmin hits, then the Magikarp indicator (lower = nearer the
/// untrained reference). Tied tokens of one type that said the same thing are one line (at the first one's place),
/// so ten byte tokens all answering "mant" take one line, not ten.
/// </summary>
public static class AnomalyRanking
{
    /// <summary>The first <paramref name="count"/> lines.</summary>
    public static IReadOnlyList<AnomalousGroup> Top(IEnumerable<TokenRow> rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ordered = rows
            .OrderBy(r => Rounded(r.RepeatProb))
            .ThenBy(r => r.TextRepeated)
            .ThenByDescending(r => r.NegTempHits)
            .ThenByDescending(r => r.ArgminHits)
            .ThenBy(r => r.Extra(MagikarpIndicator.Column) ?? double.PositiveInfinity)
            .ThenBy(r => r.TokenId);
        // Alike tokens join the line of the first of them in the ranking.
        var lines = new List<List<TokenRow>>();
        var byLook = new Dictionary<(double, Tokens.TokenType, string, bool), List<TokenRow>>();
        foreach (TokenRow row in ordered)
        {
            var look = (Rounded(row.RepeatProb), row.TokenType, row.GreedyAnswer, row.TextRepeated);
            if (byLook.TryGetValue(look, out var line))
            {
                line.Add(row);
                continue;
            }
            if (lines.Count == count) continue; // later rows may still join a listed line
            byLook[look] = line = [row];
            lines.Add(line);
        }
        return lines.Select(l => new AnomalousGroup(l)).ToList();
    }

    /// <summary>The ids of a group: all of them when few, else the first ones and the count.</summary>
    public static string Ids(AnomalousGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ids = group.Tokens.Select(t => t.TokenId.ToString(CultureInfo.InvariantCulture)).ToList();
        return ids.Count <= 3 ? string.Join(", ", ids) : $"{ids[0]}, {ids[1]}, … {ids[^1]} ({ids.Count} tokens)";
    }

    private static double Rounded(double p) => double.Parse(p.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
