using System.Diagnostics;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Bench;

/// <summary>A figure measured several times: the median and the range of the runs.</summary>
public sealed record Measured(double Median, double Min, double Max)
{
    public static Measured Of(IReadOnlyList<double> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        double[] sorted = [.. runs.Order()];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Measured(median, sorted[0], sorted[^1]);
    }
}

/// <summary>One template's figures, all measured in the same run on the same model; medians of the repeats.</summary>
/// <param name="Name">Template name.</param>
/// <param name="Batch">Its probes per decode (B).</param>
/// <param name="SuffixTokens">Tokens a probe adds after the shared prefix (the inserted id + the suffix).</param>
/// <param name="DecodedTokensPerProbe">Suffix tokens plus the greedy answer's extra steps.</param>
/// <param name="NaiveProbesPerS">The baseline: one probe at a time, full prompt.</param>
/// <param name="BatchedProbesPerS">The batch runner.</param>
/// <param name="Ratio">Batched ÷ naive.</param>
/// <param name="CeilingTokensPerS">Raw llama_decode throughput on the runner's own work: each group's suffixes and the answer tokens it fed back, with the same output rows, timed right after the group, in one decode or as the runner's decodes back to back, whichever is faster.</param>
/// <param name="Efficiency">The ceiling's time for the groups ÷ the batched runner's (equally: their tokens/s), per repeat.</param>
/// <param name="SuffixTokensPerS">The suffixes alone in one decode (one output row per probe): the rate the decode phases are set against.</param>
/// <param name="ProjectedFullScanS">Seconds for this template over the whole vocabulary at the median batched rate.</param>
/// <param name="Phases">Where the batched runner's time went, per phase.</param>
/// <param name="Attempts">With sampled attempts: their cost against greedy answers alone; null otherwise.</param>
public sealed record TemplateBenchmark(
    string Name, int Batch, int SuffixTokens, int DecodedTokensPerProbe, Measured NaiveProbesPerS, Measured BatchedProbesPerS, double Ratio,
    Measured CeilingTokensPerS, Measured Efficiency, Measured SuffixTokensPerS, double ProjectedFullScanS, IReadOnlyList<PhaseBenchmark> Phases,
    AttemptsBenchmark? Attempts = null)
{
    /// <summary>
    /// An efficiency outside (0, 1.05] cannot be a property of the runner (it decodes the same batches
    /// the ceiling times): the machine's load changed between the two measurements.
    /// </summary>
    public bool Noisy => Efficiency.Min <= 0 || Efficiency.Max > ProbeBenchmark.MaxPlausibleEfficiency;
}

/// <summary>One phase of the batched runner (<see cref="RunnerPhases"/>), over the repeats.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Share">Its fraction of the batched runner's time.</param>
/// <param name="Efficiency">For a decoding phase, its tokens/s ÷ the suffix-only decode's; null for the others.</param>
public sealed record PhaseBenchmark(RunnerPhase Phase, Measured Share, Measured? Efficiency);

/// <summary>Sampled attempts against the greedy answer alone, both batched at the batch the attempts allow.</summary>
/// <param name="Count">Sampled answers per probe.</param>
/// <param name="Batch">Probes per decode of both runs.</param>
/// <param name="GreedyProbesPerS">Probes/s with the greedy answer only.</param>
/// <param name="AttemptsProbesPerS">Probes/s with the greedy answer and the sampled ones.</param>
public sealed record AttemptsBenchmark(int Count, int Batch, double GreedyProbesPerS, double AttemptsProbesPerS)
{
    /// <summary>How many times longer a probe takes with the attempts (N attempts as N probes would be N + 1).</summary>
    public double Cost => GreedyProbesPerS / AttemptsProbesPerS;
}

/// <summary>The suffix-only decode of the first template at one thread count.</summary>
public sealed record ThreadScalingPoint(int Threads, double CeilingTokensPerS, double Speedup);

public sealed record BenchmarkResult(
    string Model, string Description, int VocabularySize, string Batch, int Threads, bool Exact, int AnswerTokens, int Repeats,
    IReadOnlyList<TemplateBenchmark> Templates, IReadOnlyList<ThreadScalingPoint> ThreadScaling)
{
    /// <summary>Seconds for a full scan with every template.</summary>
    public double ProjectedFullScanS => Templates.Sum(t => t.ProjectedFullScanS);
}

