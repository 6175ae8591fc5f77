using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>A scan as asked for: what to probe, how, where the results go.</summary>
/// <param name="ModelPath">The GGUF model.</param>
/// <param name="OutputDirectory">Where journal.jsonl, tokens.csv and run.json go.</param>
/// <param name="TemplateSpecs">Template files, directories or globs.</param>
/// <param name="Tokens">The token ids to probe.</param>
/// <param name="Batch">Probes per decode (B).</param>
/// <param name="Threads">CPU threads; 0 = all cores.</param>
/// <param name="Threshold">"auto" or a probability.</param>
/// <param name="Shard">The share of the probe groups to run.</param>
/// <param name="Resume">Continue the journal in <paramref name="OutputDirectory"/>.</param>
/// <param name="Harvest">Run the T → 0⁻ harvest.</param>
/// <param name="Naive">Use the naive runner.</param>
/// <param name="Exact">float32 KV cache, no flash attention.</param>
/// <param name="AnswerTokens">Greedy answer tokens per probe.</param>
/// <param name="Analyze">Add the embedding geometry afterwards (<see cref="ScanAnalysis"/>).</param>
/// <param name="HarvestFilter">The tokens the harvest may emit; null = all.</param>
/// <param name="GpuLayers">Layers to offload; null = the backend's default.</param>
public sealed record ScanRequest(
    string ModelPath, string OutputDirectory, IReadOnlyList<string> TemplateSpecs, TokenSelection Tokens, int Batch, int Threads,
    string Threshold, Shard Shard, bool Resume, bool Harvest, bool Naive, bool Exact, int AnswerTokens, bool Analyze,
    VocabFilter? HarvestFilter = null, int? GpuLayers = null);

/// <summary>What a scan did.</summary>
/// <param name="Interrupted">Stopped by cancellation; the journal keeps what was done.</param>
/// <param name="ProbesThisRun">Probes computed by this process.</param>
/// <param name="JournalPath">The journal.</param>
/// <param name="Run">run.json's contents; null when interrupted.</param>
/// <param name="Analysis">What the analysis added; null when not asked for or interrupted.</param>
public sealed record ScanJobResult(bool Interrupted, int ProbesThisRun, string JournalPath, RunInfo? Run, AnalysisResult? Analysis);

/// <summary>
/// A whole scan: checks what can be checked before the first probe, runs <see cref="Scanner"/>
/// into the journal, writes tokens.csv and run.json from the journal, then the analysis.
/// </summary>
public static class ScanJob
{
    /// <summary>Runs <paramref name="request"/>, reporting progress; throws <see cref="InputException"/> for a bad request.</summary>
    public static ScanJobResult Run(ScanRequest request, IScanProgress progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        BatchRunner.CheckBatch(request.Batch);
        ScanOutputs.ChooseThreshold(request.Threshold, [0.5]); // the spelling, before hours of work
        var templates = PromptTemplate.LoadAll(request.TemplateSpecs);
        DateTime started = DateTime.UtcNow;
        using LlamaModel model = LlamaModel.Load(request.ModelPath, gpuLayers: request.GpuLayers);
        request.HarvestFilter?.Candidates(model.Vocabulary); // a filter that admits nothing fails now, not after the probes
        int threads = request.Threads > 0 ? request.Threads : Environment.ProcessorCount;
        var settings = new ScanSettings(request.ModelPath, ToolIdentity.Sha256(model.Path), new FileInfo(model.Path).Length, templates, request.Tokens,
            request.Batch, request.AnswerTokens, request.Naive, request.Exact, HarvestSettings.Default(request.Harvest, request.Tokens.Seed, request.HarvestFilter));

        ScanOutcome outcome = Scanner.Run(model, settings, request.Shard, threads, request.OutputDirectory, request.Resume, progress, cancellation);
        if (outcome.Interrupted) return new ScanJobResult(true, outcome.ProbesThisRun, outcome.JournalPath, null, null);

        JournalContents journal = ScanJournal.ReadOnly(outcome.JournalPath);
        RunInfo info = ScanOutputs.Write(request.OutputDirectory, settings, request.Shard, threads, model.GpuLayers, journal, model.Vocabulary,
            request.Threshold, new ScanTiming(started, DateTime.UtcNow, outcome.ProbesThisRun, outcome.ProbeSeconds));
        AnalysisResult? analysis = null;
        if (request.Analyze)
        {
            progress.Phase("analysis");
            analysis = ScanAnalysis.Run(new AnalysisRequest(request.OutputDirectory, model.Path));
        }
        return new ScanJobResult(false, outcome.ProbesThisRun, outcome.JournalPath, info, analysis);
    }
}
