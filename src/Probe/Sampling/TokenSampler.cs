using System.Numerics.Tensors;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// Chooses the next token from a row of logits at any temperature, negative included
/// (llama.cpp's samplers treat T ≤ 0 as greedy, so this one is ours). Not thread-safe:
/// it owns its random stream and scratch buffers.
/// </summary>
/// <remarks>
/// With candidates (<c>--vocab-filter</c>) every step first gathers the candidates' logits and samples
/// among them alone: the distribution, top-k, min-p, the ±0 limits and the runner-up are all taken
/// over the candidates, as if the vocabulary held nothing else.
/// </remarks>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private readonly int[]? _candidates;
    private float[] _gathered = [];
    private float[] _scaled = [];
    private int[] _order = [];

    /// <summary>Creates a sampler; the seed fixes every later draw.</summary>
    /// <param name="options">Temperature, top-k, min-p and seed.</param>
    /// <param name="candidates">The only token ids it may choose (ascending, distinct); null = all.</param>
    public TokenSampler(SamplingOptions options, int[]? candidates = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopK);
        if (options.MinP is < 0 or > 1 || double.IsNaN(options.MinP)) throw new ArgumentOutOfRangeException(nameof(options), "min-p must be in [0, 1]");
        if (candidates is not null)
        {
            if (candidates.Length == 0) throw new ArgumentException("no candidate token", nameof(candidates));
            for (int i = 0; i < candidates.Length; i++)
            {
                if (candidates[i] < 0 || (i > 0 && candidates[i] <= candidates[i - 1]))
                {
                    throw new ArgumentException("candidate ids must be non-negative, distinct and ascending", nameof(candidates));
                }
            }
        }
        _options = options;
        _random = new Random(options.Seed);
        _candidates = candidates;
    }

    /// <summary>The settings.</summary>
    public SamplingOptions Options => _options;

    /// <summary>The ids it may choose, ascending; null when every token is a candidate.</summary>
    public IReadOnlyList<int>? Candidates => _candidates;

    /// <summary>Chooses a token from <paramref name="logits"/> (a full vocabulary row).</summary>
    public TokenChoice Sample(ReadOnlySpan<float> logits)
    {
        if (_candidates is null) return SampleAll(logits);
        TokenChoice c = SampleAll(Gather(logits));
        return c with { Token = _candidates[c.Token], RunnerUp = c.RunnerUp < 0 ? -1 : _candidates[c.RunnerUp] };
    }

    private ReadOnlySpan<float> Gather(ReadOnlySpan<float> logits)
    {
        int[] ids = _candidates!;
        if (ids[^1] >= logits.Length) throw new ArgumentException($"candidate id {ids[^1]} is outside the {logits.Length} logits", nameof(logits));
        if (_gathered.Length != ids.Length) _gathered = new float[ids.Length];
        for (int i = 0; i < ids.Length; i++) _gathered[i] = logits[ids[i]];
        return _gathered;
    }

    private TokenChoice SampleAll(ReadOnlySpan<float> logits)
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
                return Choice(logits, i, 1.0, highest: true);
            }
            case TemperatureKind.AntiGreedy:
            {
                int i = TensorPrimitives.IndexOfMin(logits);
                return Choice(logits, i, 1.0, highest: false);
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
        if (_candidates is null) return DistributionAll(logits);
        double[] gathered = DistributionAll(Gather(logits));
        var p = new double[logits.Length];
        for (int i = 0; i < gathered.Length; i++) p[_candidates[i]] = gathered[i];
        return p;
    }

    private double[] DistributionAll(ReadOnlySpan<float> logits)
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

    private TokenChoice SampleFromDistribution(ReadOnlySpan<float> logits, Temperature temperature)
    {
        int kept = Prepare(logits, temperature);
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
        return Choice(logits, chosen, Weight(chosen) / total, highest: !temperature.IsNegative);
    }

    // Fills _scaled with z − max z (so every weight exp(·) is in (0, 1]) and _order[0..kept) with the
    // candidate ids that survive top-k and min-p, most likely first when a filter is on.
    private int Prepare(ReadOnlySpan<float> logits, Temperature temperature)
    {
        int n = logits.Length;
        if (_scaled.Length != n)
        {
            _scaled = new float[n];
            _order = new int[n];
        }
        if (temperature.Kind == TemperatureKind.Uniform)
        {
            // z = ±logits only to rank candidates for top-k; the weights are then all equal.
            TensorPrimitives.Multiply(logits, temperature.IsNegative ? -1f : 1f, _scaled);
        }
        else
        {
            TensorPrimitives.Multiply(logits, (float)(1.0 / temperature.Value), _scaled);
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
            if (_options.MinP > 0 && temperature.Kind != TemperatureKind.Uniform)
            {
                // p_i / p_max = exp(z_i − z_max) = exp(_scaled[i]).
                float threshold = (float)Math.Log(_options.MinP);
                int k = 1;
                while (k < kept && _scaled[_order[k]] >= threshold) k++;
                kept = k;
            }
        }
        if (temperature.Kind == TemperatureKind.Uniform) Array.Clear(_scaled);
        return kept;
    }

    private double Weight(int token) => Math.Exp(_scaled[token]);

    // The choice with its margin: how far the chosen logit stands from the best other candidate in
    // the direction T favours (ties go to the lowest id, as IndexOfMax/IndexOfMin do).
    private static TokenChoice Choice(ReadOnlySpan<float> logits, int chosen, double probability, bool highest)
    {
        int runnerUp = -1;
        for (int i = 0; i < logits.Length; i++)
        {
            if (i == chosen) continue;
            if (runnerUp < 0 || (highest ? logits[i] > logits[runnerUp] : logits[i] < logits[runnerUp])) runnerUp = i;
        }
        float margin = runnerUp < 0 ? float.PositiveInfinity : Math.Abs(logits[chosen] - logits[runnerUp]);
        return new TokenChoice(chosen, logits[chosen], probability, margin, runnerUp);
    }
}
