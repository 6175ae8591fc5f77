using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using static AnomalyProbe.Analysis.Reporting.Markdown;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>Writes audit.md: counts per category with examples, and the facts behind them.</summary>
public static class AuditMd
{
    public const string FileName = "audit.md";

    /// <summary>Counts per category, in <see cref="TokenCategories.Priority"/> order (zeros included).</summary>
    public static IReadOnlyDictionary<TokenCategory, int> CountCategories(IEnumerable<AuditRecord> records)
    {
        var counts = TokenCategories.Priority.ToDictionary(c => c, _ => 0);
        foreach (AuditRecord r in records) counts[r.Category]++;
        return counts;
    }

    /// <summary>Counts per Magikarp-comparable category, in <see cref="MagikarpCategories.Order"/> (zeros included).</summary>
    public static IReadOnlyDictionary<MagikarpCategory, int> CountMagikarp(IEnumerable<AuditRecord> records)
    {
        var counts = MagikarpCategories.Order.ToDictionary(c => c, _ => 0);
        foreach (MagikarpCategory c in AuditRecord.MagikarpCategoriesOf([.. records])) counts[c]++;
        return counts;
    }

    public static void Write(string path, AuditResult report)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        Write(writer, report);
    }

    /// <summary>The source's notes (what its format lacks, what was overridden), as a list.</summary>
    internal static void WriteNotes(TextWriter w, VocabularyDescription v, string? side = null)
    {
        if (v.Notes.Count == 0) return;
        w.WriteLine($"{(side is null ? "" : side + ", ")}{v.Format} source:");
        w.WriteLine();
        foreach (string note in v.Notes) w.WriteLine($"- {note}");
        w.WriteLine();
    }

    public static void Write(TextWriter w, AuditResult report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        VocabularyDescription v = report.Vocabulary;
        IReadOnlyList<AuditRecord> records = report.Records;
        int total = records.Count;

        w.WriteLine($"# Tokenizer audit: {v.FileName}");
        w.WriteLine();
        Table(w, ["", ""],
        [
            ["file", $"{Code(v.Path)} ({Count(v.SizeBytes)} bytes, sha256 {Code(v.Sha256)})"],
            ["vocabulary", $"{Cell(v.Name ?? "-")}: {Count(v.TokenCount)} tokens, {Cell(v.TokenizerSummary)}"],
            ["special tokens", v.SpecialTokens.Count == 0 ? "-" : string.Join(", ", v.SpecialTokens.Select(s => $"{s.Role} {s.Id} {Spelling(s.Text)}"))],
            ["tool", $"{report.Tool.Name} {report.Tool.Version}, {(v.TokenizedBy is { } by ? $"tokenized by {by}" : $"llama.cpp {report.LlamaCpp} (its own tokenizer)")}"],
            ["time", $"{Number(report.ElapsedSeconds, "F1")} s"],
        ]);
        WriteNotes(w, v);

        if (v.MissingPreTokenizer is { } warning)
        {
            w.WriteLine($"**Warning:** {warning}.");
            w.WriteLine();
        }
        w.WriteLine("## Categories");
        w.WriteLine();
        var byCategory = records.GroupBy(r => r.Category).ToDictionary(g => g.Key, g => g.OrderBy(r => r.TokenId).ToList());
        Table(w, ["category", "tokens", "share", "examples (id `piece`)"],
            TokenCategories.Priority.Select(c =>
            {
                var members = byCategory.GetValueOrDefault(c) ?? [];
                return (IReadOnlyList<string>)[TokenCategories.Name(c), Count(members.Count), Share(members.Count, total),
                    members.Count == 0 ? "-" : string.Join(", ", Spread(members, 6).Select(r => $"{r.TokenId} {Code(r.Piece)}"))];
            }), "lrrl");

        w.WriteLine("## As Magikarp counts");
        w.WriteLine();
        MagikarpCategory[] magikarp = AuditRecord.MagikarpCategoriesOf(records);
        bool singleBytes = MagikarpCategories.SingleBytesAreBytes(records.Select(r => r.Category));
        w.WriteLine("The categories of Magikarp's published tokenizer tables (Land & Bartolo 2024), to set beside theirs: `bytes` are " +
                    (singleBytes ? "this vocabulary's single-byte tokens (it has no byte-fallback tokens: a byte-level BPE's 256, whatever their UTF-8)"
                                 : "its byte-fallback tokens") +
                    ", unused and reserved tokens are `special`, and `unreachable` and `partial_utf8` count the other tokens only.");
        w.WriteLine();
        Table(w, ["category", "tokens", "share", "from the categories above"],
            MagikarpCategories.Order.Select(c =>
            {
                var members = records.Where((_, i) => magikarp[i] == c).ToList();
                return (IReadOnlyList<string>)[MagikarpCategories.Name(c), Count(members.Count), Share(members.Count, total),
                    Counts(members.GroupBy(r => TokenCategories.Name(r.Category)))];
            }), "lrrl");

        w.WriteLine("## Facts");
        w.WriteLine();
        w.WriteLine($"- Token types: {Counts(records.GroupBy(r => TokenTypes.Name(r.TokenType)))}.");
        w.WriteLine($"- UTF-8 on its own: {Counts(records.GroupBy(r => CsvFormat.Utf8Name(r.Utf8)))}.");
        int roundTrips = records.Count(r => r.RoundTrip);
        w.WriteLine($"- Round trip (its own bytes, tokenized as a continuation, give exactly its id): {Count(roundTrips)} of {Count(total)}; " +
                    $"failures by category: {Counts(records.Where(r => !r.RoundTrip).GroupBy(r => TokenCategories.Name(r.Category)))}.");
        int viaRoundTrip = records.Count(r => r.Reachable && r.ReachableVia == "roundtrip");
        int viaContext = records.Count(r => r.Reachable && r.ReachableVia != "roundtrip");
        int unreachable = records.Count(r => !r.Reachable);
        w.WriteLine($"- Reachable from valid text: {Count(viaRoundTrip)} by the round trip, {Count(viaContext)} more only in a context " +
                    "(neighbours, a completed character, the unknown token's rare characters), " +
                    $"{Count(unreachable)} not found (of which {Count(records.Count(r => !r.Reachable && r.Category == TokenCategory.Special))} special, " +
                    $"{Count(records.Count(r => !r.Reachable && r.Category == TokenCategory.ByteFallback))} byte-fallback, " +
                    $"{Count(records.Count(r => !r.Reachable && r.Category == TokenCategory.Unused))} unused).");
        var duplicates = records.Where(r => r.DuplicateOf is not null).ToList();
        var groups = duplicates.GroupBy(r => r.BytesHex).OrderBy(g => g.Min(r => r.TokenId)).ToList();
        w.WriteLine($"- Duplicates: {Count(duplicates.Count)} tokens share their bytes with another id, in {Count(groups.Count)} groups" +
                    (groups.Count == 0 ? "." : ", e.g. " + string.Join("; ", groups.Take(5).Select(g => $"{Code(g.First().Piece)} = " +
                        string.Join(" / ", g.Select(r => $"{r.TokenId} {Spelling(r.Text)}")))) + "."));
        w.WriteLine();

        var unreachableNormal = byCategory.GetValueOrDefault(TokenCategory.Unreachable) ?? [];
        if (unreachableNormal.Count > 0)
        {
            w.WriteLine("## Unreachable tokens (examples)");
            w.WriteLine();
            Table(w, ["id", "piece", "text", "UTF-8", "its bytes tokenize as"],
                Spread(unreachableNormal, 12).Select(r => (IReadOnlyList<string>)[r.TokenId.ToString(CultureInfo.InvariantCulture), Code(r.Piece), Spelling(r.Text),
                    CsvFormat.Utf8Name(r.Utf8), r.RoundTripIds.Count == 0 ? "(nothing)" : string.Join(" ", r.RoundTripIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))]));
        }

        w.WriteLine("## How");
        w.WriteLine();
        w.WriteLine("Categories, first rule that applies: " + string.Join(" > ", TokenCategories.Priority.Select(TokenCategories.Name)) + ".");
        w.WriteLine("byte_fallback = token type byte; unused = token type unused or a reserved/placeholder/padding name; " +
                    "special = control or unknown; unreachable = no tried text produces it; partial_utf8 = reachable with partial UTF-8 bytes.");
        w.WriteLine();
        foreach (string note in report.ReachabilityNotes) w.WriteLine($"- {note}");
        if (report.ReachabilityNotes.Count > 0) w.WriteLine();
    }

    private static string Counts<T>(IEnumerable<IGrouping<string, T>> groups)
    {
        var list = groups.Select(g => (g.Key, Count: g.Count())).OrderByDescending(x => x.Count).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Select(x => $"{x.Key} {Count(x.Count)}"));
    }
}
