using System.Numerics.Tensors;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// Chooses the next token from a row of logits at any temperature, negative included
/// (llama.cpp's samplers treat T ≤ 0 as greedy, so this one is ours). Not thread-safe:
/// it owns its random stream and scratch buffers.
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private float[] _scaled = [];
    private int[] _order = [];

    /// <summary>Creates a sampler; the seed fixes every later draw.</summary>
    public TokenSampler(SamplingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopK);
        if (options.MinP is < 0 or > 1 || double.IsNaN(options.MinP)) throw new ArgumentOutOfRangeException(nameof(options), "min-p must be in [0, 1]");
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>The settings.</summary>
    public SamplingOptions Options => _options;

    /// <summary>Chooses a token from <paramref name="logits"/>.</summary>
    public TokenChoice Sample(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("no logits", nameof(logits));
        if (TensorPrimitives.IndexOfMax(logits) is int nan && float.IsNaN(logits[nan]))
        {
            throw new LlamaException($"the model produced NaN logits (token {nan})");
        }
        Temperature t = _options.Temperature;
        switch (t.Kind)
        {
            case TemperatureKind.Greedy:
            {
                int i = TensorPrimitives.IndexOfMax(logits);
                return new TokenChoice(i, logits[i], 1.0, Margin(logits, i, highest: true));
            }
            case TemperatureKind.AntiGreedy:
            {
                int i = TensorPrimitives.IndexOfMin(logits);
                return new TokenChoice(i, logits[i], 1.0, Margin(logits, i, highest: false));
            }
            default:
                return SampleFromDistribution(logits, t);
        }
    }

    /// <summary>
    /// The sampling distribution over all tokens (zeros outside top-k/min-p), computed stably:
    /// p_i = exp(z_i − max z) / Σ exp(z_j − max z) with z = logits / T. For T = ±0 it is the
    /// limit (a point mass on the argmax/argmin).
    /// </summary>
    public double[] Distribution(ReadOnlySpan<float> logits)
    {
        var p = new double[logits.Length];
        Temperature t = _options.Temperature;
        if (t.Kind is TemperatureKind.Greedy or TemperatureKind.AntiGreedy)
        {
            p[t.Kind == TemperatureKind.Greedy ? TensorPrimitives.IndexOfMax(logits) : TensorPrimitives.IndexOfMin(logits)] = 1;
            return p;
        }
        int kept = Prepare(logits, t);
        double total = 0;
        for (int k = 0; k < kept; k++) total += Weight(_order[k]);
        for (int k = 0; k < kept; k++) p[_order[k]] = Weight(_order[k]) / total;
        return p;
    }

    private TokenChoice SampleFromDistribution(ReadOnlySpan<float> logits, Temperature t)
    {
        int kept = Prepare(logits, t);
        double total = 0;
        for (int k = 0; k < kept; k++) total += Weight(_order[k]);
        double u = _random.NextDouble() * total;
        int chosen = _order[kept - 1];
        double acc = 0;
        for (int k = 0; k < kept; k++)
        {
            acc += Weight(_order[k]);
            if (u < acc)
            {
                chosen = _order[k];
                break;
            }
        }
        return new TokenChoice(chosen, logits[chosen], Weight(chosen) / total, Margin(logits, chosen, highest: !t.IsNegative));
    }

    // Fills _scaled with z − max z (so every weight exp(·) is in (0, 1]) and _order[0..kept) with the
    // candidate ids that survive top-k and min-p, most likely first when a filter is on.
    private int Prepare(ReadOnlySpan<float> logits, Temperature t)
    {
        int n = logits.Length;
        if (_scaled.Length != n)
        {
            _scaled = new float[n];
            _order = new int[n];
        }
        if (t.Kind == TemperatureKind.Uniform)
        {
            // z = ±logits only to rank candidates for top-k; the weights are then all equal.
            TensorPrimitives.Multiply(logits, t.IsNegative ? -1f : 1f, _scaled);
        }
        else
        {
            TensorPrimitives.Multiply(logits, (float)(1.0 / t.Value), _scaled);
        }
        float max = TensorPrimitives.Max(_scaled);
        TensorPrimitives.Subtract(_scaled, max, _scaled);

        for (int i = 0; i < n; i++) _order[i] = i;
        int kept = n;
        if (_options.TopK > 0 || _options.MinP > 0)
        {
            float[] scaled = _scaled;
            Array.Sort(_order, (a, b) => scaled[b].CompareTo(scaled[a]));
            if (_options.TopK > 0) kept = Math.Min(kept, _options.TopK);
            if (_options.MinP > 0 && t.Kind != TemperatureKind.Uniform)
            {
                // p_i / p_max = exp(z_i − z_max) = exp(_scaled[i]).
                float threshold = (float)Math.Log(_options.MinP);
                int k = 1;
                while (k < kept && _scaled[_order[k]] >= threshold) k++;
                kept = k;
            }
        }
        if (t.Kind == TemperatureKind.Uniform) Array.Clear(_scaled);
        return kept;
    }

    private double Weight(int token) => Math.Exp(_scaled[token]);

    // How far the chosen logit stands from the best other candidate in the direction T favours.
    private static float Margin(ReadOnlySpan<float> logits, int chosen, bool highest)
    {
        float best = highest ? float.NegativeInfinity : float.PositiveInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            if (i == chosen) continue;
            best = highest ? Math.Max(best, logits[i]) : Math.Min(best, logits[i]);
        }
        return logits.Length == 1 ? float.PositiveInfinity : Math.Abs(logits[chosen] - best);
    }
}
