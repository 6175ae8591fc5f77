using System.CommandLine;
using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Runtime;

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
        command.SetAction(parse => CommandRunner.Execute(Console.Error, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            Run(parse.GetValue(scan)!, parse.GetValue(model), parse.GetValue(reference));
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static void Run(string scanDirectory, string? modelOverride, string? referenceFile)
    {
        string tokensPath = Path.Combine(scanDirectory, ScanReport.TokensFile);
        string runPath = Path.Combine(scanDirectory, ScanReport.RunFile);
        if (!File.Exists(tokensPath) || !File.Exists(runPath)) throw new InputException($"'{scanDirectory}' holds no finished scan (tokens.csv and run.json)");
        RunInfo info = RunInfo.Read(runPath);
        TokensTable table = TokensCsv.Read(tokensPath);

        string modelPath = modelOverride ?? info.Model.Path;
        if (!File.Exists(modelPath)) throw new InputException($"the scanned model '{modelPath}' is not there; pass --model PATH");
        if (ScanReport.Sha256(modelPath) != info.Model.Sha256) throw new InputException($"'{modelPath}' is not the model this scan probed (sha256 differs)");

        using LlamaModel model = LlamaModel.Load(modelPath, vocabOnly: true);
        using GgufFile file = GgufFile.Open(model.Path);
        GeometryMeasures geometry = GeometryMeasures.Compute(file, model.Vocabulary, referenceFile);

        // Each measure, then its rank (1 = smallest, ties averaged) and z-score over the scanned tokens.
        var columnValues = new Dictionary<string, double?[]>();
        int[] ids = table.Rows.Select(r => r.TokenId).ToArray();
        foreach (var (name, all) in geometry.Measures)
        {
            double[] values = ids.Select(id => all[id]).ToArray();
            columnValues[name] = values.Select(v => (double?)v).ToArray();
            if (name is "pc1" or "pc2") continue;
            columnValues[name + "_rank"] = MeasureScores.Ranks(values).Select(v => (double?)v).ToArray();
            double[]? z = MeasureScores.ZScores(values);
            columnValues[name + "_z"] = z is null ? new double?[values.Length] : z.Select(v => (double?)v).ToArray();
        }
        string[] columns = [.. columnValues.Keys];
        var rows = table.Rows.Select((row, i) => row with
        {
            Extras = columns.ToDictionary(c => c, c => columnValues[c][i]),
        }).ToList();
        TokensTable analyzed = table with { ExtraColumns = columns, Rows = rows };
        TokensCsv.Write(tokensPath, analyzed);
        GeometryReport.Write(scanDirectory, info, analyzed, geometry, info.Settings.Seed);
        Console.Out.WriteLine($"added {string.Join(", ", geometry.Measures.Keys)} (with _rank and _z) to {tokensPath}; wrote {GeometryReport.SummaryFile}, {GeometryReport.ReportFile} and plots" +
            $" ({(geometry.Tied ? "tied embeddings: one matrix" : "input and output embeddings")}; Magikarp reference: {geometry.ReferenceSource})");
    }
}
