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
/// <param name="SuffixTokens">Tokens a probe adds after the shared prefix (the inserted id + the suffix).</param>
/// <param name="DecodedTokensPerProbe">Suffix tokens plus the greedy answer's extra steps.</param>
/// <param name="NaiveProbesPerS">The baseline: one probe at a time, full prompt.</param>
/// <param name="BatchedProbesPerS">The batch runner.</param>
/// <param name="Ratio">Batched ÷ naive.</param>
/// <param name="CeilingTokensPerS">Raw llama_decode throughput on a full batch: the B probes' suffix tokens in one decode, timed after each runner group.</param>
/// <param name="Efficiency">Tokens the batched runner decodes per second (suffixes and greedy answers) ÷ the ceiling, per repeat.</param>
/// <param name="ProjectedFullScanS">Seconds for this template over the whole vocabulary at the median batched rate.</param>
/// <param name="Phases">Where the batched runner's time went, per phase.</param>
/// <param name="Attempts">With sampled attempts: their cost against greedy answers alone; null otherwise.</param>
public sealed record TemplateBenchmark(
    string Name, int SuffixTokens, int DecodedTokensPerProbe, Measured NaiveProbesPerS, Measured BatchedProbesPerS, double Ratio,
    Measured CeilingTokensPerS, Measured Efficiency, double ProjectedFullScanS, IReadOnlyList<PhaseBenchmark> Phases, AttemptsBenchmark? Attempts = null)
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
/// <param name="Efficiency">For a decoding phase, its tokens/s ÷ the ceiling; null for the others.</param>
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

/// <summary>The raw decode ceiling of the first template at one thread count.</summary>
public sealed record ThreadScalingPoint(int Threads, double CeilingTokensPerS, double Speedup);

public sealed record BenchmarkResult(
    string Model, string Description, int VocabularySize, int Batch, int Threads, bool Exact, int AnswerTokens, int Repeats,
    IReadOnlyList<TemplateBenchmark> Templates, IReadOnlyList<ThreadScalingPoint> ThreadScaling)
{
    /// <summary>Seconds for a full scan with every template.</summary>
    public double ProjectedFullScanS => Templates.Sum(t => t.ProjectedFullScanS);
}

/// <summary>
/// Measures the naive and batched runners and the raw decode ceiling per template, interleaved in
/// one process so machine noise hits all three alike, <c>repeats</c> times over (median and range):
/// ratios, not absolute seconds, are the result. Then the ceiling from 1 thread to the thread count.
/// </summary>
public static class ProbeBenchmark
{
    /// <summary>Above this an efficiency is a noisy measurement, not a fast runner.</summary>
    public const double MaxPlausibleEfficiency = 1.05;

    /// <summary>Runs the benchmark: <paramref name="groups"/> batched groups and <paramref name="naiveProbes"/> naive probes per template and repeat.</summary>
    public static BenchmarkResult Run(LlamaModel model, IReadOnlyList<TemplateTokens> tokenized, int batch, int threads, bool exact,
        int groups = 2, int naiveProbes = 16, int answerTokens = 3, Action<string>? progress = null, AttemptSettings? attempts = null, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenized);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        int vocabulary = model.Vocabulary.Count;
        // Probe ids spread over the vocabulary, the same for every runner.
        int[] ids = Enumerable.Range(0, groups * batch).Select(i => (int)((long)i * 7919 % vocabulary)).ToArray();

