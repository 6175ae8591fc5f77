using System.Numerics.Tensors;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// Draws a token from softmax(logits / T) with a uniform number derived from a key instead of a
/// random stream: each (seed, template, token, attempt, step) has its own draw, so an attempt's
/// answer does not depend on batching, groups, shards or resumes. Allocation-free (the caller lends
/// a row of scratch); thread-safe.
/// </summary>
public static class AnswerSampler
{
    /// <summary>The draw's key: the seed and the coordinates of one answer token.</summary>
    public static ulong Key(int seed, int template, int token, int attempt, int step) =>
        Mix(Mix(Mix((ulong)(uint)seed << 32 | (uint)template) ^ (ulong)(uint)token << 16 ^ (ulong)(uint)attempt) ^ (ulong)(uint)step);

    /// <summary>A token id drawn from softmax(<paramref name="logits"/> / <paramref name="temperature"/>), T &gt; 0.</summary>
    public static int Sample(ReadOnlySpan<float> logits, double temperature, ulong key, Span<float> scratch)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "the attempt temperature must be positive");
        Span<float> weights = scratch[..logits.Length];
        TensorPrimitives.Multiply(logits, (float)(1.0 / temperature), weights);
        float max = TensorPrimitives.Max(weights);
        if (float.IsNaN(max)) throw new LlamaException("the model produced NaN logits");
        TensorPrimitives.Subtract(weights, max, weights);
        TensorPrimitives.Exp(weights, weights);
        double total = 0;
        foreach (float w in weights) total += w;
        // 53 random bits → u in [0, 1).
        double target = (Mix(key) >> 11) * (1.0 / (1UL << 53)) * total;
        double cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (target < cumulative) return i;
        }
        return TensorPrimitives.IndexOfMax(logits); // only reached by rounding at the very end
    }

    // SplitMix64's finalizer: a bijection that spreads every input bit over the output.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
