using System.CommandLine;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Geometry;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe analyze</c>: relate a scan's failures to the embedding geometry.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        Option<string> scan = new("--scan") { Description = "A scan's output directory (tokens.csv, run.json)", HelpName = "DIR", Required = true };
        Option<string?> model = new("--model", "-m") { Description = "The scanned model, if it moved (checked by sha256)", HelpName = "PATH" };
        Option<string?> reference = new("--reference")
        {
            Description = "File of token ids (one per line) known to be untrained, for the Magikarp indicator " +
                          "(default: unused/unreachable tokens, else byte tokens that never occur in UTF-8)",
            HelpName = "FILE",
        };
        var command = new Command("analyze",
            "Add embedding geometry to a scan's tokens.csv: per token, for the input and (untied) output embeddings, the " +
            "L2 norm and the Euclidean and cosine distance to the centroid, the Magikarp under-training indicator and the " +
            "position on the first two principal components; then summary.csv (ROC AUC with Mann-Whitney p, point-biserial r, " +
            "Spearman rho, bootstrap 95% intervals), plots and report.md.")
        {
            scan, model, reference,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            Print(ScanAnalysis.Run(new AnalysisRequest(parse.GetValue(scan)!, parse.GetValue(model), parse.GetValue(reference)), cancellation), Console.Out);
            return ExitCodes.Ok;
        })));
        return command;
    }

    /// <summary>The one line an analysis prints (also after scan and merge).</summary>
    internal static void Print(AnalysisResult r, TextWriter output) =>
        output.WriteLine($"added {string.Join(", ", r.Measures)} (with _rank and _z) to {r.TokensPath}; wrote {AnalysisFiles.SummaryFile}, {AnalysisFiles.ReportFile} and plots" +
            $" ({(r.Tied ? "tied embeddings: one matrix" : "input and output embeddings")}; Magikarp reference: {r.ReferenceSource})");
}
