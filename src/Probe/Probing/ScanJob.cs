using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>A scan as asked for: what to probe, how, where the results go.</summary>
/// <param name="ModelPath">The GGUF model.</param>
/// <param name="OutputDirectory">Where journal.jsonl, tokens.csv and run.json go.</param>
/// <param name="TemplateSpecs">Template files, directories or globs.</param>
/// <param name="Tokens">The token ids to probe.</param>
/// <param name="Batches">Probes per decode (B) per template.</param>
/// <param name="Threads">CPU threads; 0 = the cores this process may use (<see cref="ThreadCount"/>).</param>
/// <param name="Threshold">"auto" or a probability.</param>
/// <param name="Shard">The share of the probe groups to run.</param>
/// <param name="Resume">Continue the journal in <paramref name="OutputDirectory"/>.</param>
/// <param name="Harvest">Run the T → 0⁻ harvest.</param>
/// <param name="Naive">Use the naive runner.</param>
/// <param name="Exact">float32 KV cache, no flash attention.</param>
/// <param name="AnswerTokens">Greedy answer tokens per probe.</param>
/// <param name="Analyze">Add the embedding geometry afterwards (<see cref="ScanAnalysis"/>); a shard of several leaves it to the merge.</param>
/// <param name="HarvestFilter">The tokens the harvest may emit; null = all.</param>
/// <param name="GpuLayers">Layers to offload; null = the backend's default.</param>
/// <param name="ChatTemplate">The built-in chat format for chat templates; null = the model's own.</param>
/// <param name="Attempts">Sampled answers per probe; null = the greedy answer alone.</param>
/// <param name="HarvestPrompts">The harvest's prompts; null = BOS alone (the model's own text).</param>
/// <param name="TwoStage">A budgeted two-stage scan; null = probe every selected token.</param>
/// <param name="DryRun">Print the plan and the speed of a first group, and stop (nothing is written).</param>
public sealed record ScanRequest(
    string ModelPath, string OutputDirectory, IReadOnlyList<string> TemplateSpecs, TokenSelection Tokens, BatchSizes Batches, int Threads,
    string Threshold, Shard Shard, bool Resume, bool Harvest, bool Naive, bool Exact, int AnswerTokens, bool Analyze,
    VocabFilter? HarvestFilter = null, int? GpuLayers = null, string? ChatTemplate = null, AttemptSettings? Attempts = null,
    IReadOnlyList<string>? HarvestPrompts = null, TwoStageRequest? TwoStage = null, bool DryRun = false);

/// <summary>What a scan did.</summary>
/// <param name="Interrupted">Stopped by cancellation; the journal keeps what was done.</param>
/// <param name="ProbesThisRun">Probes computed by this process.</param>
/// <param name="JournalPath">The journal.</param>
/// <param name="Run">run.json's contents; null when interrupted.</param>
/// <param name="Analysis">What the analysis added; null when not asked for or interrupted.</param>
/// <param name="DryRun">With <see cref="ScanRequest.DryRun"/>: the plan and its projection.</param>
public sealed record ScanJobResult(bool Interrupted, int ProbesThisRun, string JournalPath, RunInfo? Run, AnalysisResult? Analysis, DryRunResult? DryRun = null);

