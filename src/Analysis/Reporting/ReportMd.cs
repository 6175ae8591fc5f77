using System.Globalization;
using System.Text;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>What report.md is made of.</summary>
/// <param name="Run">The scan's run.json.</param>
/// <param name="Table">tokens.csv with the geometry columns.</param>
/// <param name="Summary">summary.csv's rows.</param>
/// <param name="Tied">Whether input and output embeddings are one matrix.</param>
/// <param name="ReferenceSource">How the Magikarp reference tokens were chosen.</param>
/// <param name="Plots">Caption → PNG file name (next to report.md).</param>
public sealed record ReportInputs(
    RunInfo Run, TokensTable Table, IReadOnlyList<SummaryRow> Summary, bool Tied, string ReferenceSource,
    IReadOnlyList<(string Caption, string File)> Plots);

/// <summary>report.md: the scan and its geometry for people.</summary>
public static class ReportMd
{
    /// <summary>How many of the most anomalous tokens the report lists.</summary>
    public const int MostAnomalous = 25;

    public static string Render(ReportInputs inputs)
    {
        var md = new StringBuilder();
        RunInfo run = inputs.Run;
        md.AppendLine(Invariant($"# AnomalyProbe report: {run.Model.FileName}"));
        md.AppendLine();
        md.AppendLine(Invariant($"- model: `{run.Model.Path}` ({run.Model.SizeBytes:N0} bytes, sha256 `{run.Model.Sha256[..16]}…`), llama.cpp {run.Engine.Summary}, {run.Tool.Name} {run.Tool.Version}"));
        md.AppendLine(Invariant($"- probes: {run.Counts.Probes:N0} ({run.Counts.Tokens:N0} tokens × {run.Templates.Count} templates: {string.Join(", ", run.Templates.Select(t => t.Name))}), runner {run.Settings.Runner}, batch {BatchText(run)}, tokens `{run.Settings.Tokens}`"));
        md.AppendLine(Invariant($"- failure: {run.Threshold.Description}"));
        md.AppendLine(Invariant($"- answers: {AnswerDescription(run.Settings)}"));
        md.AppendLine(Invariant($"- T→0⁻ harvest: {HarvestDescription(run, inputs.Table)}"));
        md.AppendLine(Invariant($"- embeddings: {(inputs.Tied ? "tied (one matrix serves as input and output)" : "untied (input and output measured separately, `out_` columns)")}; Magikarp reference: {inputs.ReferenceSource}"));
        md.AppendLine();

        md.AppendLine("## Failures");
        md.AppendLine();
        md.AppendLine("| token type | tokens | failed | share |");
        md.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var group in inputs.Table.Rows.GroupBy(x => TokenTypes.Name(x.TokenType)).OrderByDescending(g => g.Count()))
        {
            int failed = group.Count(x => x.Failed);
            md.AppendLine(Invariant($"| {group.Key} | {group.Count()} | {failed} | {100.0 * failed / group.Count():F1} % |"));
        }
        md.AppendLine(Invariant($"| **all** | {inputs.Table.Rows.Count} | {inputs.Table.Rows.Count(x => x.Failed)} | {100.0 * inputs.Table.Rows.Count(x => x.Failed) / Math.Max(1, inputs.Table.Rows.Count):F1} % |"));
        md.AppendLine();

