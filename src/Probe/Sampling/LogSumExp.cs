using System.Numerics.Tensors;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>log Σ exp(l) of a logits row: the one normaliser behind every log p at T = 1 (probes, generation, sweeps).</summary>
public static class LogSumExp
{
    /// <summary>
    /// Shifted by the row's max, so nothing overflows; the exponentials go through SIMD into
    /// <paramref name="scratch"/> (at least the row's length), which avoids allocating per row.
    /// </summary>
    public static double Of(ReadOnlySpan<float> row, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(row);
        Span<float> shifted = scratch[..row.Length];
        TensorPrimitives.Subtract(row, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        return max + Math.Log(TensorPrimitives.Sum<float>(shifted));
    }
}
