using System.Globalization;
using System.Text;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>What two vocabularies' tokens are matched by.</summary>
public enum MatchKey
{
    /// <summary>The vocabulary text (the GGUF token string).</summary>
    Text,
    /// <summary>The decoded bytes.</summary>
    Bytes,
}

/// <summary>
/// Do the two vocabularies spell the same bytes the same way? The evidence behind the choice of
/// <see cref="MatchKey"/>.
/// </summary>
/// <param name="SpaceMarkA">How A spells a word-initial space (e.g. "▁", "Ġ", " "), or null when it has no such token.</param>
/// <param name="SpaceMarkB">The same for B.</param>
/// <param name="SharedByteStrings">Distinct non-empty byte strings that both vocabularies contain.</param>
/// <param name="SpelledAlike">Of those, the ones with a spelling (vocabulary text) in common.</param>
public sealed record SpellingCheck(string? SpaceMarkA, string? SpaceMarkB, int SharedByteStrings, int SpelledAlike)
{
    /// <summary>Share of the shared byte strings spelled alike (1 when there are none).</summary>
    public double Agreement => SharedByteStrings == 0 ? 1 : SpelledAlike / (double)SharedByteStrings;

    /// <summary>Whether both vocabularies have a space mark and the marks differ.</summary>
    public bool SpaceMarksDiffer => SpaceMarkA is not null && SpaceMarkB is not null && SpaceMarkA != SpaceMarkB;
}

/// <summary>The result of matching two vocabularies.</summary>
public sealed record VocabularyDiff
{
    /// <summary>What the tokens were matched by.</summary>
    public required MatchKey Key { get; init; }

    public required SpellingCheck Spelling { get; init; }

    /// <summary>Why <see cref="Key"/> was chosen, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>Number of tokens in A.</summary>
    public required int SizeA { get; init; }

    /// <summary>Number of tokens in B.</summary>
    public required int SizeB { get; init; }

    /// <summary>One row per matched piece: A's ids in order (with their B partner), then B's unmatched ids in order.</summary>
    public required IReadOnlyList<CompareRow> Rows { get; init; }

    /// <summary>Text-matched pairs whose decoded bytes differ between A and B (0 in byte mode).</summary>
    public int SharedWithDifferentBytes => Rows.Count(r => r.BytesChanged);

    /// <summary>Shared pieces by what changed (<see cref="CompareRow.Change"/>): none, id, bytes, id+bytes.</summary>
    public int CountChange(string change) => Rows.Count(r => r.Change == change);

    public int Count(MatchStatus status) => Rows.Count(r => r.Status == status);

    /// <summary>Tokens of A or B in a row whose bytes several ids of the same vocabulary decode to.</summary>
    public int CollisionRows => Rows.Count(r => r.Collision);
}

/// <summary>
/// Matches the tokens of two vocabularies, by vocabulary text or by decoded bytes.
/// <para><b>Matching rule.</b> Tokens are matched by their vocabulary text (the GGUF token string,
/// unique within a vocabulary) when the two vocabularies spell bytes the same way; otherwise by
/// the bytes they decode to. They are taken to spell differently when (1) both have word-initial
/// space tokens and mark the space differently — the most common first character of the text of
/// normal tokens that decode to a space followed by an ASCII letter: "▁" for SentencePiece (and
/// llama.cpp's WordPiece/Unigram conversions), "Ġ" for byte-level BPE — or (2) fewer than
/// <see cref="MinAgreement"/> of the distinct byte strings both vocabularies contain have a
/// spelling in common (this catches any other convention: "&lt;0x41&gt;" byte tokens, Ċ for newline,
/// normalised forms). The decision and its evidence are reported.</para>
/// <para><b>Pairing.</b> Within one key, A's and B's tokens are paired: same id first, then same
/// text, then same token type, then in id order. Several ids of one vocabulary with the same key
/// (in byte mode: a byte-fallback &lt;0x41&gt; and a normal "A"; the same bytes as a control and a
/// normal token) are all kept, each paired or left as only-a/only-b, and flagged as a collision.
/// In byte mode, tokens that decode to nothing are matched by text; ids with neither bytes nor text
/// (unassigned ids of a tiktoken encoding) by id.</para>
/// <para>Every id of A lands in exactly one row with an A side, every id of B in exactly one row
/// with a B side: shared + only-a = size of A, shared + only-b = size of B.</para>
/// </summary>
public static class VocabularyMatcher
{
    /// <summary>The share of shared byte strings that must be spelled alike for text matching.</summary>
    public const double MinAgreement = 0.99;

