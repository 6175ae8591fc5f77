using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using static AnomalyProbe.Analysis.Reporting.Markdown;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>
/// Writes compare.md: vocabulary sizes, tokenizer types and pre-tokenizers, how tokens were matched,
/// counts per status, collisions, category and special-token changes, scan verdicts that persist,
/// appear or vanish, and how differently the two tokenize a corpus.
/// </summary>
public static class CompareMd
{
    public const string FileName = "compare.md";

    private static readonly MatchStatus[] Statuses = [MatchStatus.SharedSameId, MatchStatus.SharedMoved, MatchStatus.OnlyA, MatchStatus.OnlyB];

    /// <summary>Writes compare.md to <paramref name="path"/>.</summary>
    public static void Write(string path, ComparisonResult report)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        Write(writer, report);
    }

    public static void Write(TextWriter w, ComparisonResult report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        VocabularyDescription a = report.A, b = report.B;
        VocabularyDiff diff = report.Diff;

        w.WriteLine($"# Tokenizer comparison: {a.FileName} (A) vs {b.FileName} (B)");
        w.WriteLine();
        Table(w, ["", "A", "B"],
        [
            ["file", Code(a.Path), Code(b.Path)],
            ["sha256", Code(a.Sha256), Code(b.Sha256)],
            ["name", Cell(a.Name ?? "-"), Cell(b.Name ?? "-")],
            ["tokens", Count(a.TokenCount), Count(b.TokenCount)],
            ["tokenizer", a.TokenizerType, b.TokenizerType],
            ["format", a.Format, b.Format],
            ["tokenizer.ggml.model", Cell(a.TokenizerModel ?? "-"), Cell(b.TokenizerModel ?? "-")],
            ["pre-tokenizer", Cell(a.PreTokenizerShown), Cell(b.PreTokenizerShown)],
            ["scan", report.ScanA is null ? "-" : $"{Code(report.ScanA.Path)}: {Count(report.ScanA.FailedCount)} of {Count(report.ScanA.Count)} failed",
                     report.ScanB is null ? "-" : $"{Code(report.ScanB.Path)}: {Count(report.ScanB.FailedCount)} of {Count(report.ScanB.Count)} failed"],
        ]);
        string tokenizers = a.TokenizedBy is null && b.TokenizedBy is null ? $"llama.cpp {report.LlamaCpp} (its own tokenizers)"
            : $"tokenized by {a.TokenizedBy ?? $"llama.cpp {report.LlamaCpp}"} (A) and {b.TokenizedBy ?? $"llama.cpp {report.LlamaCpp}"} (B)";
        w.WriteLine($"{report.Tool.Name} {report.Tool.Version}, {tokenizers}, {Number(report.ElapsedSeconds, "F1")} s.");
        w.WriteLine();
        AuditMd.WriteNotes(w, a, "A");
        AuditMd.WriteNotes(w, b, "B");
        foreach (string warning in new[] { a.MissingPreTokenizer, b.MissingPreTokenizer }.OfType<string>())
        {
            w.WriteLine($"**Warning:** {warning}.");
            w.WriteLine();
        }

        WriteMatching(w, diff);
        WriteCategories(w, diff);
        WriteSpecialTokens(w, a, b, diff);
        if (report.ScanA is not null || report.ScanB is not null) WriteScans(w, diff);
        if (report.Glitches is { } glitches) WriteGlitches(w, report, glitches);
        foreach (CorpusComparison corpus in report.Corpora) WriteCorpus(w, corpus);
    }

    private static void WriteMatching(TextWriter w, VocabularyDiff diff)
    {
        w.WriteLine("## Matching");
        w.WriteLine();
        w.WriteLine($"Matched by **{(diff.Key == MatchKey.Text ? "vocabulary text" : "decoded bytes")}**: {diff.Reason}.");
        if (diff.SharedWithDifferentBytes > 0)
            w.WriteLine($"{Count(diff.SharedWithDifferentBytes)} tokens with the same text decode to different bytes in A and B.");
        w.WriteLine();
        int shared = diff.Count(MatchStatus.SharedSameId) + diff.Count(MatchStatus.SharedMoved);
        Table(w, ["status", "tokens", "examples (id_a → id_b `piece`)"],
            Statuses.Select(s =>
            {
                var rows = diff.Rows.Where(r => r.Status == s).ToList();
                return (IReadOnlyList<string>)[CompareRow.StatusName(s), Count(rows.Count), rows.Count == 0 ? "-" : string.Join(", ", Spread(rows, 6).Select(Example))];
            }), "lrl");
        if (shared > 0)
        {
            w.WriteLine($"What changed for the {Count(shared)} shared pieces (compare.csv's `change`): nothing for {Count(diff.CountChange("none"))}; " +
                        $"only the id for {Count(diff.CountChange("id"))} (moved, same bytes); the bytes, under the same id and text, for {Count(diff.CountChange("bytes"))}; " +
                        $"both for {Count(diff.CountChange("id+bytes"))}.");
            w.WriteLine();
        }
        w.WriteLine($"Check: shared {Count(shared)} + only-a {Count(diff.Count(MatchStatus.OnlyA))} = {Count(shared + diff.Count(MatchStatus.OnlyA))} (A has {Count(diff.SizeA)}); " +
                    $"shared {Count(shared)} + only-b {Count(diff.Count(MatchStatus.OnlyB))} = {Count(shared + diff.Count(MatchStatus.OnlyB))} (B has {Count(diff.SizeB)}).");
        w.WriteLine();

        var collisions = diff.Rows.Where(r => r.Collision).GroupBy(r => r.BytesHex).ToList();
        if (collisions.Count > 0)
        {
            w.WriteLine($"**Collisions**: {Count(collisions.Count)} byte strings are decoded from several ids of one vocabulary " +
                        $"({Count(diff.CollisionRows)} rows, all kept and paired by id, then text, then type). Examples:");
            w.WriteLine();
            foreach (var g in Spread(collisions, 8))
            {
                w.WriteLine($"- {Code(g.First().Piece)}: " + string.Join("; ", g.Select(r =>
                    $"A {(r.A is null ? "-" : $"{r.A.Id} {Spelling(r.A.Text)}")} ↔ B {(r.B is null ? "-" : $"{r.B.Id} {Spelling(r.B.Text)}")}")));
            }
            w.WriteLine();
        }
    }

    private static void WriteCategories(TextWriter w, VocabularyDiff diff)
    {
        w.WriteLine("## Categories");
        w.WriteLine();
        var shared = diff.Rows.Where(r => r.A is not null && r.B is not null).ToList();
        var changed = shared.Where(r => r.A!.Category != r.B!.Category).ToList();
        w.WriteLine($"Shared tokens: {Count(shared.Count - changed.Count)} keep their category, {Count(changed.Count)} change it.");
        w.WriteLine();
        if (changed.Count > 0)
        {
            Table(w, ["category in A", "category in B", "tokens", "examples"],
                changed.GroupBy(r => (r.A!.Category, r.B!.Category)).OrderByDescending(g => g.Count()).Select(g => (IReadOnlyList<string>)
                    [TokenCategories.Name(g.Key.Item1), TokenCategories.Name(g.Key.Item2), Count(g.Count()), string.Join(", ", Spread(g.ToList(), 5).Select(Example))]),
                "llrl");
        }
        Table(w, ["category", "A", "B", "only in A", "only in B"],
            TokenCategories.Priority.Select(c => (IReadOnlyList<string>)
            [
                TokenCategories.Name(c),
                Count(diff.Rows.Count(r => r.A?.Category == c)),
                Count(diff.Rows.Count(r => r.B?.Category == c)),
                Count(diff.Rows.Count(r => r.Status == MatchStatus.OnlyA && r.A!.Category == c)),
                Count(diff.Rows.Count(r => r.Status == MatchStatus.OnlyB && r.B!.Category == c)),
            ]), "lrrrr");
    }

    private static void WriteSpecialTokens(TextWriter w, VocabularyDescription a, VocabularyDescription b, VocabularyDiff diff)
    {
        w.WriteLine("## Special tokens");
        w.WriteLine();
        var roles = a.SpecialTokens.Select(s => s.Role).Union(b.SpecialTokens.Select(s => s.Role)).ToList();
        string Role(VocabularyDescription v, string role) =>
            v.SpecialTokens.FirstOrDefault(s => s.Role == role) is { } s ? $"{s.Id} {Spelling(s.Text)}" : "-";
        Table(w, ["role", "A", "B", ""], roles.Select(role =>
        {
            string ra = Role(a, role), rb = Role(b, role);
            return (IReadOnlyList<string>)[role, ra, rb, ra == rb ? "same" : "**changed**"];
        }));
        var changes = diff.Rows.Where(r => (r.A?.Category == TokenCategory.Special || r.B?.Category == TokenCategory.Special)
                                           && (r.Status != MatchStatus.SharedSameId || r.A!.Category != r.B!.Category || r.A.TokenType != r.B.TokenType)).ToList();
        if (changes.Count == 0)
        {
            w.WriteLine("Special (control/unknown) tokens: the same in both.");
            w.WriteLine();
            return;
        }
        w.WriteLine($"Special (control/unknown) tokens that were added, removed, moved or re-typed: {Count(changes.Count)}.");
        w.WriteLine();
        Table(w, ["status", "A", "B"], changes.Take(40).Select(r => (IReadOnlyList<string>)
        [
            CompareRow.StatusName(r.Status),
            r.A is null ? "-" : $"{r.A.Id} {Spelling(r.A.Text)} ({TokenTypes.Name(r.A.TokenType)}, {TokenCategories.Name(r.A.Category)})",
            r.B is null ? "-" : $"{r.B.Id} {Spelling(r.B.Text)} ({TokenTypes.Name(r.B.TokenType)}, {TokenCategories.Name(r.B.Category)})",
        ]));
        if (changes.Count > 40) w.WriteLine($"… and {Count(changes.Count - 40)} more (see compare.csv).\n");
    }

    private static void WriteScans(TextWriter w, VocabularyDiff diff)
    {
        w.WriteLine("## Scan verdicts");
        w.WriteLine();
        var both = diff.Rows.Where(r => r.A?.Scan is not null && r.B?.Scan is not null).ToList();
        var persist = both.Where(r => r.A!.Scan!.Value.Failed && r.B!.Scan!.Value.Failed).ToList();
        var vanish = both.Where(r => r.A!.Scan!.Value.Failed && !r.B!.Scan!.Value.Failed).ToList();
        var appear = both.Where(r => !r.A!.Scan!.Value.Failed && r.B!.Scan!.Value.Failed).ToList();
        var removedFailed = diff.Rows.Where(r => r.B is null && r.A?.Scan is { Failed: true }).ToList();
        var addedFailed = diff.Rows.Where(r => r.A is null && r.B?.Scan is { Failed: true }).ToList();
        var sharedFailedA = diff.Rows.Where(r => r.B is not null && r.A?.Scan is { Failed: true }).ToList();
        var sharedFailedB = diff.Rows.Where(r => r.A is not null && r.B?.Scan is { Failed: true }).ToList();
        Table(w, ["", "tokens", "examples (lowest repeat_prob first)"],
        [
            ["failed in both (persist)", Count(persist.Count), Examples(persist)],
            ["failed in A only (vanish)", Count(vanish.Count), Examples(vanish)],
            ["failed in B only (appear)", Count(appear.Count), Examples(appear)],
            ["failed in A, shared (B not scanned or not probed)", Count(sharedFailedA.Count - persist.Count - vanish.Count), Examples(sharedFailedA.Where(r => r.B!.Scan is null).ToList())],
            ["failed in B, shared (A not scanned or not probed)", Count(sharedFailedB.Count - persist.Count - appear.Count), Examples(sharedFailedB.Where(r => r.A!.Scan is null).ToList())],
            ["failed in A, removed in B", Count(removedFailed.Count), Examples(removedFailed)],
            ["failed in B, new in B", Count(addedFailed.Count), Examples(addedFailed)],
        ], "lrl");
    }

    /// <summary>One line: how many glitch tokens of A survive in B, and how many still fail there.</summary>
    public static string GlitchSummary(IReadOnlyList<GlitchToken> glitches)
    {
        ArgumentNullException.ThrowIfNull(glitches);
        int sameId = glitches.Count(g => g.Fate == GlitchFate.SameId), moved = glitches.Count(g => g.Fate == GlitchFate.Moved);
        int gone = glitches.Count(g => g.Fate == GlitchFate.Gone && g.IdA is not null), scanned = glitches.Count(g => g.ScanB is not null);
        int notInA = glitches.Count(g => g.IdA is null);
        return $"glitch tokens of A: {Count(glitches.Count - notInA)}; in B {Count(sameId + moved)} survive ({Count(sameId)} same id, {Count(moved)} moved), {Count(gone)} gone" +
               (notInA > 0 ? $"; listed but not tokens of A: {Count(notInA)} ({Count(glitches.Count(g => g.Fate == GlitchFate.Added))} of them tokens of B)" : "") +
               (scanned > 0 ? $"; of {Count(scanned)} scanned in B, {Count(glitches.Count(g => g.ScanB is { Failed: true }))} still fail" : "");
    }

    private static void WriteGlitches(TextWriter w, ComparisonResult report, IReadOnlyList<GlitchToken> glitches)
    {
        w.WriteLine("## Glitch tokens of A in B");
        w.WriteLine();
        var sources = new List<string>();
        if (report.ScanA is not null) sources.Add($"the tokens the scan of A failed ({Code(report.ScanA.Path)})");
        if (report.GlitchListPath is not null) sources.Add($"the texts of {Code(report.GlitchListPath)}");
        w.WriteLine($"From {string.Join(" and ", sources)}; each followed into B by its bytes (glitch.csv has them all). {char.ToUpperInvariant(GlitchSummary(glitches)[0])}{GlitchSummary(glitches)[1..]}.");
        w.WriteLine();
        if (glitches.Count == 0) return;
        const int Shown = 40;
        Table(w, ["piece", "A", "fate in B", "B", "B's tokens"], glitches.Take(Shown).Select(g => (IReadOnlyList<string>)
        [
            Code(Text.PieceText.Escape(g.Bytes.Span)),
            (g.IdA is int ia ? Id(ia) : "not a token") + (g.ScanA is { } sa ? (sa.Failed ? " failed" : " passed") : ""),
            GlitchToken.FateName(g.Fate),
            (g.IdB is int ib ? Id(ib) : "-") + (g.ScanB is { } sb ? (sb.Failed ? " **still fails**" : " passes") : ""),
            string.Join(" ", g.TokensB.Select(Id)),
        ]));
        if (glitches.Count > Shown) w.WriteLine($"… and {Count(glitches.Count - Shown)} more (see glitch.csv).\n");
    }

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Examples(List<CompareRow> rows) => rows.Count == 0 ? "-" :
        string.Join(", ", rows.OrderBy(r => Math.Min(r.A?.Scan?.RepeatProb ?? 1, r.B?.Scan?.RepeatProb ?? 1)).ThenBy(r => r.A?.Id ?? r.B!.Id).Take(6).Select(Example));

    private static void WriteCorpus(TextWriter w, CorpusComparison corpus)
    {
        w.WriteLine($"## Tokenizing {corpus.Source}");
        w.WriteLine();
        w.WriteLine("Plain tokenization (no BOS, special-token text not parsed). Identical = the same byte strings in the same order; " +
                    "boundary agreement = shared token end offsets / all end offsets (Jaccard).");
        w.WriteLine();
        Table(w, ["texts", "n", "characters", "tokens A", "tokens B", "tokens/char A", "tokens/char B", "identical"],
            corpus.Kinds.Append(corpus.Overall).Select(k => (IReadOnlyList<string>)
            [
                k.Kind == "all" ? "**all**" : k.Kind, Count(k.Texts), Count(k.Characters), Count(k.TokensA), Count(k.TokensB),
                Number(k.TokensPerCharA, "F3"), Number(k.TokensPerCharB, "F3"), $"{Count(k.Identical)} ({Share(k.Identical, k.Texts)})",
            ]), "lrrrrrrr");
        foreach (var reason in corpus.Skipped.GroupBy(s => s.Reason))
        {
            w.WriteLine($"Skipped {Count(reason.Count())} texts ({Cell(reason.Key)}): {Cell(string.Join(", ", reason.Select(s => $"{s.Text.Kind}/{s.Text.Name}")))}.");
            w.WriteLine();
        }
        var most = corpus.MostDifferent(5);
        if (corpus.Texts.Count == 0)
        {
            w.WriteLine("No text could be tokenized by both.");
            w.WriteLine();
            return;
        }
        if (most.Count == 0)
        {
            w.WriteLine("Every text is tokenized identically.");
            w.WriteLine();
            return;
        }
        w.WriteLine("Texts that differ most:");
        w.WriteLine();
        Table(w, ["text", "tokens A", "tokens B", "boundary agreement", "A", "B"],
            most.Select(t => (IReadOnlyList<string>)
            [
                Cell($"{t.Text.Kind}/{t.Text.Name}"), Count(t.TokensA), Count(t.TokensB), Number(t.BoundaryAgreement, "F2"), Code(t.SplitA), Code(t.SplitB),
            ]), "lrrrll");
    }

    private static string Example(CompareRow row) =>
        $"{(row.A is null ? "-" : row.A.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))} → {(row.B is null ? "-" : row.B.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))} {Code(row.Piece)}";
}
