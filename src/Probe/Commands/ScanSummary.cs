using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Probing;
using Spectre.Console;

namespace AnomalyProbe.Probe.Commands;

/// <summary>What scan and merge print at the end: counts, the threshold, the files, the ten most anomalous tokens.</summary>
internal static class ScanSummary
{
    public static void Print(RunInfo info, string directory, TextWriter output)
    {
        var lines = new List<string>
        {
            $"{info.Counts.Tokens} tokens x {info.Templates.Count} templates = {info.Counts.Probes} probes" +
                (info.ProbesPerS > 0 ? $", {info.ProbesPerS.ToString("F1", CultureInfo.InvariantCulture)} probes/s" : ""),
            $"failed: {info.Counts.Failed} ({info.Threshold.Description})",
            $"wrote {Path.Combine(directory, ScanOutputs.TokensFile)} and {Path.Combine(directory, ScanOutputs.RunFile)}",
        };
        foreach (string line in lines) output.WriteLine(line);
        TokensTable table = TokensCsv.Read(Path.Combine(directory, ScanOutputs.TokensFile));
        var lowest = new Table().Title("most anomalous (lowest repeat_prob)").AddColumns("id", "piece", "type", "repeat_prob", "said instead");
        foreach (TokenRow row in table.Rows.OrderBy(x => x.RepeatProb).ThenBy(x => x.TokenId).Take(10))
        {
            lowest.AddRow(row.TokenId.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.Piece), Analysis.Tokens.TokenTypes.Name(row.TokenType),
                row.RepeatProb.ToString("G3", CultureInfo.InvariantCulture), Markup.Escape(row.GreedyAnswer));
        }
        AnsiConsole.Write(lowest);
    }
}