    /// <summary>Measures how the two vocabularies spell bytes.</summary>
    public static SpellingCheck CheckSpelling(IReadOnlyList<VocabularyEntry> a, IReadOnlyList<VocabularyEntry> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Dictionary<string, HashSet<string>> spellingsA = SpellingsByBytes(a), spellingsB = SpellingsByBytes(b);
        int shared = 0, alike = 0;
        foreach (var (bytes, textsA) in spellingsA)
        {
            if (!spellingsB.TryGetValue(bytes, out var textsB)) continue;
            shared++;
            if (textsA.Overlaps(textsB)) alike++;
        }
        return new SpellingCheck(SpaceMark(a), SpaceMark(b), shared, alike);
    }

    /// <summary>The key the matching rule chooses, with the reason in words.</summary>
    public static (MatchKey Key, string Reason) ChooseKey(SpellingCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        string agreement = $"{(check.Agreement * 100).ToString("F2", CultureInfo.InvariantCulture)}% of the {check.SharedByteStrings.ToString("N0", CultureInfo.InvariantCulture)} byte strings both contain are spelled alike";
        if (check.SpaceMarksDiffer)
        {
            return (MatchKey.Bytes, $"the vocabularies mark a word-initial space differently ('{check.SpaceMarkA}' vs '{check.SpaceMarkB}'); {agreement}");
        }
        if (check.Agreement < MinAgreement)
        {
            return (MatchKey.Bytes, $"only {agreement} (text matching needs {(MinAgreement * 100).ToString("F0", CultureInfo.InvariantCulture)}%)");
        }
        return (MatchKey.Text, $"same spelling convention (space mark '{check.SpaceMarkA ?? "-"}' / '{check.SpaceMarkB ?? "-"}'); {agreement}");
    }

    /// <summary>Matches A against B, by the key the rule chooses unless <paramref name="key"/> forces one.</summary>
    public static VocabularyDiff Match(IReadOnlyList<VocabularyEntry> a, IReadOnlyList<VocabularyEntry> b, MatchKey? key = null)
    {
        SpellingCheck check = CheckSpelling(a, b);
        var (chosen, reason) = key is MatchKey forced ? (forced, "forced by the caller") : ChooseKey(check);

        var groupsA = Group(a, chosen);
        var groupsB = Group(b, chosen);
        var rows = new List<CompareRow>(Math.Max(a.Count, b.Count));
        foreach (var (k, listA) in groupsA)
        {
            var listB = groupsB.GetValueOrDefault(k) ?? [];
            bool collision = listA.Count > 1 || listB.Count > 1;
            foreach (var (ea, eb) in Pair(listA, listB)) rows.Add(Row(ea, eb, collision));
        }
        foreach (var (k, listB) in groupsB)
        {
            if (groupsA.ContainsKey(k)) continue;
            bool collision = listB.Count > 1;
            foreach (VocabularyEntry eb in listB) rows.Add(Row(null, eb, collision));
        }
        rows.Sort(RowOrder);
        return new VocabularyDiff
        {
            Key = chosen,
            Spelling = check,
            Reason = reason,
            SizeA = a.Count,
            SizeB = b.Count,
            Rows = rows,
        };
    }