        md.AppendLine("## Failure against geometry (best template, all tokens)");
        md.AppendLine();
        md.AppendLine("AUC: probability that a failed token has a larger value than a passed one (0.5 = no signal; near 0 = failed tokens have *smaller* values). Separation: max(AUC, 1 − AUC), the measure's power whichever way it points. Brackets: bootstrap 95 % interval; p: two-sided. Every row, per template and token type, is in `summary.csv`.");
        md.AppendLine();
        md.AppendLine("| measure | AUC | separation | p (Mann-Whitney) | point-biserial r | Spearman ρ (repeat_prob) |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var measure in inputs.Summary.Where(s => s.Template == "best" && s.TokenType == "all").GroupBy(s => s.Measure))
        {
            SummaryRow? Get(string statistic) => measure.FirstOrDefault(s => s.Statistic == statistic);
            SummaryRow? auc = Get("auc");
            md.AppendLine(Invariant($"| {measure.Key} | {Cell(auc)} | {Separation(auc)} | {P(auc)} | {Cell(Get("point_biserial_r"))} | {Cell(Get("spearman_rho"))} |"));
        }
        md.AppendLine();

        if (run.Estimate is { } estimate) TwoStage(md, estimate, run);
        Verdicts(md, inputs);

        md.AppendLine(Invariant($"## The {MostAnomalous} most anomalous tokens (lowest repeat_prob)"));
        md.AppendLine();
        md.AppendLine("Ties in repeat_prob (to 3 digits) are ordered by the other evidence: an answer that does not spell the token, T→0⁻ harvest hits, argmin hits, the Magikarp indicator. Tied tokens of one type that said the same thing share a line.");
        md.AppendLine();
        bool hasDistance = inputs.Table.ExtraColumns.Contains("centroid_distance");
        md.AppendLine("| id | piece | bytes | type | centroid distance | repeat_prob | text repeated | harvest hits | said instead |");
        md.AppendLine("| ---: | --- | --- | --- | ---: | ---: | --- | ---: | --- |");
        foreach (AnomalousGroup group in AnomalyRanking.Top(inputs.Table.Rows, MostAnomalous))
        {
            TokenRow row = group.First, last = group.Tokens[^1];
            string distance = hasDistance && row.Extra("centroid_distance") is double d ? d.ToString("F3", CultureInfo.InvariantCulture) : "";
            string piece = group.Tokens.Count == 1 ? Markdown.Code(row.Piece) : $"{Markdown.Code(row.Piece)} … {Markdown.Code(last.Piece)}";
            string bytes = group.Tokens.Count == 1 ? row.BytesHex : $"{row.BytesHex} … {last.BytesHex}";
            md.AppendLine(Invariant($"| {AnomalyRanking.Ids(group)} | {piece} | {bytes} | {TokenTypes.Name(row.TokenType)} | {distance} | {row.RepeatProb:G3} | {(row.TextRepeated ? "yes" : "no")} | {row.NegTempHits} | {Markdown.Code(row.GreedyAnswer)} |"));
        }
        md.AppendLine();

        Harvest(md, inputs.Table);

        if (inputs.Plots.Count > 0)
        {
            md.AppendLine("## Plots");
            md.AppendLine();
            foreach (var (caption, file) in inputs.Plots)
            {
                md.AppendLine(Invariant($"![{caption}]({file})"));
                md.AppendLine();
            }
        }
        return md.ToString();
    }

    // What a two-stage scan says about the tokens it did not probe.
    private static void TwoStage(StringBuilder md, FailureEstimate e, RunInfo run)
    {
        md.AppendLine("## Two-stage estimate");
        md.AppendLine();
        md.AppendLine(Invariant($"This scan probed {e.Candidates} candidates (the lowest by `{run.Settings.RankBy ?? "?"}`) and a stratified random control sample of {e.Control} other tokens ({e.Strata} strata by the measure's decile and token category) — {e.Candidates + e.Control} of {e.Vocabulary} tokens, {e.Probes} probes. The tables below cover the probed tokens only."));
        md.AppendLine();
        md.AppendLine("| | estimate | 95 % interval |");
        md.AppendLine("| --- | ---: | --- |");
        md.AppendLine(Invariant($"| failed tokens in the whole selection | {e.FailedTotal:F0} | [{e.FailedTotalCiLow:F0}, {e.FailedTotalCiHigh:F0}] |"));
        md.AppendLine(Invariant($"| confirmed among the candidates | {e.Confirmed} | (probed) |"));
        if (e.RecallAtK is double recall) md.AppendLine(Invariant($"| recall of the candidates (share of all failures) | {recall:P1} | [{e.RecallCiLow:P1}, {e.RecallCiHigh:P1}] |"));
        md.AppendLine();
        md.AppendLine(Invariant($"Method: {e.Method}. The failure threshold was chosen with the same design weights."));
        md.AppendLine();
    }

