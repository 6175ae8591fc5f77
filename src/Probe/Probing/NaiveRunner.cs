using System.Numerics.Tensors;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The baseline and correctness oracle: one probe at a time, memory cleared, the full prompt
/// decoded (what the original blog post did). Every speed figure is compared with it.
/// </summary>
public sealed class NaiveRunner(LlamaContext context, int answerTokens) : IProbeRunner
{
    private readonly LlamaBatch _batch = new(context.BatchSize);
    private readonly float[] _scratch = new float[context.VocabularySize];

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
            context.ClearMemory();
            _batch.Clear();
            int[] tokenIds = prompt.PromptFor(tokens[j]);
            int last = _batch.AddSequence(tokenIds, new Position(0), SequenceId.First, logitsForLast: true);
            context.DecodeOrThrow(_batch);
            LogitStats stats = LogitStats.Measure(context.GetLogits(last), tokens[j], _scratch);

            int[] answer = new int[answerTokens];
            answer[0] = stats.Argmax;
            for (int step = 1; step < answerTokens; step++)
            {
                _batch.Clear();
                _batch.Add(new TokenId(answer[step - 1]), new Position(tokenIds.Length + step - 1), SequenceId.First, wantLogits: true);
                context.DecodeOrThrow(_batch);
                answer[step] = TensorPrimitives.IndexOfMax(context.GetLogits(0));
            }
            results[j] = new ProbeResult(templateIndex, tokens[j], stats, answer);
        }
        return results;
    }

    /// <summary>Nothing to free (the batch is managed); the context belongs to the caller.</summary>
    public void Dispose() { }
}