/// <summary>
/// Measures the naive and batched runners and the raw decode ceiling per template, interleaved in
/// one process so machine noise hits all three alike, <c>repeats</c> times over (median and range):
/// ratios, not absolute seconds, are the result. Then the suffix-only decode from 1 thread to the
/// thread count.
/// </summary>
public static class ProbeBenchmark
{
    /// <summary>Above this an efficiency is a noisy measurement, not a fast runner.</summary>
    public const double MaxPlausibleEfficiency = 1.05;

    /// <summary>Runs the benchmark: <paramref name="groups"/> batched groups and <paramref name="naiveProbes"/> naive probes per template and repeat.</summary>
    public static BenchmarkResult Run(LlamaModel model, IReadOnlyList<TemplateTokens> tokenized, BatchSizes batches, int threads, bool exact,
        int groups = 2, int naiveProbes = 16, int answerTokens = 3, Action<string>? progress = null, AttemptSettings? attempts = null, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenized);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        int vocabulary = model.Vocabulary.Count;
        int[] batchOf = batches.For([.. tokenized.Select(t => t.Template)]);
        // Probe ids spread over the vocabulary, the same for every runner; a template takes its groups' worth from the start.
        int[] allIds = Enumerable.Range(0, groups * batchOf.Max()).Select(i => (int)((long)i * 7919 % vocabulary)).ToArray();