/// <summary>What <c>--dry-run</c> found: the plan, the speed of one group per template and the projected time.</summary>
public sealed record DryRunResult(string Plan, Throughput Throughput, int Probes)
{
    /// <summary>The projected scan time (probes only; the harvest and the analysis add seconds).</summary>
    public TimeSpan Projected => Throughput.Project(Probes);
}

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
        AttemptSettings attempts = request.Attempts ?? AttemptSettings.Greedy;
        request.Batches.Check(attempts);
        request.TwoStage?.Validate();
        int threads = ThreadCount.Resolve(request.Threads);
        if (request.TwoStage is { IsDurationBudget: true } && request.Shard.Count > 1)
        {
            throw new InputException($"a duration budget depends on each machine's speed, and shards must probe the same tokens: give --budget as a number of probes") { Parameter = "budget" };
        }
        ScanOutputs.ChooseThreshold(request.Threshold, [0.5]); // the spelling, before hours of work
        DateTime started = DateTime.UtcNow;
        using LlamaModel model = LlamaModel.Load(request.ModelPath, gpuLayers: request.GpuLayers);
        var templates = TemplateSet.Resolve(request.TemplateSpecs, model, request.ChatTemplate, progress.Note);
        TemplateTokens.CreateAll(templates, model, request.ChatTemplate); // every template renders and tokenizes, before the first probe
        var settings = new ScanSettings(request.ModelPath, ToolIdentity.Sha256(model.Path), new FileInfo(model.Path).Length, templates, request.Tokens,
            request.Batches.Probes, request.AnswerTokens, request.Naive, request.Exact,
            HarvestSettings.Default(request.Harvest, request.Tokens.Seed, request.HarvestFilter, request.HarvestPrompts), request.ChatTemplate,
            attempts.Sampled ? attempts : null, OneTokenBatchProbes: request.Batches.OneTokenProbes);
        // What the harvest needs is checked now, not after hours of probes (shard 0 runs it).
        if (settings.Harvest.Enabled && request.Shard.Index == 0) NegativeHarvest.Prepare(model, settings.Harvest);
        if (request.TwoStage is { } twoStage) settings = WithDesign(settings, twoStage, model, request, threads, progress);

        if (request.DryRun)
        {
            var tokenized = TemplateTokens.CreateAll(settings.Templates, model, settings.ChatTemplate);
            List<ProbeGroup> plan = Scanner.Plan(settings.Batches.For(settings.Templates), settings.ProbedIds(model.Vocabulary.Count), request.Shard);
            Throughput speed = Scanner.Measure(model, settings, settings.ProbedIds(model.Vocabulary.Count), threads);
            return new ScanJobResult(false, 0, "", null, null, new DryRunResult(Scanner.DescribePlan(tokenized, plan, settings), speed, plan.Sum(g => g.Tokens.Length)));
        }

        ScanOutcome outcome = Scanner.Run(model, settings, request.Shard, threads, request.OutputDirectory, request.Resume, progress, cancellation);
        if (outcome.Interrupted) return new ScanJobResult(true, outcome.ProbesThisRun, outcome.JournalPath, null, null);

        JournalContents journal = ScanJournal.ReadOnly(outcome.JournalPath);
        RunInfo info = ScanOutputs.Write(request.OutputDirectory, settings, request.Shard, threads, model.GpuLayers, journal, model,
            request.Threshold, new ScanTiming(started, DateTime.UtcNow, outcome.ProbesThisRun, outcome.ProbeSeconds));
        // A shard's analysis would be of part of the scan: the merge's analysis is the one that counts.
        AnalysisResult? analysis = null;
        if (request.Analyze && request.Shard.Count == 1)
        {
            progress.Phase("analysis");
            try
            {
                analysis = ScanAnalysis.Run(new AnalysisRequest(request.OutputDirectory, model.Path), cancellation);
            }
            catch (OperationCanceledException)
            {
                // The probes are all in the journal; --resume writes the files again and redoes the analysis.
                return new ScanJobResult(true, outcome.ProbesThisRun, outcome.JournalPath, null, null);
            }
        }
        return new ScanJobResult(false, outcome.ProbesThisRun, outcome.JournalPath, info, analysis);
    }

    // The two-stage selection: the journal's own when resuming the same request (exact, and a duration
    // budget is not measured again), else built from the model's geometry.
    private static ScanSettings WithDesign(ScanSettings settings, TwoStageRequest twoStage, LlamaModel model, ScanRequest request, int threads, IScanProgress progress)
    {
        string journalPath = Path.Combine(request.OutputDirectory, ScanJournal.FileName);
        if (request.Resume && File.Exists(journalPath) && ScanJournal.ReadOnly(journalPath).Header.ReadSettings() is { } earlier
            && earlier.DesignRequest == twoStage.Spec && earlier.Design is not null && earlier.ModelSha256 == settings.ModelSha256)
        {
            return settings with { Design = earlier.Design, DesignRequest = earlier.DesignRequest };
        }
        int[] population = settings.Tokens.Resolve(model.Vocabulary.Count);
        double? speed = null;
        if (twoStage.IsDurationBudget)
        {
            Throughput measured = Scanner.Measure(model, settings, population, threads);
            speed = measured.ProbesPerSecond;
            progress.Note($"budget {twoStage.Budget}: a first group ran at {speed:F1} probes/s");
        }
        progress.Phase($"ranking {population.Length} tokens by {twoStage.RankBy}");
        SelectionDesign design = TwoStage.Design(model, twoStage, population, settings.Templates.Count, settings.Tokens.Seed, probesPerSecond: speed);
        progress.Note($"two-stage: {design.Candidates.Length} candidates (lowest {twoStage.RankBy}) and a control sample of {design.ControlSize} in {design.Strata.Count} strata, of {population.Length} tokens");
        return settings with { Design = design, DesignRequest = twoStage.Spec };
    }
}
