using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Geometry;

/// <summary>What to analyze: a finished scan's directory, the model if it moved, the Magikarp reference ids if given.</summary>
/// <param name="ScanDirectory">The scan's output directory (tokens.csv, run.json).</param>
/// <param name="ModelPath">The scanned model; null = the path run.json names.</param>
/// <param name="ReferenceFile">A file of token ids known to be untrained; null = chosen from the tokenizer audit.</param>
public sealed record AnalysisRequest(string ScanDirectory, string? ModelPath = null, string? ReferenceFile = null);

/// <summary>What the analysis added.</summary>
/// <param name="TokensPath">The rewritten tokens.csv.</param>
/// <param name="Measures">The measure columns (each also with _rank and _z, but pc1/pc2).</param>
/// <param name="Tied">Whether input and output embeddings are one matrix.</param>
/// <param name="ReferenceSource">How the Magikarp reference tokens were chosen.</param>
public sealed record AnalysisResult(string TokensPath, IReadOnlyList<string> Measures, bool Tied, string ReferenceSource);

/// <summary>
/// Relates a scan's failures to the geometry of the model's embedding matrices: adds the measures
/// to tokens.csv and writes summary.csv, the plots and report.md (<see cref="AnalysisFiles"/>).
/// </summary>
public static class ScanAnalysis
{
    /// <summary>
    /// Runs the analysis; <see cref="InputException"/> when the scan or the model is not there,
    /// OperationCanceledException when <paramref name="cancellation"/> fires (tokens.csv is then as it was).
    /// </summary>
    public static AnalysisResult Run(AnalysisRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string tokensPath = Path.Combine(request.ScanDirectory, ScanOutputs.TokensFile);
        string runPath = Path.Combine(request.ScanDirectory, ScanOutputs.RunFile);
        if (!File.Exists(tokensPath) || !File.Exists(runPath))
        {
            throw new InputException($"'{request.ScanDirectory}' holds no finished scan (tokens.csv and run.json)") { Parameter = "scan" };
        }
        RunInfo info;
        TokensTable table;
        try
        {
            info = RunInfo.Read(runPath);
            table = TokensCsv.Read(tokensPath);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new InputException(e.Message, e) { Parameter = "scan" };
        }

        string modelPath = request.ModelPath ?? info.Model.Path;
        if (!File.Exists(modelPath)) throw new InputException($"the scanned model '{modelPath}' is not there; give its new path") { Parameter = "model" };
        if (ToolIdentity.Sha256(modelPath) != info.Model.Sha256) throw new InputException($"'{modelPath}' is not the model this scan probed (sha256 differs)") { Parameter = "model" };

        using LlamaModel model = LlamaModel.Load(modelPath, vocabOnly: true);
        using GgufFile file = GgufFile.Open(model.Path);
        GeometryMeasures geometry = EmbeddingGeometry.Compute(file, model.Vocabulary, request.ReferenceFile, cancellation);
        TokensTable analyzed = AnalysisFiles.WithGeometryColumns(table, geometry);
        TokensCsv.Write(tokensPath, analyzed);
        AnalysisFiles.Write(request.ScanDirectory, info, analyzed, geometry, info.Settings.Seed);
        return new AnalysisResult(tokensPath, [.. geometry.Measures.Keys], geometry.Tied, geometry.ReferenceSource);
    }
}