        // The scan's runner: a context per template, reopened as the templates alternate below.
        using var batched = new PerTemplateRunner(model, batchOf, answerTokens, threads, exact);
        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor(tokenized, answerTokens, threads, exact));
        using var naive = new NaiveRunner(naiveContext, answerTokens);
        // Sampled attempts, and greedy answers at the same batch for the comparison.
        int attemptBatch = attempts is { Sampled: true } ? Math.Min(batches.Probes, BatchRunner.MaxBatchProbesFor(attempts)) : 0;
        int[] attemptBatches = [.. tokenized.Select(_ => attemptBatch)];
        using PerTemplateRunner? sampled = attemptBatch > 0 ? new PerTemplateRunner(model, attemptBatches, answerTokens, threads, exact, attempts) : null;
        using PerTemplateRunner? greedy = attemptBatch > 0 ? new PerTemplateRunner(model, attemptBatches, answerTokens, threads, exact) : null;

        var batchedRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var naiveRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var ceilingRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var efficiencyRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var phaseRuns = tokenized.Select(_ => new List<(RunnerPhases Phases, double SuffixRate)>()).ToArray();
        var attemptFigures = new AttemptsBenchmark?[tokenized.Count];
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            for (int t = 0; t < tokenized.Count; t++)
            {
                TemplateTokens template = tokenized[t];
                int batch = batchOf[t];
                int[] ids = allIds[..(groups * batch)];
                string run = repeats > 1 ? $" (run {repeat + 1} of {repeats})" : "";
                using var ceiling = new CeilingDecoder(model, BatchRunner.ContextFor([template], batch, answerTokens, threads, exact), batch, answerTokens);
                progress?.Invoke($"{template.Template.Name}: warm-up");
                batched.Run(t, template, ids.AsSpan(0, Math.Min(batch, 8)));
                ceiling.Seconds(template, ids.AsSpan(0, batch));
                if (repeat == 0) naive.Run(t, template, ids.AsSpan(0, 1));
                // Each group through the runner, then the same work as one raw decode and the suffixes
                // alone: alternating at this grain, a change in the machine's load hits every side alike.
                progress?.Invoke($"{template.Template.Name}: batched runner and raw decode ceiling, {ids.Length} probes{run}");
                batched.Current!.Phases.Reset();
                double runnerSeconds = 0, ceilingSeconds = 0, suffixSeconds = 0;
                for (int g = 0; g < groups; g++)
                {
                    int[] group = ids[(g * batch)..((g + 1) * batch)];
                    IReadOnlyList<ProbeResult> found = [];
                    runnerSeconds += Time(() => found = batched.Run(t, template, group));
                    ceilingSeconds += Math.Min(ceiling.SameWorkSeconds(template, group, found), ceiling.StepsSeconds(template, group, found));
                    suffixSeconds += ceiling.Seconds(template, group);
                }
                int decoded = template.TokensPerProbe + answerTokens - 1;
                batchedRuns[t].Add(ids.Length / runnerSeconds);
                // Each repeat's efficiency from its own pair of measurements: noise between repeats does not mix in.
                ceilingRuns[t].Add((double)ids.Length * decoded / ceilingSeconds);
                efficiencyRuns[t].Add(ceilingSeconds / runnerSeconds);
                double suffixRate = (double)ids.Length * template.TokensPerProbe / suffixSeconds;
                RunnerPhases phases = batched.Current!.Phases.Snapshot();
                progress?.Invoke($"{template.Template.Name}: naive runner, {naiveProbes} probes{run}");
                naiveRuns[t].Add(naiveProbes / Time(() => naive.Run(t, template, ids.AsSpan(0, Math.Min(naiveProbes, ids.Length)))));
                phaseRuns[t].Add((phases, suffixRate));

                if (repeat == 0 && sampled is not null && greedy is not null)
                {
                    int[] attemptIds = ids[..Math.Min(ids.Length, groups * attemptBatch)];
                    sampled.Run(t, template, attemptIds.AsSpan(0, Math.Min(attemptBatch, 8)));
                    greedy.Run(t, template, attemptIds.AsSpan(0, Math.Min(attemptBatch, 8)));
                    progress?.Invoke($"{template.Template.Name}: {attempts!.Count} sampled attempts vs greedy, batch {attemptBatch}");
                    double greedyRate = attemptIds.Length / Time(() => greedy.Run(t, template, attemptIds));
                    double sampledRate = attemptIds.Length / Time(() => sampled.Run(t, template, attemptIds));
                    attemptFigures[t] = new AttemptsBenchmark(attempts!.Count, attemptBatch, greedyRate, sampledRate);
                }
            }
        }

        var results = new List<TemplateBenchmark>();
        for (int t = 0; t < tokenized.Count; t++)
        {
            int decoded = tokenized[t].TokensPerProbe + answerTokens - 1;
            Measured batchedRate = Measured.Of(batchedRuns[t]), naiveRate = Measured.Of(naiveRuns[t]);
            results.Add(new TemplateBenchmark(tokenized[t].Template.Name, batchOf[t], tokenized[t].TokensPerProbe, decoded, naiveRate, batchedRate,
                batchedRate.Median / naiveRate.Median, Measured.Of(ceilingRuns[t]), Measured.Of(efficiencyRuns[t]),
                Measured.Of([.. phaseRuns[t].Select(r => r.SuffixRate)]), vocabulary / batchedRate.Median, PhaseFigures(phaseRuns[t]), attemptFigures[t]));
        }

        progress?.Invoke("thread scaling of the suffix-only decode");
        var scaling = new List<ThreadScalingPoint>();
        foreach (int n in ScalingCounts(threads))
        {
            using var decoder = new CeilingDecoder(model, BatchRunner.ContextFor([tokenized[0]], batchOf[0], answerTokens, n, exact), batchOf[0], answerTokens);
            int[] group = allIds[..batchOf[0]];
            decoder.Seconds(tokenized[0], group);
            double rate = Measured.Of([.. Enumerable.Range(0, 3 * repeats).Select(_ => group.Length * tokenized[0].TokensPerProbe / decoder.Seconds(tokenized[0], group))]).Median;
            scaling.Add(new ThreadScalingPoint(n, rate, scaling.Count == 0 ? 1 : rate / scaling[0].CeilingTokensPerS));
        }
        return new BenchmarkResult(model.Path, model.Description, vocabulary, batches.ToString(), threads, exact, answerTokens, repeats, results, scaling);
    }

    // Each repeat's phase shares, and the decoding phases' rate against that repeat's suffix-only decode.
    private static List<PhaseBenchmark> PhaseFigures(List<(RunnerPhases Phases, double SuffixRate)> runs) =>
        [.. Enum.GetValues<RunnerPhase>().Select(phase =>
        {
            Measured share = Measured.Of([.. runs.Select(r => r.Phases.Seconds(phase) / r.Phases.TotalSeconds)]);
            bool decodes = runs.All(r => r.Phases.Tokens(phase) > 0);
            Measured? efficiency = decodes ? Measured.Of([.. runs.Select(r => r.Phases.Tokens(phase) / r.Phases.Seconds(phase) / r.SuffixRate)]) : null;
            return new PhaseBenchmark(phase, share, efficiency);
        })];

    // 1, 2, 4, ... and the thread count itself.
    private static List<int> ScalingCounts(int threads)
    {
        var counts = new List<int>();
        for (int n = 1; n < threads; n *= 2) counts.Add(n);
        counts.Add(threads);
        return counts;
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// The raw decode ceiling: a group's work decoded the fastest way llama.cpp does it, in a context
/// of the runner's settings, starting from the state the runner starts from (B sequences holding
/// the prefix): one <c>llama_decode</c> of everything, or the runner's own decodes back to back
/// with nothing between them (on a wide batch of one-token probes the single decode splits into
/// unequal micro-batches and is the slower). The runner decodes the same tokens with the same
/// output rows, but its answer tokens wait for the argmax of the step before.
/// </summary>
internal sealed class CeilingDecoder : IDisposable
{
    private readonly LlamaContext _context;
    private readonly LlamaBatch _batch;
    private TemplateTokens? _prefixLoaded;

    /// <summary>
    /// A decoder in a context of <paramref name="options"/>, its batch widened to hold every probe's
    /// answer tokens too, and its micro-batch with it up to llama.cpp's usual 512 (the runner's, sized
    /// for its own decodes, would cut the one decode back into the runner's steps).
    /// </summary>
    public CeilingDecoder(LlamaModel model, ContextOptions options, int probes, int answerTokens)
    {
        int wide = options.BatchSize + probes * (answerTokens - 1);
        _context = LlamaContext.Create(model, options with { BatchSize = wide, MicroBatchSize = Math.Max(options.MicroBatchSize, Math.Min(wide, 512)) });
        _batch = new LlamaBatch(_context.BatchSize);
    }

    /// <summary>Seconds of the decode of the group's suffixes alone (not the batch building around it).</summary>
    public double Seconds(TemplateTokens template, ReadOnlySpan<int> tokens) => SameWorkSeconds(template, tokens, []);

    /// <summary>
    /// Seconds of one decode of the runner's whole work on a group: each probe's suffix followed by
    /// the answer tokens the runner fed back (all but the last), with an output row wherever the
    /// runner asked for one. No schedule that decodes these tokens can take less.
    /// </summary>
    public double SameWorkSeconds(TemplateTokens template, ReadOnlySpan<int> tokens, IReadOnlyList<ProbeResult> answers)
    {
        LoadPrefix(template);
        _batch.Clear();
        for (int j = 0; j < tokens.Length; j++)
        {
            BatchRunner.AddProbe(_batch, template, j, tokens[j]);
            if (answers.Count == 0) continue;
            int[] answer = answers[j].Answer;
            for (int step = 0; step < answer.Length - 1; step++) BatchRunner.AddAnswer(_batch, template, j, step, answer[step]);
        }
        long start = Stopwatch.GetTimestamp();
        _context.DecodeOrThrow(_batch);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        BatchRunner.ClearGroup(_context, template, tokens.Length);
        return seconds;
    }

    /// <summary>
    /// Seconds of the runner's decodes of a group replayed with the answers it found: the suffixes,
    /// then each answer step's tokens, timed decode by decode (no logit reading or batch building).
    /// </summary>
    public double StepsSeconds(TemplateTokens template, ReadOnlySpan<int> tokens, IReadOnlyList<ProbeResult> answers)
    {
        LoadPrefix(template);
        double seconds = 0;
        int steps = answers.Count == 0 ? 0 : answers[0].Answer.Length - 1;
        for (int step = -1; step < steps; step++)
        {
            _batch.Clear();
            for (int j = 0; j < tokens.Length; j++)
            {
                if (step < 0) BatchRunner.AddProbe(_batch, template, j, tokens[j]);
                else BatchRunner.AddAnswer(_batch, template, j, step, answers[j].Answer[step]);
            }
            long start = Stopwatch.GetTimestamp();
            _context.DecodeOrThrow(_batch);
            seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        BatchRunner.ClearGroup(_context, template, tokens.Length);
        return seconds;
    }

    private void LoadPrefix(TemplateTokens template)
    {
        if (ReferenceEquals(_prefixLoaded, template)) return;
        _prefixLoaded = null;
        BatchRunner.LoadPrefix(_context, template, _context.MaxSequences);
        _prefixLoaded = template;
    }

    public void Dispose() => _context.Dispose();
}
