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
/// <param name="CeilingTokensPerS">Raw llama_decode throughput on a full batch: the B probes' suffix tokens in one decode, timed alone.</param>
/// <param name="Efficiency">Tokens the batched runner decodes per second (suffixes and greedy answers) ÷ the ceiling, per repeat.</param>
/// <param name="ProjectedFullScanS">Seconds for this template over the whole vocabulary at the median batched rate.</param>
/// <param name="Attempts">With sampled attempts: their cost against greedy answers alone; null otherwise.</param>
public sealed record TemplateBenchmark(
    string Name, int SuffixTokens, int DecodedTokensPerProbe, Measured NaiveProbesPerS, Measured BatchedProbesPerS, double Ratio,
    Measured CeilingTokensPerS, Measured Efficiency, double ProjectedFullScanS, AttemptsBenchmark? Attempts = null)
{
    /// <summary>
    /// An efficiency outside (0, 1.05] cannot be a property of the runner (it decodes the same batches
    /// the ceiling times): the machine's load changed between the two measurements.
    /// </summary>
    public bool Noisy => Efficiency.Min <= 0 || Efficiency.Max > ProbeBenchmark.MaxPlausibleEfficiency;
}

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

        var batchedRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var naiveRuns = tokenized.Select(_ => new List<double>()).ToArray();
        var ceilingRuns = tokenized.Select(_ => new List<double>()).ToArray();
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
                }
                progress?.Invoke($"{template.Template.Name}: batched runner, {ids.Length} probes{run}");
                batchedRuns[t].Add(ids.Length / Time(() => batched.Run(t, template, ids)));
                progress?.Invoke($"{template.Template.Name}: naive runner, {naiveProbes} probes{run}");
                naiveRuns[t].Add(naiveProbes / Time(() => naive.Run(t, template, ids.AsSpan(0, Math.Min(naiveProbes, ids.Length)))));
                progress?.Invoke($"{template.Template.Name}: raw decode ceiling{run}");
                ceilingRuns[t].Add(Ceiling(model, template, ids.AsSpan(0, batch), BatchRunner.ContextFor(tokenized, batch, answerTokens, threads, exact)));

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
                batchedRate.Median / naiveRate.Median, Measured.Of(ceilingRuns[t]), efficiency, vocabulary / batchedRate.Median, attemptFigures[t]));
        }

        progress?.Invoke("thread scaling of the raw decode ceiling");
        var scaling = new List<ThreadScalingPoint>();
        foreach (int n in ScalingCounts(threads))
        {
            double ceiling = Measured.Of([.. Enumerable.Range(0, repeats).Select(_ =>
                Ceiling(model, tokenized[0], ids.AsSpan(0, batch), BatchRunner.ContextFor(tokenized, batch, answerTokens, n, exact)))]).Median;
            scaling.Add(new ThreadScalingPoint(n, ceiling, scaling.Count == 0 ? 1 : ceiling / scaling[0].CeilingTokensPerS));
        }
        return new BenchmarkResult(model.Path, model.Description, vocabulary, batch, threads, exact, answerTokens, repeats, results, scaling);
    }

    // 1, 2, 4, ... and the thread count itself.
    private static List<int> ScalingCounts(int threads)
    {
        var counts = new List<int>();
        for (int n = 1; n < threads; n *= 2) counts.Add(n);
        counts.Add(threads);
        return counts;
    }

    // Tokens/s of llama_decode alone on the batch the runner decodes for a group (mean of 3 after a
    // warm-up, as the runner's rate is a mean too): the prefix copied into B sequences, each with
    // its token and the suffix.
    private static double Ceiling(LlamaModel model, TemplateTokens template, ReadOnlySpan<int> tokens, ContextOptions options)
    {
        using LlamaContext context = LlamaContext.Create(model, options);
        var batch = new LlamaBatch(context.BatchSize);
        context.DecodePrompt(template.Prefix, SequenceId.First, logitsForLast: false);
        int p = template.Prefix.Length;
        double seconds = 0;
        for (int run = 0; run < 4; run++)
        {
            batch.Clear();
            for (int j = 0; j < tokens.Length; j++)
            {
                context.CopySequence(SequenceId.First, new SequenceId(j + 1));
                batch.AddSequence([tokens[j], .. template.Suffix], new Position(p), new SequenceId(j + 1), logitsForLast: true);
            }
            double decode = Time(() => context.DecodeOrThrow(batch));
            if (run > 0) seconds += decode;
            for (int j = 0; j < tokens.Length; j++) context.RemoveSequence(new SequenceId(j + 1));
        }
        return 3 * batch.Count / seconds;
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}
