using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Probing;
using Spectre.Console;

namespace AnomalyProbe.Probe.Commands;

/// <summary>What scan and merge print at the end: counts, the threshold, the files, the ten most anomalous tokens.</summary>
internal static class ScanSummary
{
    /// <summary>A two-stage scan's estimate in one line.</summary>
    public static string EstimateLine(Analysis.Statistics.FailureEstimate e)
    {
        string recall = e.RecallAtK is double r ? string.Create(CultureInfo.InvariantCulture, $"; recall of the {e.Candidates} candidates {r:P0} [{e.RecallCiLow:P0}, {e.RecallCiHigh:P0}]") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"estimate: {e.FailedTotal:F0} failed of {e.Vocabulary} tokens, 95 % interval [{e.FailedTotalCiLow:F0}, {e.FailedTotalCiHigh:F0}]; {e.Confirmed} confirmed among the candidates{recall}; {e.Probes} probes");
    }

    public static void Print(RunInfo info, string directory, TextWriter output)
    {
        var lines = new List<string>
        {
            $"{info.Counts.Tokens} tokens x {info.Templates.Count} templates = {info.Counts.Probes} probes" +
                (info.ProbesPerS > 0 ? $", {info.ProbesPerS.ToString("F1", CultureInfo.InvariantCulture)} probes/s" : ""),
            $"failed: {info.Counts.Failed} ({info.Threshold.Description})",
            $"wrote {Path.Combine(directory, ScanOutputs.TokensFile)} and {Path.Combine(directory, ScanOutputs.RunFile)}",
        };
        TokensTable table = TokensCsv.Read(Path.Combine(directory, ScanOutputs.TokensFile));
        lines.Insert(2, $"text repeated (greedy answer spells the token, any ids): {info.Counts.TextRepeated}; failed but spelled with other ids: " +
            $"{table.Rows.Count(r => r.Failed && r.TextRepeated)}" + (info.Counts.AnswerTooShort > 0 ? $"; answer too short to tell: {info.Counts.AnswerTooShort}" : ""));
        var emitted = table.Rows.Where(r => r.NegTempHits > 0).OrderByDescending(r => r.NegTempHits).ThenBy(r => r.TokenId).ToList();
        if (emitted.Count > 0)
        {
            lines.Insert(3, $"T→0⁻ harvest: {emitted.Sum(r => r.NegTempHits)} emissions of {emitted.Count} distinct tokens ({emitted.Count(r => r.Failed)} of them failed); most: " +
                string.Join(", ", emitted.Take(5).Select(r => $"{r.Piece} ×{r.NegTempHits}")));
        }
        if (info.Estimate is { } e) lines.Insert(2, EstimateLine(e));
        else if (info.Settings.TwoStage is not null && info.Settings.Shard is { } shard)
        {
            lines.Insert(2, $"estimate: after merge (shard {shard} holds part of the sample)");
        }
        if (info.Settings.Shard is { } part) lines.Add($"analysis: after merge (shard {part} holds part of the scan)");
        foreach (string line in lines) output.WriteLine(line);
        var lowest = new Table().Title("most anomalous (lowest repeat_prob; ties by the other evidence)").AddColumns("id", "piece", "type", "repeat_prob", "text", "said instead");
        foreach (AnomalousGroup group in AnomalyRanking.Top(table.Rows, 10))
        {
            TokenRow row = group.First;
            string piece = group.Tokens.Count == 1 ? row.Piece : $"{row.Piece} … {group.Tokens[^1].Piece}";
            lowest.AddRow(Markup.Escape(AnomalyRanking.Ids(group)), Markup.Escape(piece), Analysis.Tokens.TokenTypes.Name(row.TokenType),
                row.RepeatProb.ToString("G3", CultureInfo.InvariantCulture), row.TextRepeated ? "repeated" : "not", Markup.Escape(row.GreedyAnswer));
        }
        AnsiConsole.Write(lowest);
    }
}
