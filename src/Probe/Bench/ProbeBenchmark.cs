using System.Diagnostics;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Bench;

/// <summary>One template's figures, all measured in the same run on the same model.</summary>
/// <param name="Name">Template name.</param>
/// <param name="SuffixTokens">Tokens a probe adds after the shared prefix (the inserted id + the suffix).</param>
/// <param name="DecodedTokensPerProbe">Suffix tokens plus the greedy answer's extra steps.</param>
/// <param name="NaiveProbesPerS">The baseline: one probe at a time, full prompt.</param>
/// <param name="BatchedProbesPerS">The batch runner.</param>
/// <param name="Ratio">Batched ÷ naive.</param>
/// <param name="CeilingTokensPerS">Raw llama_decode throughput on a full batch: the B probes' suffix tokens in one decode, timed alone.</param>
/// <param name="Efficiency">Tokens the batched runner decodes per second (suffixes and greedy answers) ÷ the ceiling.</param>
/// <param name="ProjectedFullScanS">Seconds for this template over the whole vocabulary at the batched rate.</param>
public sealed record TemplateBenchmark(
    string Name, int SuffixTokens, int DecodedTokensPerProbe, double NaiveProbesPerS, double BatchedProbesPerS, double Ratio,
    double CeilingTokensPerS, double Efficiency, double ProjectedFullScanS);

public sealed record BenchmarkResult(
    string Model, string Description, int VocabularySize, int Batch, int Threads, bool Exact, int AnswerTokens, IReadOnlyList<TemplateBenchmark> Templates)
{
    /// <summary>Seconds for a full scan with every template.</summary>
    public double ProjectedFullScanS => Templates.Sum(t => t.ProjectedFullScanS);
}

/// <summary>
/// Measures the naive and batched runners and the raw decode ceiling per template, interleaved in
/// one process so machine noise hits all three alike: ratios, not absolute seconds, are the result.
/// </summary>
public static class ProbeBenchmark
{
    /// <summary>Runs the benchmark: <paramref name="groups"/> batched groups and <paramref name="naiveProbes"/> naive probes per template.</summary>
    public static BenchmarkResult Run(LlamaModel model, IReadOnlyList<PromptTemplate> templates, int batch, int threads, bool exact,
        int groups = 2, int naiveProbes = 16, int answerTokens = 3, Action<string>? progress = null)
    {
        var tokenized = templates.Select(t => TemplateTokens.Create(t, model.Vocabulary)).ToList();
        int vocabulary = model.Vocabulary.Count;
        // Probe ids spread over the vocabulary, the same for every runner.
        int[] ids = Enumerable.Range(0, groups * batch).Select(i => (int)((long)i * 7919 % vocabulary)).ToArray();

        using LlamaContext batchContext = LlamaContext.Create(model, BatchRunner.ContextFor(tokenized, batch, answerTokens, threads, exact));
        using var batched = new BatchRunner(batchContext, batch, answerTokens);
        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor(tokenized, answerTokens, threads, exact));
        using var naive = new NaiveRunner(naiveContext, answerTokens);

        var results = new List<TemplateBenchmark>();
        for (int t = 0; t < tokenized.Count; t++)
        {
            TemplateTokens template = tokenized[t];
            progress?.Invoke($"{template.Template.Name}: warm-up");
            batched.Run(t, template, ids.AsSpan(0, Math.Min(batch, 8)));
            naive.Run(t, template, ids.AsSpan(0, 1));

            progress?.Invoke($"{template.Template.Name}: batched runner, {ids.Length} probes");
            double batchedRate = ids.Length / Time(() => batched.Run(t, template, ids));
            progress?.Invoke($"{template.Template.Name}: naive runner, {naiveProbes} probes");
            double naiveRate = naiveProbes / Time(() => naive.Run(t, template, ids.AsSpan(0, Math.Min(naiveProbes, ids.Length))));
            progress?.Invoke($"{template.Template.Name}: raw decode ceiling");
            double ceiling = Ceiling(model, template, ids.AsSpan(0, batch), BatchRunner.ContextFor(tokenized, batch, answerTokens, threads, exact));

            int decoded = template.TokensPerProbe + answerTokens - 1;
            results.Add(new TemplateBenchmark(template.Template.Name, template.TokensPerProbe, decoded, naiveRate, batchedRate,
                batchedRate / naiveRate, ceiling, batchedRate * decoded / ceiling, vocabulary / batchedRate));
        }
        return new BenchmarkResult(model.Path, model.Description, vocabulary, batch, threads, exact, answerTokens, results);
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
