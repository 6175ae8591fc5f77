using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Tokenizers;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>When and how fast a scan ran (for run.json only; tokens.csv has no timing).</summary>
public sealed record ScanTiming(DateTime StartedUtc, DateTime FinishedUtc, int Probes, double ProbeSeconds);

/// <summary>
/// Turns journaled probes into the scan's files: <c>tokens.csv</c> (one row per probed token, built
/// only from the journal and the vocabulary, so a resumed or merged scan gives the same bytes) and
/// <c>run.json</c>.
/// </summary>
public static class ScanOutputs
{
    /// <summary>Output file names.</summary>
    public const string TokensFile = "tokens.csv", RunFile = "run.json";

    /// <summary>Builds the rows of every probed token from the committed probes.</summary>
    public static (TokensTable Table, FailureThreshold Threshold) Build(
        IReadOnlyList<ProbeResult> probes, IReadOnlyDictionary<int, int>? harvest, IReadOnlyList<PromptTemplate> templates,
        Vocabulary vocabulary, string thresholdSpec)
    {
        string[] names = templates.Select(t => t.Name).ToArray();
        // Token type and reachability as the tokenizer audit defines them (one definition everywhere).
        IReadOnlyList<AuditRecord> audit = TokenizerAudit.Run(vocabulary);
        var byToken = new SortedDictionary<int, ProbeResult?[]>();
        var argminHits = new Dictionary<int, int>();
        foreach (ProbeResult p in probes)
        {
            if (!byToken.TryGetValue(p.Token, out var perTemplate)) byToken[p.Token] = perTemplate = new ProbeResult?[names.Length];
            perTemplate[p.TemplateIndex] = p;
            argminHits[p.Stats.Argmin] = argminHits.GetValueOrDefault(p.Stats.Argmin) + 1;
        }
        foreach (var (token, perTemplate) in byToken)
        {
            int missing = Array.IndexOf(perTemplate, null);
            if (missing >= 0) throw new InputException($"token {token} has no result for template '{names[missing]}': the scan is incomplete");
        }

        double[] best = byToken.Values.Select(r => r.Max(p => p!.Stats.Probability)).ToArray();
        FailureThreshold threshold = ChooseThreshold(thresholdSpec, best);

        var rows = new List<TokenRow>(byToken.Count);
        foreach (var (token, perTemplate) in byToken)
        {
            int bestIndex = 0;
            for (int t = 1; t < perTemplate.Length; t++)
            {
                if (perTemplate[t]!.Stats.LogProb > perTemplate[bestIndex]!.Stats.LogProb) bestIndex = t;
            }
            ProbeResult top = perTemplate[bestIndex]!;
            byte[] piece = vocabulary.TokenToPiece(token, special: true);
            byte[] answer = vocabulary.Detokenize(top.Answer);
            rows.Add(new TokenRow
            {
                TokenId = token,
                Bytes = piece,
                TokenType = audit[token].TokenType,
                Reachable = audit[token].Reachable,
                BestTemplate = names[bestIndex],
                AnswerStartsWithToken = top.Answer[0] == token || (piece.Length > 0 && answer.AsSpan().StartsWith(piece)),
                Failed = threshold.IsFailure(top.Stats.Probability),
                NegAnswer = top.Stats.Argmin,
                ArgminHits = argminHits.GetValueOrDefault(token),
                NegTempHits = harvest?.GetValueOrDefault(token) ?? 0,
                Templates = names.Select((name, t) => (name, r: perTemplate[t]!)).ToDictionary(
                    x => x.name,
                    x => new TemplateResult(x.r.Stats.Probability, x.r.Stats.Rank, PieceText.Escape(vocabulary.Detokenize(x.r.Answer)))),
            });
        }
        return (new TokensTable { Templates = names, Rows = rows }, threshold);
    }

    /// <summary>Writes tokens.csv and run.json into <paramref name="directory"/>.</summary>
    public static RunInfo Write(
        string directory, ScanSettings settings, Shard shard, int threads, int gpuLayers, JournalContents journal,
        Vocabulary vocabulary, string thresholdSpec, ScanTiming timing)
    {
        var (table, threshold) = Build(journal.Probes, journal.Harvest, settings.Templates, vocabulary, thresholdSpec);
        TokensCsv.Write(Path.Combine(directory, TokensFile), table);
        var info = new RunInfo
        {
            Tool = ToolIdentity.Tool,
            Engine = LlamaRuntime.Engine,
            Model = new ModelInfo(settings.ModelPath, Path.GetFileName(settings.ModelPath), settings.ModelSize, settings.ModelSha256),
            Templates = settings.Templates.Select(t => new TemplateInfo(t.Name, t.SourcePath.Length > 0 ? t.SourcePath : null, t.Text)).ToList(),
            Settings = new RunSettings
            {
                Tokens = settings.Tokens.Spec,
                Sample = settings.Tokens.Sample,
                Seed = settings.Tokens.Seed,
                Batch = settings.BatchProbes,
                Threads = threads,
                GpuLayers = gpuLayers,
                Shard = shard.Count > 1 ? shard.ToString() : null,
                Runner = (settings.Naive ? "naive" : "batched") + (settings.Exact ? ", exact" : ""),
                Harvest = HarvestDescription(settings.Harvest),
            },
            Threshold = threshold,
            Counts = new RunCounts(table.Rows.Count, journal.Probes.Count, table.Rows.Count(r => r.Failed)),
            StartedUtc = timing.StartedUtc,
            FinishedUtc = timing.FinishedUtc,
            ElapsedS = (timing.FinishedUtc - timing.StartedUtc).TotalSeconds,
            ProbesPerS = timing.ProbeSeconds > 0 ? timing.Probes / timing.ProbeSeconds : 0,
        };
        info.Write(Path.Combine(directory, RunFile));
        return info;
    }

    /// <summary>"auto" (Otsu on log10 p, falling back to 0.01 when the data has no two groups) or a probability.</summary>
    public static FailureThreshold ChooseThreshold(string spec, IReadOnlyList<double> bestProbabilities)
    {
        if (spec.Equals("auto", StringComparison.OrdinalIgnoreCase)) return FailureThreshold.Choose(bestProbabilities).OrFixed();
        if (double.TryParse(spec, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p is > 0 and < 1)
        {
            return FailureThreshold.Fixed(p);
        }
        throw new InputException($"'{spec}' must be 'auto' or a probability in (0, 1)") { Parameter = "threshold" };
    }



    private static Dictionary<string, string> HarvestDescription(HarvestSettings harvest)
    {
        if (!harvest.Enabled) return new() { ["enabled"] = "false" };
        var description = new Dictionary<string, string>
        {
            ["prompts"] = string.Join(" | ", harvest.Prompts.Select(p => p.Length == 0 ? "<BOS>" : p)),
            ["temperatures"] = string.Join(",", harvest.Temperatures),
            ["tokens_per_run"] = harvest.TokensPerRun.ToString(CultureInfo.InvariantCulture),
            ["seed"] = harvest.Seed.ToString(CultureInfo.InvariantCulture),
        };
        // Only when given, so run.json of an unfiltered scan reads as before the option existed.
        if (harvest.VocabFilter is { } filter) description["vocab_filter"] = filter.Spec;
        return description;
    }
}
