using System.Numerics;
using System.Numerics.Tensors;

namespace AnomalyProbe.Probe.Probing;

/// <summary>What a probe reads from the logits row at its answer position.</summary>
/// <param name="LogProb">log p(target) under T = 1, via a stable log-sum-exp.</param>
/// <param name="Rank">1 + the number of tokens with a strictly larger logit.</param>
/// <param name="Argmax">The greedy (T → 0⁺) answer.</param>
/// <param name="Argmin">The T → 0⁻ answer.</param>
public readonly record struct LogitStats(double LogProb, int Rank, int Argmax, int Argmin)
{
    /// <summary>p(target).</summary>
    public double Probability => Math.Exp(LogProb);

    /// <summary>
    /// Reads the statistics of <paramref name="target"/> from one row with SIMD passes over the row;
    /// <paramref name="scratch"/> (row length) avoids allocating per probe.
    /// </summary>
    public static LogitStats Measure(ReadOnlySpan<float> row, int target, Span<float> scratch)
    {
        int argmax = TensorPrimitives.IndexOfMax(row);
        int argmin = TensorPrimitives.IndexOfMin(row);
        double logProb = row[target] - Sampling.LogSumExp.Of(row, scratch);
        return new LogitStats(logProb, 1 + CountGreater(row, row[target]), argmax, argmin);
    }

    private static int CountGreater(ReadOnlySpan<float> row, float value)
    {
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
        {
            var threshold = new Vector<float>(value);
            var accumulated = Vector<int>.Zero;
            for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                // A true lane is -1: subtracting counts it.
                accumulated -= Vector.GreaterThan(new Vector<float>(row.Slice(i, Vector<float>.Count)), threshold);
            }
            count = Vector.Sum(accumulated);
        }
        for (; i < row.Length; i++) if (row[i] > value) count++;
        return count;
    }
}
