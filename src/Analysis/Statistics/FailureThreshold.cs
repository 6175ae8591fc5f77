using System.Globalization;
using System.Text.Json.Serialization;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// The repeat probability below which a token counts as failed (anomalous):
/// a token fails when its repeat_prob &lt; <see cref="Value"/>.
/// </summary>
public sealed record FailureThreshold
{
    /// <summary>The fixed threshold used when none is given and the data defines none.</summary>
    public const double DefaultFixed = 0.01;

    /// <summary>Probabilities are clamped to this before taking log10, so exact zeros have a finite place.</summary>
    public const double Floor = 1e-12;

    [JsonConstructor]
    internal FailureThreshold(double value, ThresholdMethod method, string description)
    {
        // Otsu may put the threshold on the lowest value of the high class, which can be 1.
        if (!(value > 0 && value <= 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "A failure threshold must be in (0, 1].");
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Value = value;
        Method = method;
        Description = description;
    }

    /// <summary>The threshold on the probability scale.</summary>
    public double Value { get; }

    /// <summary>How it was set.</summary>
    public ThresholdMethod Method { get; }

    /// <summary>A short human-readable account of how it was set.</summary>
    public string Description { get; }

    /// <summary>Whether a token with this repeat probability failed.</summary>
    public bool IsFailure(double repeatProb) => repeatProb < Value;

    /// <summary>A fixed threshold; <paramref name="reason"/>, when given, says why a fixed one is used.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not strictly between 0 and 1.</exception>
    public static FailureThreshold Fixed(double p, string? reason = null)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A fixed failure threshold must be strictly between 0 and 1.");
        string text = string.Create(CultureInfo.InvariantCulture, $"fixed: repeat_prob < {p:R} fails");
        return new FailureThreshold(p, ThresholdMethod.Fixed, reason is null ? text : $"{text} ({reason})");
    }

    /// <summary>
    /// Chooses the threshold from the data: Otsu's method (exact, over the sorted values) on
    /// log10(max(p, <see cref="Floor"/>)), placed at the geometric midpoint of the highest value of
    /// the low class and the lowest of the high class. Undefined when all values are equal after the
    /// clamp (one value included).
    /// </summary>
    /// <param name="repeatProbs">The tokens' best repeat probabilities.</param>
    /// <param name="weights">How many tokens each one stands for (a two-stage scan's design weights); null = one each.</param>
    /// <exception cref="ArgumentException"><paramref name="repeatProbs"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or outside [0, 1].</exception>
    public static ThresholdChoice Choose(IReadOnlyList<double> repeatProbs, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(repeatProbs);
        if (repeatProbs.Count == 0) throw new ArgumentException("No repeat probabilities to choose a threshold from.", nameof(repeatProbs));
        if (weights is not null && weights.Count != repeatProbs.Count) throw new ArgumentException("One weight per probability.", nameof(weights));
        var p = new double[repeatProbs.Count];
        var w = new double[repeatProbs.Count];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = repeatProbs[i];
            w[i] = weights?[i] ?? 1;
            if (!(p[i] >= 0 && p[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(repeatProbs), p[i], $"Repeat probability #{i} is not in [0, 1].");
        }
        Array.Sort(p, w);
        var x = new double[p.Length];
        for (int i = 0; i < p.Length; i++) x[i] = Math.Log10(Math.Max(p[i], Floor));

        var inv = CultureInfo.InvariantCulture;
        int n = p.Length;
        if (x[0] == x[n - 1])
        {
            string why = p[0] == p[n - 1]
                ? n == 1 ? string.Create(inv, $"a single value ({p[0]:G4})") : string.Create(inv, $"all {n} values are equal ({p[0]:G4})")
                : string.Create(inv, $"all {n} values ({p[0]:G4} to {p[n - 1]:G4}) coincide on log10(max(p, {Floor:G3}))");
            return new ThresholdChoice(null, $"auto-otsu undefined: {why}");
        }

        var (low, separability) = weights is null ? Otsu.Split(x) : Otsu.Split(x, w);
        double below = p[low - 1], above = p[low];
        double threshold = Math.Pow(10, (x[low - 1] + x[low]) / 2);
        // Rounding can only matter for neighbouring doubles; the lowest high value still separates (p < it).
        if (!(below < threshold && threshold < above)) threshold = above;
        string description = string.Create(inv,
            $"auto-otsu on log10(max(p, {Floor:G3})) of {n} values{(weights is null ? "" : " weighted by the sampling design")}: {low} below, {n - low} above; threshold {threshold:G3} between {below:G3} and {above:G3}; separability {separability:F3}");
        return new ThresholdChoice(new FailureThreshold(threshold, ThresholdMethod.AutoOtsu, description), description);
    }
}
