using System.CommandLine;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe scan</c>: probe every token with "repeat the word" templates, journaled and resumable.</summary>
internal static class ScanCommand
{
    /// <summary>Probes per decode by default (measured with <c>bench</c>: see the README).</summary>
    public const int DefaultBatch = 64;

    /// <summary>Greedy answer tokens recorded per probe by default (as Magikarp's verification does).</summary>
    public const int DefaultAnswerTokens = 3;

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
        Option<string[]> templates = new("--templates")
        {
            Description = "Template files, directories or globs (prompts/*.txt), each with exactly one {token} slot; 'builtin' (the default) = the chat, completion and induction templates built into the tool, 'builtin:NAME' one of them",
            HelpName = "FILES",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [PromptTemplate.BuiltInSpec],
        };
        Option<string> tokens = new("--tokens") { Description = "Token ids to probe: 'all' or ranges like 0-999,2048", HelpName = "RANGE", DefaultValueFactory = _ => "all" };
        Option<int?> sample = new("--sample") { Description = "Probe a seeded random sample of N of the selected ids", HelpName = "N" };
        Option<int> seed = new("--seed") { Description = "Seed for --sample and the harvest", HelpName = "S", DefaultValueFactory = _ => 42 };
        Option<int> batch = new("--batch") { Description = $"Probes per llama_decode (1-{BatchRunner.MaxBatchProbes})", HelpName = "B", DefaultValueFactory = _ => DefaultBatch };
        Option<int> threads = CommonOptions.Threads();
        Option<string> threshold = new("--threshold")
        {
            Description = "A token fails when its best template's repeat_prob is below this: 'auto' picks it from the data " +
                          "(Otsu's split of log10 repeat_prob; 0.01 when the data has no two groups) or give a probability",
            HelpName = "P",
            DefaultValueFactory = _ => "auto",
        };
        Option<string?> shard = new("--shard") { Description = "Scan a deterministic 1/n share: probe groups g with g mod n = i", HelpName = "i/n" };
        Option<bool> resume = new("--resume") { Description = "Continue the journal in --out where it stopped" };
        Option<bool> noHarvest = new("--no-harvest") { Description = "Skip the T→0⁻ harvest" };
        Option<string?> vocabFilter = CommonOptions.VocabFilter("Restrict the T→0⁻ harvest's sampling (the probes still cover every --tokens id)");
        Option<bool> naive = new("--naive") { Description = "Use the naive runner (one probe at a time, full prompt): the baseline and oracle" };
        Option<int> answerTokens = AnswerTokensOption();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        Option<bool> noAnalyze = new("--no-analyze") { Description = "Skip adding the embedding geometry (see analyze)" };
        Option<bool> exact = new("--exact")
        {
            Description = "float32 KV cache and no flash attention: results independent of batching to ~1e-5 in log p (default: ~5e-3, ~1.6x faster)",
        };

        var command = new Command("scan",
            "Probe every token id with \"repeat the word X\" templates (teacher forcing, batched), harvest T→0⁻ generations, " +
            "and write tokens.csv and run.json. Results are journaled as each batch completes: Ctrl-C, a crash or kill -9 " +
            "loses at most the batch in flight; --resume continues exactly.")
        {
            model, output, templates, tokens, sample, seed, batch, threads, threshold, shard, resume, noHarvest, vocabFilter, naive, exact, answerTokens, gpuLayers, noAnalyze,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            VocabFilter? filter = parse.GetValue(vocabFilter) is { } spec ? VocabFilter.Parse(spec) : null;
            if (filter is not null && parse.GetValue(noHarvest)) throw new InputException("--vocab-filter restricts the harvest; it cannot go with --no-harvest");
            string outDir = parse.GetValue(output)!;
            if (!parse.GetValue(resume) && File.Exists(Path.Combine(outDir, ScanJournal.FileName)) && new FileInfo(Path.Combine(outDir, ScanJournal.FileName)).Length > 0)
            {
                throw new InputException($"--out '{outDir}' already holds a scan journal: add --resume to continue it, or choose another --out");
            }
            CommonOptions.InitializeRuntime(parse);
            var request = new ScanRequest(
                parse.GetValue(model)!, outDir, parse.GetValue(templates)!, new TokenSelection(parse.GetValue(tokens)!, parse.GetValue(sample), parse.GetValue(seed)),
                parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(threshold)!, parse.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All,
                parse.GetValue(resume), !parse.GetValue(noHarvest), parse.GetValue(naive), parse.GetValue(exact), CheckAnswerTokens(parse.GetValue(answerTokens)),
                !parse.GetValue(noAnalyze), filter, parse.GetValue(gpuLayers));
            ScanJobResult result = ScanProgress.Run(progress => ScanJob.Run(request, progress, cancellation));
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
