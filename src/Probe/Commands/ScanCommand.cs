using System.CommandLine;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe scan</c>: probe every token with "repeat the word" templates, journaled and resumable.</summary>
internal static class ScanCommand
{
    /// <summary>Greedy answer tokens recorded per probe by default (as Magikarp's verification does).</summary>
    public const int DefaultAnswerTokens = 3;

    /// <summary>The --batch option, shared with bench: one B for every template; without it, <see cref="BatchSizes.Default"/> (measured with <c>bench</c>: see the README).</summary>
    public static Option<int?> BatchOption() => new("--batch")
    {
        Description = $"Probes per llama_decode for every template (1-{BatchRunner.MaxBatchProbes}; with --attempts N at most {BatchRunner.MaxBatchProbes}/(N+1)). " +
            $"Default: {BatchSizes.DefaultProbes}, and {BatchRunner.MaxBatchProbes} for templates whose probe is one token (induction); with --attempts N, {BatchRunner.MaxBatchProbes}/(N+1) for all",
        HelpName = "B",
    };

    /// <summary>The --answer-tokens option, shared with bench.</summary>
    public static Option<int> AnswerTokensOption() => new("--answer-tokens")
    {
        Description = "Greedy tokens recorded as the model's answer (1-8); each token after the first costs one decode of B tokens",
        HelpName = "N",
        DefaultValueFactory = _ => DefaultAnswerTokens,
    };

    public static int CheckAnswerTokens(int n) => n is >= 1 and <= 8 ? n : throw new InputException("--answer-tokens must be in [1, 8]");

