using System.Numerics.Tensors;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The baseline and correctness oracle: one probe at a time, memory cleared, the full prompt
/// decoded (what the original blog post did). Every speed figure is compared with it.
/// </summary>
public sealed class NaiveRunner(LlamaContext context, int answerTokens, AttemptSettings? attempts = null) : IProbeRunner
{
    private readonly LlamaBatch _batch = new(context.BatchSize);
    private readonly float[] _scratch = new float[context.VocabularySize];
    private readonly AttemptSettings _attempts = attempts ?? AttemptSettings.Greedy;

    /// <summary>A context big enough for the longest prompt plus the answer; see <see cref="BatchRunner.ContextFor"/> for <paramref name="exact"/>.</summary>
    public static ContextOptions ContextFor(IEnumerable<TemplateTokens> templates, int answerTokens, int threads, bool exact)
    {
        int longest = templates.Max(t => t.Prefix.Length + t.TokensPerProbe) + answerTokens;
        return BatchRunner.Precision(new ContextOptions(ContextSize: longest, BatchSize: longest, MaxSequences: 1, Threads: threads), exact);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbeResult> Run(int templateIndex, TemplateTokens prompt, ReadOnlySpan<int> tokens)
    {
        var results = new ProbeResult[tokens.Length];
        for (int j = 0; j < tokens.Length; j++)
        {
            int[] tokenIds = prompt.PromptFor(tokens[j]);
            ReadOnlySpan<float> row = DecodePrompt(tokenIds);
            LogitStats stats = LogitStats.Measure(row, tokens[j], _scratch);
            int count = _attempts.Sampled ? _attempts.Count : 0;
            // Every attempt's first token comes from this row: draw them before it is overwritten.
            int[] first = new int[count];
            for (int a = 0; a < count; a++) first[a] = Draw(row, templateIndex, tokens[j], a, 0);

            int[] answer = Continue(tokenIds.Length, stats.Argmax, step => TensorPrimitives.IndexOfMax(context.GetLogits(0)));
            int[][]? sampled = count == 0 ? null : new int[count][];
            for (int a = 0; a < count; a++)
            {
                DecodePrompt(tokenIds);
                int attempt = a, token = tokens[j];
                sampled![a] = Continue(tokenIds.Length, first[a], step => Draw(context.GetLogits(0), templateIndex, token, attempt, step));
            }
            results[j] = new ProbeResult(templateIndex, tokens[j], stats, answer, sampled);
        }
        return results;
    }

    // Decodes a whole probe on a cleared memory; the row of its last position.
    private ReadOnlySpan<float> DecodePrompt(int[] tokenIds)
    {
        context.ClearMemory();
        _batch.Clear();
        int last = _batch.AddSequence(tokenIds, new Position(0), SequenceId.First, logitsForLast: true);
        context.DecodeOrThrow(_batch);
        return context.GetLogits(last);
    }

    // The answer from its first token on: each step decodes the previous token and picks the next.
    private int[] Continue(int promptLength, int first, Func<int, int> pick)
    {
        int[] answer = new int[answerTokens];
        answer[0] = first;
        for (int step = 1; step < answerTokens; step++)
        {
            _batch.Clear();
            _batch.Add(new TokenId(answer[step - 1]), new Position(promptLength + step - 1), SequenceId.First, wantLogits: true);
            context.DecodeOrThrow(_batch);
            answer[step] = pick(step);
        }
        return answer;
    }

    private int Draw(ReadOnlySpan<float> row, int template, int token, int attempt, int step) =>
        AnswerSampler.Sample(row, _attempts.Temperature, AnswerSampler.Key(_attempts.Seed, template, token, attempt, step), _scratch);

    /// <summary>Nothing to free (the batch is managed); the context belongs to the caller.</summary>
    public void Dispose() { }
}
