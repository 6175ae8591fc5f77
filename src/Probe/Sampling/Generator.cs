using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>Autoregressive generation on one sequence of a context, with our own sampler.</summary>
public sealed class Generator(LlamaContext context)
{
    private readonly float[] _scratch = new float[context.VocabularySize];
    private readonly LlamaBatch _batch = new(1);

    /// <summary>
    /// The tokens generation starts from: the text with BOS/EOS as the model wants them, or BOS
    /// alone for an empty text (empty when the model has no BOS: <see cref="Generate"/> refuses that).
    /// </summary>
    public static int[] PromptTokens(Vocabulary vocabulary, string text)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        int[] tokens = vocabulary.Tokenize(text, addSpecial: true);
        return tokens.Length == 0 && vocabulary.Bos >= 0 ? [vocabulary.Bos] : tokens;
    }

    /// <summary>
    /// A context with room for a prompt of <paramref name="promptLength"/> tokens and
    /// <paramref name="maxTokens"/> more (never past the model's training length, at least 16 cells).
    /// </summary>
    public static ContextOptions ContextFor(LlamaModel model, int promptLength, int maxTokens, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        int cells = Math.Min(model.TrainingContextLength, promptLength + maxTokens + 1);
        return new ContextOptions(ContextSize: Math.Max(cells, 16), BatchSize: Math.Min(512, Math.Max(promptLength, 1)), Threads: threads);
    }

    /// <summary>
    /// Decodes <paramref name="prompt"/>, then samples up to <paramref name="maxTokens"/> tokens,
    /// reporting each through <paramref name="onToken"/>. Stops early at an end-of-generation token,
    /// when the context is full, or when <paramref name="cancellation"/> fires (after the current token).
    /// </summary>
    public int Generate(
        IReadOnlyList<int> prompt,
        TokenSampler sampler,
        int maxTokens,
        Action<GeneratedToken> onToken,
        LogitsObserver? observer = null,
        CancellationToken cancellation = default)
    {
        if (prompt.Count == 0) throw new InputException("empty, and the model has no BOS token to start from") { Parameter = "prompt" };
        if (prompt.Count >= context.ContextSize) throw new InputException($"the prompt has {prompt.Count} tokens; the context holds {context.ContextSize}");
        Vocabulary vocabulary = context.Model.Vocabulary;
        context.ClearMemory();
        int logitsIndex = context.DecodePrompt(prompt, SequenceId.First, logitsForLast: true);
        var position = new Position(prompt.Count);

        int generated = 0;
        while (generated < maxTokens && !cancellation.IsCancellationRequested)
        {
            ReadOnlySpan<float> logits = context.GetLogits(logitsIndex);
            TokenChoice choice = sampler.Sample(logits);
            observer?.Invoke(generated, logits, choice);
            double logPAtT1 = logits[choice.Token] - LogSumExp.Of(logits, _scratch);
            bool ends = vocabulary.IsEndOfGeneration(choice.Token);
            onToken(new GeneratedToken(generated, choice, logPAtT1, vocabulary.TokenToPiece(choice.Token), ends));
            generated++;
            if (ends || position.Value >= context.ContextSize) break;
            _batch.Clear();
            logitsIndex = _batch.Add(new TokenId(choice.Token), position, SequenceId.First, wantLogits: true);
            position += 1;
            context.DecodeOrThrow(_batch);
        }
        return generated;
    }
}
