using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>What a step's logit margin says about its choice.</summary>
public enum MarginVerdict
{
    /// <summary>The margin exceeds twice the noise: recomputing cannot swap the choice and its runner-up.</summary>
    Signal,
    /// <summary>The margin is at most twice the noise: a recomputation at other precision may rank them the other way.</summary>
    Noise,
    /// <summary>The two logits are equal: the lower id won by convention.</summary>
    Tie,
}

/// <summary>One step of <c>--logit-margin</c>.</summary>
/// <param name="Noise">Largest |logit − recomputed logit| over the candidates at this step.</param>
/// <param name="Verdict">Margin against noise.</param>
public readonly record struct MarginReading(float Noise, MarginVerdict Verdict);

/// <summary>
/// <c>--logit-margin</c>: whether a pick (T → 0⁻ above all, where gaps between the lowest logits are
/// tiny) is signal or numerical noise. A second context follows the generation token by token at
/// higher precision (F32 KV cache, no flash attention, where generation uses an F16 cache and flash
/// attention when available); the noise of a step is the largest change of any candidate's logit
/// between the two computations. Costs one more decode per token.
/// </summary>
public sealed class MarginCheck : IDisposable
{
    private readonly LlamaContext _reference;
    private readonly LlamaBatch _batch = new(1);
    private readonly int[]? _candidates;
    private int _logitsIndex;
    private Position _position;

    private MarginCheck(LlamaContext reference, int[]? candidates)
    {
        _reference = reference;
        _candidates = candidates;
    }

    /// <summary>Opens the reference context and decodes <paramref name="prompt"/> in it.</summary>
    /// <param name="model">The model generating.</param>
    /// <param name="contextSize">The generation context's size.</param>
    /// <param name="threads">Threads; 0 = all cores.</param>
    /// <param name="prompt">The generation's prompt.</param>
    /// <param name="candidates">The sampler's candidates (null = all tokens).</param>
    public static MarginCheck Start(LlamaModel model, int contextSize, int threads, IReadOnlyList<int> prompt, int[]? candidates)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        LlamaContext reference = LlamaContext.Create(model, new ContextOptions(
            ContextSize: contextSize, BatchSize: Math.Min(512, Math.Max(prompt.Count, 1)), Threads: threads,
            FlashAttention: false, Float32Cache: true));
        var check = new MarginCheck(reference, candidates);
        try
        {
            check._logitsIndex = reference.DecodePrompt(prompt, SequenceId.First, logitsForLast: true);
            check._position = new Position(prompt.Count);
            return check;
        }
        catch
        {
            check.Dispose();
            throw;
        }
    }

    /// <summary>Compares a step's logits with the reference's for the same step.</summary>
    public MarginReading Read(ReadOnlySpan<float> logits, in TokenChoice choice)
    {
        ReadOnlySpan<float> recomputed = _reference.GetLogits(_logitsIndex);
        float noise = 0;
        if (_candidates is null)
        {
            for (int i = 0; i < logits.Length; i++) noise = Math.Max(noise, Math.Abs(logits[i] - recomputed[i]));
        }
        else
        {
            foreach (int i in _candidates) noise = Math.Max(noise, Math.Abs(logits[i] - recomputed[i]));
        }
        return new MarginReading(noise, Judge(choice.Margin, noise));
    }

    /// <summary>The verdict for a margin and a noise level.</summary>
    public static MarginVerdict Judge(float margin, float noise) =>
        margin == 0 ? MarginVerdict.Tie : margin <= 2 * noise ? MarginVerdict.Noise : MarginVerdict.Signal;

    /// <summary>Feeds the chosen token to the reference so it is ready for the next step.</summary>
    public void Advance(int token)
    {
        if (_position.Value >= _reference.ContextSize) return;
        _batch.Clear();
        _logitsIndex = _batch.Add(new TokenId(token), _position, SequenceId.First, wantLogits: true);
        _position += 1;
        _reference.DecodeOrThrow(_batch);
    }

    /// <inheritdoc/>
    public void Dispose() => _reference.Dispose();
}
