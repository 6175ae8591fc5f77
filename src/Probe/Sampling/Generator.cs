using System.Numerics.Tensors;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>Autoregressive generation on one sequence of a context, with our own sampler.</summary>
public sealed class Generator(LlamaContext context)
{
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

        var batch = new LlamaBatch(Math.Min(context.BatchSize, Math.Max(prompt.Count, 1)));
        int position = 0;
        // Prompt in chunks of the batch size; logits only for its last token.
        while (position < prompt.Count)
        {
            batch.Clear();
            int end = Math.Min(prompt.Count, position + batch.Capacity);
            for (int i = position; i < end; i++) batch.Add(prompt[i], i, 0, wantLogits: i == prompt.Count - 1);
            context.DecodeOrThrow(batch);
            position = end;
        }

        int generated = 0;
        while (generated < maxTokens && !cancellation.IsCancellationRequested)
        {
            ReadOnlySpan<float> logits = context.GetLogits(batch.Count - 1);
            TokenChoice choice = sampler.Sample(logits);
            observer?.Invoke(generated, logits, choice);
            double logPAtT1 = logits[choice.Token] - LogSumExp(logits);
            bool ends = vocabulary.IsEndOfGeneration(choice.Token);
            onToken(new GeneratedToken(generated, choice, logPAtT1, vocabulary.TokenToPiece(choice.Token), ends));
            generated++;
            if (ends || position >= context.ContextSize) break;
            batch.Clear();
            batch.Add(choice.Token, position++, 0, wantLogits: true);
            context.DecodeOrThrow(batch);
        }
        return generated;
    }

    /// <summary>log Σ exp(logits), shifted by the max and summed in double so it never overflows.</summary>
    private static double LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp(l - max);
        return max + Math.Log(sum);
    }
}