    // failed (id level) against text_repeated (text level): where a model spells a token with other ids.
    private static void Verdicts(StringBuilder md, ReportInputs inputs)
    {
        IReadOnlyList<TokenRow> rows = inputs.Table.Rows;
        md.AppendLine("## Two verdicts: the id and the text");
        md.AppendLine();
        md.AppendLine("`failed` is id-level (teacher-forced repeat_prob below the threshold); `text_repeated` asks whether the greedy answer spells the token's text with any ids. Best template, all tokens:");
        md.AppendLine();
        md.AppendLine("| | text repeated | text not repeated |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (bool failed in new[] { true, false })
        {
            int repeated = rows.Count(r => r.Failed == failed && r.TextRepeated), other = rows.Count(r => r.Failed == failed && !r.TextRepeated);
            md.AppendLine(Invariant($"| {(failed ? "failed" : "passed")} | {repeated} | {other} |"));
        }
        md.AppendLine();
        int disagree = rows.Count(r => r.Failed == r.TextRepeated);
        md.AppendLine(Invariant($"The verdicts disagree on {disagree} of {rows.Count} tokens ({100.0 * disagree / Math.Max(1, rows.Count):F1} %)."));
        var spelledOtherwise = rows.Where(r => r.Failed && r.TextRepeated).Take(5).ToList();
        if (spelledOtherwise.Count > 0)
        {
            md.AppendLine(Invariant($" Failed but spelled with other ids, e.g. {string.Join(", ", spelledOtherwise.Select(r => $"{Markdown.Code(r.Piece)} → {Markdown.Code(r.GreedyAnswer)}"))}."));
        }
        if (inputs.Run.Counts.AnswerTooShort > 0)
        {
            md.AppendLine(Invariant($" {inputs.Run.Counts.AnswerTooShort} greedy answers stopped inside their token's text ({inputs.Run.Settings.AnswerTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} answer tokens): they count as not repeated; more `--answer-tokens` would decide them."));
        }
        if (inputs.Run.Settings.Attempts > 1)
        {
            double MeanRate(bool failed) => rows.Where(r => r.Failed == failed).Select(r => r.RepeatRate).DefaultIfEmpty(double.NaN).Average();
            md.AppendLine(Invariant($" repeat_rate ({inputs.Run.Settings.Attempts} answers sampled at T = {inputs.Run.Settings.AttemptTemperature:G3}): mean {MeanRate(true):F3} over failed tokens, {MeanRate(false):F3} over passed ones; {rows.Count(r => r.RepeatRate > 0 && r.RepeatRate < 1)} tokens are repeated only sometimes."));
        }
        md.AppendLine();
    }

    // The tokens the T → 0⁻ harvest emitted most.
    private static void Harvest(StringBuilder md, TokensTable table)
    {
        var emitted = table.Rows.Where(r => r.NegTempHits > 0).OrderByDescending(r => r.NegTempHits).ThenBy(r => r.TokenId).ToList();
        if (emitted.Count == 0) return;
        md.AppendLine("## Emitted at T→0⁻ (the harvest)");
        md.AppendLine();
        md.AppendLine(Invariant($"{emitted.Sum(r => r.NegTempHits)} emissions of {emitted.Count} distinct tokens; {emitted.Count(r => r.Failed)} of them failed the probes."));
        md.AppendLine();
        md.AppendLine("| id | piece | type | hits | failed |");
        md.AppendLine("| ---: | --- | --- | ---: | --- |");
        foreach (TokenRow row in emitted.Take(10))
        {
            md.AppendLine(Invariant($"| {row.TokenId} | {Markdown.Code(row.Piece)} | {TokenTypes.Name(row.TokenType)} | {row.NegTempHits} | {(row.Failed ? "yes" : "no")} |"));
        }
        md.AppendLine();
    }

    // "128", or "128 (induction 255)" where a template's own B differs.
    private static string BatchText(RunInfo run)
    {
        var own = run.Templates.Where(t => t.Batch is int b && b != run.Settings.Batch).Select(t => Invariant($"{t.Name} {t.Batch}")).ToList();
        return own.Count == 0 ? Invariant($"{run.Settings.Batch}") : Invariant($"{run.Settings.Batch} ({string.Join(", ", own)})");
    }

    private static string AnswerDescription(RunSettings settings)
    {
        string greedy = Invariant($"greedy, {settings.AnswerTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} tokens");
        return settings.Attempts > 1 ? Invariant($"{greedy}, plus {settings.Attempts} sampled at T = {settings.AttemptTemperature:G3} (repeat_rate)") : greedy;
    }

    private static string HarvestDescription(RunInfo run, TokensTable table)
    {
        if (!run.Settings.Harvest.TryGetValue("prompts", out string? prompts)) return "not run";
        int hits = table.Rows.Sum(r => r.NegTempHits);
        return Invariant($"prompts {Markdown.Code(prompts)} at T = {run.Settings.Harvest.GetValueOrDefault("temperatures", "?")}; {hits} emissions of {table.Rows.Count(r => r.NegTempHits > 0)} distinct tokens (`neg_temp_hits`)");
    }

    private static string Cell(SummaryRow? s) => s switch
    {
        null => "",
        { Estimate: null } => $"undefined ({s.Note})",
        { CiLow: double lo, CiHigh: double hi } => Invariant($"{s.Estimate:F3} [{lo:F3}, {hi:F3}]"),
        _ => Invariant($"{s.Estimate:F3}"),
    };

    private static string Separation(SummaryRow? auc) => auc?.Estimate is double a
        ? Invariant($"{Math.Max(a, 1 - a):F3} (failed {(a < 0.5 ? "lower" : "higher")})")
        : "";

    private static string P(SummaryRow? s) => s?.PValue is double p ? p.ToString("G3", CultureInfo.InvariantCulture) : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