    /// <summary>Adds the scans' results to the rows' sides (a side whose id the scan lacks gets none).</summary>
    public static IReadOnlyList<CompareRow> WithScans(IReadOnlyList<CompareRow> rows, ScanResults? scanA, ScanResults? scanB)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(r => r with
        {
            A = r.A is { } sa && scanA is not null ? sa with { Scan = scanA.Find(sa.Id) } : r.A,
            B = r.B is { } sb && scanB is not null ? sb with { Scan = scanB.Find(sb.Id) } : r.B,
        }).ToList();
    }

    // A's rows in A's id order, then B-only rows in B's id order.
    private static int RowOrder(CompareRow x, CompareRow y)
    {
        int c = (x.A?.Id ?? int.MaxValue).CompareTo(y.A?.Id ?? int.MaxValue);
        return c != 0 ? c : (x.B?.Id ?? int.MaxValue).CompareTo(y.B?.Id ?? int.MaxValue);
    }

    private static CompareRow Row(VocabularyEntry? a, VocabularyEntry? b, bool collision) => new()
    {
        Bytes = (a ?? b)!.Bytes,
        A = a is null ? null : CompareSide.From(a),
        B = b is null ? null : CompareSide.From(b),
        Collision = collision,
        BytesChanged = a is not null && b is not null && !a.Bytes.Span.SequenceEqual(b.Bytes.Span),
    };

    private static Dictionary<string, List<VocabularyEntry>> Group(IReadOnlyList<VocabularyEntry> entries, MatchKey key)
    {
        var groups = new Dictionary<string, List<VocabularyEntry>>(entries.Count, StringComparer.Ordinal);
        foreach (VocabularyEntry e in entries.OrderBy(e => e.Id))
        {
            // Text keys and byte keys live in separate name spaces ("t" / "b" prefix); an id with
            // neither (an unassigned tiktoken id) is matched by id ("i").
            string k = e.Bytes.IsEmpty && e.Text.Length == 0 ? "i" + e.Id.ToString(CultureInfo.InvariantCulture)
                : key == MatchKey.Bytes && !e.Bytes.IsEmpty ? "b" + PieceText.ToHex(e.Bytes.Span) : "t" + e.Text;
            if (!groups.TryGetValue(k, out var list)) groups[k] = list = [];
            list.Add(e);
        }
        return groups;
    }

    /// <summary>Pairs two lists with the same key: same id, then same text, then same type, then in order.</summary>
    private static IEnumerable<(VocabularyEntry? A, VocabularyEntry? B)> Pair(List<VocabularyEntry> a, List<VocabularyEntry> b)
    {
        if (a.Count == 1 && b.Count <= 1)
        {
            yield return (a[0], b.Count == 1 ? b[0] : null);
            yield break;
        }
        var restA = new List<VocabularyEntry>(a);
        var restB = new List<VocabularyEntry>(b);
        var pairs = new List<(VocabularyEntry, VocabularyEntry)>();
        foreach (Func<VocabularyEntry, VocabularyEntry, bool> same in new Func<VocabularyEntry, VocabularyEntry, bool>[]
        {
            static (x, y) => x.Id == y.Id,
            static (x, y) => x.Text == y.Text,
            static (x, y) => x.TokenType == y.TokenType,
            static (_, _) => true,
        })
        {
            for (int i = 0; i < restA.Count; i++)
            {
                int j = restB.FindIndex(y => same(restA[i], y));
                if (j < 0) continue;
                pairs.Add((restA[i], restB[j]));
                restA.RemoveAt(i--);
                restB.RemoveAt(j);
            }
        }
        foreach (var (x, y) in pairs) yield return (x, y);
        foreach (VocabularyEntry x in restA) yield return (x, null);
        foreach (VocabularyEntry y in restB) yield return (null, y);
    }

    private static Dictionary<string, HashSet<string>> SpellingsByBytes(IReadOnlyList<VocabularyEntry> entries)
    {
        var map = new Dictionary<string, HashSet<string>>(entries.Count, StringComparer.Ordinal);
        foreach (VocabularyEntry e in entries)
        {
            if (e.Bytes.IsEmpty) continue;
            string k = PieceText.ToHex(e.Bytes.Span);
            if (!map.TryGetValue(k, out var texts)) map[k] = texts = new HashSet<string>(StringComparer.Ordinal);
            texts.Add(e.Text);
        }
        return map;
    }

    /// <summary>The most common first character of the text of normal tokens decoding to " " + ASCII letter.</summary>
    private static string? SpaceMark(IReadOnlyList<VocabularyEntry> entries)
    {
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (VocabularyEntry e in entries)
        {
            ReadOnlySpan<byte> bytes = e.Bytes.Span;
            if (e.Category is not (TokenCategory.Normal or TokenCategory.Unreachable) || bytes.Length < 2 || bytes[0] != (byte)' ' || !char.IsAsciiLetter((char)bytes[1]) || e.Text.Length == 0)
                continue;
            Rune.DecodeFromUtf16(e.Text, out Rune first, out _);
            string mark = first.ToString();
            votes[mark] = votes.GetValueOrDefault(mark) + 1;
        }
        return votes.Count == 0 ? null : votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;
    }
}
