using System.Globalization;
using System.Text;
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
        md.AppendLine(Invariant($"- probes: {run.Counts.Probes:N0} ({run.Counts.Tokens:N0} tokens × {run.Templates.Count} templates: {string.Join(", ", run.Templates.Select(t => t.Name))}), runner {run.Settings.Runner}, batch {run.Settings.Batch}, tokens `{run.Settings.Tokens}`"));
        md.AppendLine(Invariant($"- failure: {run.Threshold.Description}"));
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
        md.AppendLine("AUC: probability that a failed token has a larger value than a passed one (0.5 = no signal; near 0 = failed tokens have *smaller* values). Brackets: bootstrap 95 % interval; p: two-sided. Every row, per template and token type, is in `summary.csv`.");
        md.AppendLine();
        md.AppendLine("| measure | AUC | p (Mann-Whitney) | point-biserial r | Spearman ρ (repeat_prob) |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var measure in inputs.Summary.Where(s => s.Template == "best" && s.TokenType == "all").GroupBy(s => s.Measure))
        {
            SummaryRow? Get(string statistic) => measure.FirstOrDefault(s => s.Statistic == statistic);
            SummaryRow? auc = Get("auc");
            md.AppendLine(Invariant($"| {measure.Key} | {Cell(auc)} | {P(auc)} | {Cell(Get("point_biserial_r"))} | {Cell(Get("spearman_rho"))} |"));
        }
        md.AppendLine();

        md.AppendLine(Invariant($"## The {MostAnomalous} most anomalous tokens (lowest repeat_prob)"));
        md.AppendLine();
        bool hasDistance = inputs.Table.ExtraColumns.Contains("centroid_distance");
        md.AppendLine("| id | piece | bytes | type | centroid distance | repeat_prob | said instead |");
        md.AppendLine("| ---: | --- | --- | --- | ---: | ---: | --- |");
        foreach (TokenRow row in inputs.Table.Rows.OrderBy(x => x.RepeatProb).ThenBy(x => x.TokenId).Take(MostAnomalous))
        {
            string distance = hasDistance && row.Extra("centroid_distance") is double d ? d.ToString("F3", CultureInfo.InvariantCulture) : "";
            md.AppendLine(Invariant($"| {row.TokenId} | {Markdown.Code(row.Piece)} | {row.BytesHex} | {TokenTypes.Name(row.TokenType)} | {distance} | {row.RepeatProb:G3} | {Markdown.Code(row.GreedyAnswer)} |"));
        }
        md.AppendLine();

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

    private static string Cell(SummaryRow? s) => s switch
    {
        null => "",
        { Estimate: null } => $"undefined ({s.Note})",
        { CiLow: double lo, CiHigh: double hi } => Invariant($"{s.Estimate:F3} [{lo:F3}, {hi:F3}]"),
        _ => Invariant($"{s.Estimate:F3}"),
    };

    private static string P(SummaryRow? s) => s?.PValue is double p ? p.ToString("G3", CultureInfo.InvariantCulture) : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
