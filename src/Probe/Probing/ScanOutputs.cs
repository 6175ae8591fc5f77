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

    /// <summary>
    /// Builds the rows of every probed token from the committed probes. <paramref name="weights"/> (a
    /// two-stage scan's design weights by id) make the automatic threshold one for the whole
    /// selection, not for the oversampled candidates.
    /// </summary>
    public static (TokensTable Table, FailureThreshold Threshold) Build(
        IReadOnlyList<ProbeResult> probes, IReadOnlyDictionary<int, int>? harvest, IReadOnlyList<PromptTemplate> templates,
        Vocabulary vocabulary, string thresholdSpec, IReadOnlyDictionary<int, double>? weights = null)
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
        double[]? weight = weights is null ? null : byToken.Keys.Select(id => weights.TryGetValue(id, out double w) ? w : 1).ToArray();
        FailureThreshold threshold = ChooseThreshold(thresholdSpec, best, weight);

        string?[] closing = templates.Select(t => TextRepetition.ClosingMark(t.Suffix)).ToArray();
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
            rows.Add(new TokenRow
            {
                TokenId = token,
                Bytes = piece,
                TokenType = audit[token].TokenType,
                Reachable = audit[token].Reachable,
                BestTemplate = names[bestIndex],
                Failed = threshold.IsFailure(top.Stats.Probability),
                NegAnswer = top.Stats.Argmin,
                ArgminHits = argminHits.GetValueOrDefault(token),
                NegTempHits = harvest?.GetValueOrDefault(token) ?? 0,
                Templates = names.Select((name, t) => (name, r: perTemplate[t]!)).ToDictionary(x => x.name, x => Result(x.r, piece, closing[x.r.TemplateIndex], vocabulary)),
            });
        }
        return (new TokensTable { Templates = names, Rows = rows }, threshold);
    }

    // One template's columns: the teacher-forced numbers, the greedy answer and whether it and the
    // sampled answers spell the token's text.
    private static TemplateResult Result(ProbeResult probe, byte[] piece, string? closing, Vocabulary vocabulary)
    {
        bool repeated = Verdict(probe.Answer, piece, closing, vocabulary) == Repetition.Repeated;
        double rate = probe.Attempts is { Length: > 0 } attempts
            ? (double)attempts.Count(a => Verdict(a, piece, closing, vocabulary) == Repetition.Repeated) / attempts.Length
            : repeated ? 1 : 0;
        return new TemplateResult(probe.Stats.Probability, probe.Stats.Rank, PieceText.Escape(vocabulary.Detokenize(probe.Answer)), repeated, rate);
    }

    /// <summary>How an answer's pieces, concatenated, relate to the token's piece (<see cref="TextRepetition"/>).</summary>
    public static Repetition Verdict(int[] answer, byte[] piece, string? closing, Vocabulary vocabulary)
    {
        var text = new List<byte>(piece.Length + 16);
        foreach (int id in answer) text.AddRange(vocabulary.TokenToPiece(id, special: true));
        return TextRepetition.Judge(piece, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(text), closing);
    }

    /// <summary>Writes tokens.csv and run.json into <paramref name="directory"/>.</summary>
    public static RunInfo Write(
        string directory, ScanSettings settings, Shard shard, int? threads, int gpuLayers, JournalContents journal,
        LlamaModel model, string thresholdSpec, ScanTiming timing, int? mergedShards = null)
    {
        Vocabulary vocabulary = model.Vocabulary;
        List<TemplateTokens> tokenized = TemplateTokens.CreateAll(settings.Templates, model, settings.ChatTemplate);
        var harvest = settings.Harvest.Enabled ? journal.HarvestFor(settings.Harvest) : null;
        var (table, threshold) = Build(journal.Probes, harvest, settings.Templates, vocabulary, thresholdSpec, settings.Design?.Weights());
        TokensCsv.Write(Path.Combine(directory, TokensFile), table);
        var info = new RunInfo
        {
            Tool = ToolIdentity.Tool,
            Engine = LlamaRuntime.Engine,
            Model = new ModelInfo(settings.ModelPath, Path.GetFileName(settings.ModelPath), settings.ModelSize, settings.ModelSha256),
            Templates = tokenized.Select(t => new TemplateInfo(
                t.Template.Name, t.Template.SourcePath.Length > 0 ? t.Template.SourcePath : null, t.Template.Text, t.ChatFormat, t.Prefix, t.Suffix,
                settings.Batches.For(t.Template))).ToList(),
            Settings = new RunSettings
            {
                Tokens = settings.Tokens.Spec,
                Sample = settings.Tokens.Sample,
                Seed = settings.Tokens.Seed,
                Batch = settings.BatchProbes,
                Threads = threads,
                GpuLayers = gpuLayers,
                Shard = shard.Count > 1 ? shard.ToString() : null,
                MergedShards = mergedShards,
                Runner = (settings.Naive ? "naive" : "batched") + (settings.Exact ? ", exact" : ""),
                AnswerTokens = settings.AnswerTokens,
                Attempts = settings.Sampling.Count,
                AttemptTemperature = settings.Sampling.Temperature,
                TwoStage = settings.DesignRequest,
                RankBy = settings.Design?.RankBy,
                Harvest = HarvestDescription(settings.Harvest),
            },
            Threshold = threshold,
            Counts = new RunCounts(table.Rows.Count, journal.Probes.Count, table.Rows.Count(r => r.Failed), table.Rows.Count(r => r.TextRepeated),
                TooShort(journal.Probes, settings.Templates, table, vocabulary)),
            StartedUtc = timing.StartedUtc,
            FinishedUtc = timing.FinishedUtc,
            ElapsedS = (timing.FinishedUtc - timing.StartedUtc).TotalSeconds,
            ProbesPerS = timing.ProbeSeconds > 0 ? timing.Probes / timing.ProbeSeconds : 0,
            // A shard holds only part of the sample: the estimate is the merged scan's.
            Estimate = settings.Design is { } design && shard.Count == 1 ? Estimate(design, table, threshold, journal.Probes.Count, settings.Tokens.Seed) : null,
        };
        info.Write(Path.Combine(directory, RunFile));
        return info;
    }

    // Tokens whose best template's greedy answer stopped inside their text.
    private static int TooShort(IReadOnlyList<ProbeResult> probes, IReadOnlyList<PromptTemplate> templates, TokensTable table, Vocabulary vocabulary)
    {
        var templateIndex = table.Templates.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var best = table.Rows.ToDictionary(r => r.TokenId, r => templateIndex[r.BestTemplate]);
        return probes.Count(p => best.TryGetValue(p.Token, out int t) && t == p.TemplateIndex
            && Verdict(p.Answer, vocabulary.TokenToPiece(p.Token, special: true), TextRepetition.ClosingMark(templates[p.TemplateIndex].Suffix), vocabulary) == Repetition.TooShort);
    }

    /// <summary>
    /// What a two-stage scan's probes say about the whole selection (<see cref="StratifiedEstimate"/>);
    /// with an automatic threshold the interval includes the threshold's own sampling uncertainty.
    /// </summary>
    public static FailureEstimate Estimate(SelectionDesign design, TokensTable table, FailureThreshold threshold, int probes, int seed)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(threshold);
        var best = table.Rows.ToDictionary(r => r.TokenId, r => r.RepeatProb);
        double[] candidates = design.Candidates.Select(id => best[id]).ToArray();
        var strata = design.Strata.Select(s => (s.Size, s.Sampled.Select(id => best[id]).ToArray())).ToList();
        Func<double[], double[], double>? rechoose = threshold.Method == ThresholdMethod.AutoOtsu
            ? (values, weights) => FailureThreshold.Choose(values, weights).OrFixed().Value
            : null;
        return StratifiedEstimate.Compute(candidates, strata, threshold.Value, rechoose, probes, design.Population, seed);
    }

    /// <summary>"auto" (Otsu on log10 p, falling back to 0.01 when the data has no two groups) or a probability.</summary>
    public static FailureThreshold ChooseThreshold(string spec, IReadOnlyList<double> bestProbabilities, IReadOnlyList<double>? weights = null)
    {
        if (spec.Equals("auto", StringComparison.OrdinalIgnoreCase)) return FailureThreshold.Choose(bestProbabilities, weights).OrFixed();
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