        using LlamaContext batchContext = LlamaContext.Create(model, BatchRunner.ContextFor(tokenized, batch, answerTokens, threads, exact));
        using var batched = new BatchRunner(batchContext, batch, answerTokens);
        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor(tokenized, answerTokens, threads, exact));
        using var naive = new NaiveRunner(naiveContext, answerTokens);
        // Sampled attempts, and greedy answers at the same batch for the comparison.
        int attemptBatch = attempts is { Sampled: true } ? Math.Min(batch, BatchRunner.MaxBatchProbesFor(attempts)) : 0;
        using LlamaContext? attemptContext = attemptBatch > 0 ? LlamaContext.Create(model, BatchRunner.ContextFor(tokenized, attemptBatch, answerTokens, threads, exact, attempts)) : null;
        using BatchRunner? sampled = attemptContext is null ? null : new BatchRunner(attemptContext, attemptBatch, answerTokens, attempts);
        using LlamaContext? sameBatchContext = attemptBatch > 0 ? LlamaContext.Create(model, BatchRunner.ContextFor(tokenized, attemptBatch, answerTokens, threads, exact)) : null;
        using BatchRunner? greedy = sameBatchContext is null ? null : new BatchRunner(sameBatchContext, attemptBatch, answerTokens);
        using var ceiling = new CeilingDecoder(model, BatchRunner.ContextFor(tokenized, batch, answerTokens, threads, exact));

        var batchedRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var naiveRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var ceilingRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var phaseRuns = tokenized.Select(_ => new List<(RunnerPhases Phases, double Ceiling)>()).ToArray();
        var attemptFigures = new AttemptsBenchmark?[tokenized.Count];
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            for (int t = 0; t < tokenized.Count; t++)
            {
                TemplateTokens template = tokenized[t];
                string run = repeats > 1 ? $" (run {repeat + 1} of {repeats})" : "";
                if (repeat == 0)
                {
                    progress?.Invoke($"{template.Template.Name}: warm-up");
                    batched.Run(t, template, ids.AsSpan(0, Math.Min(batch, 8)));
                    naive.Run(t, template, ids.AsSpan(0, 1));
                    ceiling.Seconds(template, ids.AsSpan(0, batch));
                }
                // Each group through the runner, then the same tokens as one raw decode: alternating
                // at this grain, a change in the machine's load hits both sides of the ratio alike.
                progress?.Invoke($"{template.Template.Name}: batched runner and raw decode ceiling, {ids.Length} probes{run}");
                batched.Phases.Reset();
                double runnerSeconds = 0, ceilingSeconds = 0;
                for (int g = 0; g < groups; g++)
                {
                    int[] group = ids[(g * batch)..((g + 1) * batch)];
                    runnerSeconds += Time(() => batched.Run(t, template, group));
                    ceilingSeconds += ceiling.Seconds(template, group);
                }
                batchedRuns[t].Add(ids.Length / runnerSeconds);
                ceilingRuns[t].Add((double)ids.Length * template.TokensPerProbe / ceilingSeconds);
                RunnerPhases phases = batched.Phases.Snapshot();
                progress?.Invoke($"{template.Template.Name}: naive runner, {naiveProbes} probes{run}");
                naiveRuns[t].Add(naiveProbes / Time(() => naive.Run(t, template, ids.AsSpan(0, Math.Min(naiveProbes, ids.Length)))));
                phaseRuns[t].Add((phases, ceilingRuns[t][^1]));

                if (repeat == 0 && sampled is not null && greedy is not null)
                {
                    int[] attemptIds = ids[..Math.Min(ids.Length, groups * attemptBatch)];
                    sampled.Run(t, template, attemptIds.AsSpan(0, Math.Min(attemptBatch, 8)));
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
            // Each repeat's efficiency from its own pair of measurements: noise between repeats does not mix in.
            Measured efficiency = Measured.Of([.. batchedRuns[t].Zip(ceilingRuns[t], (b, c) => b * decoded / c)]);
            results.Add(new TemplateBenchmark(tokenized[t].Template.Name, tokenized[t].TokensPerProbe, decoded, naiveRate, batchedRate,
                batchedRate.Median / naiveRate.Median, Measured.Of(ceilingRuns[t]), efficiency, vocabulary / batchedRate.Median, PhaseFigures(phaseRuns[t]),
                attemptFigures[t]));
        }

        progress?.Invoke("thread scaling of the raw decode ceiling");
        var scaling = new List<ThreadScalingPoint>();
        foreach (int n in ScalingCounts(threads))
        {
            using var decoder = new CeilingDecoder(model, BatchRunner.ContextFor(tokenized, batch, answerTokens, n, exact));
            int[] group = ids[..batch];
            decoder.Seconds(tokenized[0], group);
            double rate = Measured.Of([.. Enumerable.Range(0, 3 * repeats).Select(_ => group.Length * tokenized[0].TokensPerProbe / decoder.Seconds(tokenized[0], group))]).Median;
            scaling.Add(new ThreadScalingPoint(n, rate, scaling.Count == 0 ? 1 : rate / scaling[0].CeilingTokensPerS));
        }
        return new BenchmarkResult(model.Path, model.Description, vocabulary, batch, threads, exact, answerTokens, repeats, results, scaling);
    }

    // Each repeat's phase shares, and the decoding phases' rate against that repeat's ceiling.
    private static List<PhaseBenchmark> PhaseFigures(List<(RunnerPhases Phases, double Ceiling)> runs) =>
        [.. Enum.GetValues<RunnerPhase>().Select(phase =>
        {
            Measured share = Measured.Of([.. runs.Select(r => r.Phases.Seconds(phase) / r.Phases.TotalSeconds)]);
            bool decodes = runs.All(r => r.Phases.Tokens(phase) > 0);
            Measured? efficiency = decodes ? Measured.Of([.. runs.Select(r => r.Phases.Tokens(phase) / r.Phases.Seconds(phase) / r.Ceiling)]) : null;
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
/// The raw decode ceiling: one <c>llama_decode</c> of a group's tokens exactly as the runner's first
/// decode forms them (B sequences holding the prefix, each given its token and the suffix, one
/// output row each), with nothing after it, in a context of the runner's settings.
/// </summary>
internal sealed class CeilingDecoder : IDisposable
{
    private readonly LlamaContext _context;
    private readonly LlamaBatch _batch;
    private TemplateTokens? _prefixLoaded;

    public CeilingDecoder(LlamaModel model, ContextOptions options)
    {
        _context = LlamaContext.Create(model, options);
        _batch = new LlamaBatch(_context.BatchSize);
    }

    /// <summary>Seconds of the decode alone (not the batch building around it).</summary>
    public double Seconds(TemplateTokens template, ReadOnlySpan<int> tokens)
    {
        if (!ReferenceEquals(_prefixLoaded, template))
        {
            _prefixLoaded = null;
            BatchRunner.LoadPrefix(_context, template, _context.MaxSequences - 1);
            _prefixLoaded = template;
        }
        _batch.Clear();
        for (int j = 0; j < tokens.Length; j++) BatchRunner.AddProbe(_batch, template, j, tokens[j]);
        long start = Stopwatch.GetTimestamp();
        _context.DecodeOrThrow(_batch);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        BatchRunner.ClearGroup(_context, template, tokens.Length);
        return seconds;
    }

    public void Dispose() => _context.Dispose();
}