    public static Command Create()
    {
        Option<string> model = CommonOptions.Model();
        Option<string> output = CommonOptions.OutputDirectory("Output directory (journal.jsonl, tokens.csv, run.json)", required: true);
        Option<string[]> templates = CommonOptions.Templates(PromptTemplate.AutoSpec);
        Option<string?> chatTemplate = CommonOptions.ChatTemplate();
        Option<string> tokens = new("--tokens") { Description = "Token ids to probe: 'all' or ranges like 0-999,2048", HelpName = "RANGE", DefaultValueFactory = _ => "all" };
        Option<int?> sample = new("--sample") { Description = "Probe a seeded random sample of N of the selected ids", HelpName = "N" };
        Option<int> seed = new("--seed") { Description = "Seed for --sample and the harvest", HelpName = "S", DefaultValueFactory = _ => 42 };
        Option<int?> batch = BatchOption();
        Option<int> threads = CommonOptions.Threads();
        Option<string> threshold = new("--threshold")
        {
            Description = "A token fails when its best template's repeat_prob is below this: 'auto' picks it from the data " +
                          "(Otsu's split of log10 repeat_prob; 0.01 when the data has no two groups) or give a probability",
            HelpName = "P",
            DefaultValueFactory = _ => "auto",
        };
        Option<string?> shard = new("--shard") { Description = "Scan a deterministic 1/n share: the blocks k of selected ids (as many as the largest B) with k mod n = i, every template's groups in them", HelpName = "i/n" };
        Option<bool> resume = new("--resume") { Description = "Continue the journal in --out where it stopped" };
        Option<bool> noHarvest = new("--no-harvest") { Description = "Skip the T→0⁻ harvest" };
        Option<string?> harvestPrompts = new("--harvest-prompts")
        {
            Description = "File of prompts for the T→0⁻ harvest, one per line (default: BOS alone — the model's own text, in whatever language it knows). " +
                          "Changing it, or --no-harvest, on a finished scan with --resume reruns only the harvest",
            HelpName = "FILE",
        };
        Option<int> attempts = new("--attempts")
        {
            Description = $"Sampled answers per probe besides the greedy one (1-{AttemptSettings.MaxCount}), at --attempt-temperature; repeat_rate is the share " +
                          "that spells the token. Batched: each attempt is a KV sequence sharing its probe's cells",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        Option<double> attemptTemperature = new("--attempt-temperature")
        {
            Description = "Temperature of the sampled answers; 0 (the default) = the greedy answer only",
            HelpName = "T",
            DefaultValueFactory = _ => 0,
        };
        Option<string?> vocabFilter = CommonOptions.VocabFilter("Restrict the T→0⁻ harvest's sampling (the probes still cover every --tokens id)");
        Option<bool> naive = new("--naive") { Description = "Use the naive runner (one probe at a time, full prompt): the baseline and oracle" };
        Option<int> answerTokens = AnswerTokensOption();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        Option<bool> noAnalyze = new("--no-analyze") { Description = "Skip adding the embedding geometry (see analyze)" };
        Option<string?> candidates = new("--candidates")
        {
            Description = "Two-stage scan: probe only the K lowest-ranked tokens by --rank-by (K or P% of the selected tokens) — " +
                          "with --control, run.json's estimate says how many failures the rest holds",
            HelpName = "K|P%",
        };
        Option<string?> control = new("--control")
        {
            Description = "Two-stage scan: also probe a seeded random sample of the rest (N or P%), stratified by --rank-by decile and token category, " +
                          "to estimate the failures outside the candidates with 95 % intervals and the ranking's recall",
            HelpName = "N|P%",
        };
        Option<string?> budget = new("--budget")
        {
            Description = "Two-stage scan within a budget of probes (tokens × templates) or time (90m, 2h, 1h30m — measured on a first group; " +
                          "not with --shard), split half candidates, half control",
            HelpName = "PROBES|DURATION",
        };
        Option<string> rankBy = new("--rank-by")
        {
            Description = "Geometry measure the two-stage candidates are the lowest of: magikarp_indicator (default), centroid_cosine, centroid_distance, embedding_norm (out_ ones when untied)",
            HelpName = "MEASURE",
            DefaultValueFactory = _ => TwoStageRequest.DefaultRankBy,
        };
        Option<bool> dryRun = new("--dry-run") { Description = "Print the plan and the time a first group projects for it, then stop (nothing is written)" };
        Option<bool> exact = new("--exact")
        {
            Description = "float32 KV cache and no flash attention: results independent of batching to ~1e-5 in log p (default: ~5e-3, ~1.6x faster)",
        };

        var command = new Command("scan",
            "Probe every token id with \"repeat the word X\" templates (teacher forcing, batched), harvest T→0⁻ generations, " +
            "and write tokens.csv and run.json. Results are journaled as each batch completes: Ctrl-C or SIGTERM (a scheduler) stops after " +
            "the current batch (exit 130 / 143), a crash or kill -9 loses at most the batch in flight; --resume continues exactly.")
        {
            model, output, templates, chatTemplate, tokens, sample, seed, batch, threads, threshold, shard, resume, noHarvest, harvestPrompts, vocabFilter,
            naive, exact, answerTokens, attempts, attemptTemperature, gpuLayers, noAnalyze, candidates, control, budget, rankBy, dryRun,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            VocabFilter? filter = parse.GetValue(vocabFilter) is { } spec ? VocabFilter.Parse(spec) : null;
            if (filter is not null && parse.GetValue(noHarvest)) throw new InputException("--vocab-filter restricts the harvest; it cannot go with --no-harvest");
            if (parse.GetValue(harvestPrompts) is not null && parse.GetValue(noHarvest)) throw new InputException("--harvest-prompts gives the harvest's prompts; it cannot go with --no-harvest");
            IReadOnlyList<string>? prompts = parse.GetValue(harvestPrompts) is { } promptFile ? HarvestSettings.ReadPrompts(promptFile) : null;
            AttemptSettings sampling = AttemptSettings.Create(parse.GetValue(attempts), parse.GetValue(attemptTemperature), parse.GetValue(seed));
            // The default batch shrinks to what the attempts leave room for; a batch given explicitly is checked as given.
            bool batchGiven = parse.GetValue(batch) is not null;
            BatchSizes probesPerDecode = parse.GetValue(batch) is int b ? BatchSizes.Fixed(b) : BatchSizes.Default(sampling);
            string outDir = parse.GetValue(output)!;
            // --resume without --batch continues at the journal's B (a scan begun under an older default included).
            string journalPath = Path.Combine(outDir, ScanJournal.FileName);
            if (parse.GetValue(resume) && !batchGiven && File.Exists(journalPath) && new FileInfo(journalPath).Length > 0 &&
                ScanJournal.ReadHeader(journalPath).ReadSettings() is { } journaled)
            {
                probesPerDecode = journaled.Batches;
            }
            TwoStageRequest? twoStage = parse.GetValue(candidates) is null && parse.GetValue(control) is null && parse.GetValue(budget) is null
                ? null
                : new TwoStageRequest(parse.GetValue(candidates), parse.GetValue(control), parse.GetValue(budget), parse.GetValue(rankBy)!);
            if (twoStage is null && parse.GetResult(rankBy) is { Implicit: false }) throw new InputException("--rank-by orders the candidates of a two-stage scan: add --candidates, --control or --budget");
            if (!parse.GetValue(dryRun) && !parse.GetValue(resume) && File.Exists(Path.Combine(outDir, ScanJournal.FileName)) && new FileInfo(Path.Combine(outDir, ScanJournal.FileName)).Length > 0)
            {
                throw new InputException($"--out '{outDir}' already holds a scan journal: add --resume to continue it, or choose another --out");
            }
            CommonOptions.InitializeRuntime(parse);
            var request = new ScanRequest(
                parse.GetValue(model)!, outDir, parse.GetValue(templates)!, new TokenSelection(parse.GetValue(tokens)!, parse.GetValue(sample), parse.GetValue(seed)),
                probesPerDecode, parse.GetValue(threads), parse.GetValue(threshold)!, parse.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All,
                parse.GetValue(resume), !parse.GetValue(noHarvest), parse.GetValue(naive), parse.GetValue(exact), CheckAnswerTokens(parse.GetValue(answerTokens)),
                !parse.GetValue(noAnalyze), filter, parse.GetValue(gpuLayers), parse.GetValue(chatTemplate), sampling, prompts, twoStage, parse.GetValue(dryRun));
            ScanJobResult result = ScanProgress.Run(progress => ScanJob.Run(request, progress, cancellation));
            if (result.DryRun is { } dry)
            {
                Console.Out.WriteLine(dry.Plan);
                Console.Out.WriteLine($"measured: {dry.Throughput.Probes} probes in {dry.Throughput.Seconds:F2} s = {dry.Throughput.ProbesPerSecond:F1} probes/s; " +
                    $"projected: {Scanner.Duration(dry.Projected)} for {dry.Probes} probes (plus the harvest and the analysis)");
                return ExitCodes.Ok;
            }
            if (result.Interrupted)
            {
                Console.Error.WriteLine($"anomalyprobe: interrupted; {result.ProbesThisRun} probes of this run are kept in {result.JournalPath}. Continue with the same command plus --resume.");
                return ExitCodes.Interrupted;
            }
            if (result.Analysis is { } analysis) AnalyzeCommand.Print(analysis, Console.Out);
            ScanSummary.Print(result.Run!, outDir, Console.Out);
            return ExitCodes.Ok;
        })));
        return command;
    }
}
