namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// Why an estimate is undefined, as the short reason <see cref="Estimate.Undefined"/> carries.
/// NaN and ±∞ are not dropped silently: they make the estimate undefined, so a caller that filters
/// them does so on purpose (and reports its own n).
/// </summary>
internal static class Degeneracy
{
    /// <summary>The fewest tokens any of the estimators accepts (a correlation test needs n − 2 ≥ 1).</summary>
    public const int MinimumN = 3;

    /// <summary>Why failure-vs-measure statistics are undefined, or null when they are defined.</summary>
    public static string? OfBinary(ReadOnlySpan<bool> failed, ReadOnlySpan<double> measure)
    {
        if (NonFinite(measure, "measure") is { } nonFinite) return nonFinite;
        if (TooFew(measure.Length) is { } tooFew) return tooFew;
        int failures = failed.Count(true);
        if (failures == 0) return "undefined: no failed tokens";
        if (failures == failed.Length) return "undefined: no passed tokens";
        return IsConstant(measure) ? "undefined: constant measure" : null;
    }

    /// <summary>Why repeat_prob-vs-measure statistics are undefined, or null when they are defined.</summary>
    public static string? OfContinuous(ReadOnlySpan<double> repeatProb, ReadOnlySpan<double> measure)
    {
        if (NonFinite(measure, "measure") is { } badMeasure) return badMeasure;
        if (NonFinite(repeatProb, "repeat_prob") is { } badRepeat) return badRepeat;
        if (TooFew(measure.Length) is { } tooFew) return tooFew;
        if (IsConstant(measure)) return "undefined: constant measure";
        return IsConstant(repeatProb) ? "undefined: constant repeat_prob" : null;
    }

    /// <summary>Throws unless the arrays pair up token by token.</summary>
    public static void RequireSameLength(int first, int second, string secondName)
    {
        if (first != second)
            throw new ArgumentException($"Expected one value per token: {first} vs {second}.", secondName);
    }

    private static string? TooFew(int n) => n < MinimumN ? $"undefined: fewer than {MinimumN} tokens (n = {n})" : null;

    private static string? NonFinite(ReadOnlySpan<double> values, string name)
    {
        int bad = 0;
        foreach (double v in values)
            if (!double.IsFinite(v)) bad++;
        return bad == 0 ? null : $"undefined: {bad} of {values.Length} {name} values are NaN or infinite";
    }

    private static bool IsConstant(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (v != values[0]) return false;
        return true;
    }
}
