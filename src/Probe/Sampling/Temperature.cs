using System.Globalization;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>How a temperature turns logits into a choice.</summary>
public enum TemperatureKind
{
    /// <summary>T → 0⁺: argmax of the logits (greedy).</summary>
    Greedy,
    /// <summary>T → 0⁻: argmin of the logits, the least likely token.</summary>
    AntiGreedy,
    /// <summary>Any other finite T ≠ 0, negative included: sample from softmax(logits / T).</summary>
    Finite,
    /// <summary>T = ±∞: every candidate equally likely.</summary>
    Uniform,
}

/// <summary>
/// A sampling temperature with the sign of zero kept: "0", "0+", "+0" mean T → 0⁺ (greedy);
/// "-0", "0-" mean T → 0⁻ (argmin); "inf"/"-inf" mean uniform; other reals are used as given.
/// </summary>
public readonly record struct Temperature
{
    private Temperature(TemperatureKind kind, double value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>What the temperature does.</summary>
    public TemperatureKind Kind { get; }

    /// <summary>The value: ±0 for the limits, ±∞ for uniform, else T.</summary>
    public double Value { get; }

    /// <summary>True for T &lt; 0, including −0 and −∞: the distribution is inverted.</summary>
    public bool IsNegative => double.IsNegative(Value);

    /// <summary>T → 0⁺.</summary>
    public static Temperature Greedy { get; } = new(TemperatureKind.Greedy, 0.0);

    /// <summary>T → 0⁻.</summary>
    public static Temperature AntiGreedy { get; } = new(TemperatureKind.AntiGreedy, -0.0);

    /// <summary>A temperature from a number (−0.0 and 0.0 differ; NaN is rejected).</summary>
    public static Temperature FromValue(double t)
    {
        if (double.IsNaN(t)) throw new ArgumentException("temperature cannot be NaN", nameof(t));
        if (t == 0) return double.IsNegative(t) ? AntiGreedy : Greedy;
        if (double.IsInfinity(t)) return new Temperature(TemperatureKind.Uniform, t);
        return new Temperature(TemperatureKind.Finite, t);
    }

    /// <summary>Parses the command-line spelling; see the type's summary.</summary>
    public static bool TryParse(string? text, out Temperature temperature)
    {
        temperature = Greedy;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string s = text.Trim().ToLowerInvariant();
        switch (s)
        {
            case "0+" or "+0" or "0" or "0.0":
                temperature = Greedy;
                return true;
            case "0-" or "-0" or "-0.0":
                temperature = AntiGreedy;
                return true;
            case "inf" or "+inf" or "infinity" or "+infinity" or "∞":
                temperature = FromValue(double.PositiveInfinity);
                return true;
            case "-inf" or "-infinity" or "-∞":
                temperature = FromValue(double.NegativeInfinity);
                return true;
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value)) return false;
        temperature = FromValue(value);
        return true;
    }

    /// <summary>The spelling <see cref="TryParse"/> reads back.</summary>
    public override string ToString() => Kind switch
    {
        TemperatureKind.Greedy => "0+",
        TemperatureKind.AntiGreedy => "0-",
        TemperatureKind.Uniform => IsNegative ? "-inf" : "inf",
        _ => Value.ToString("R", CultureInfo.InvariantCulture),
    };
}
