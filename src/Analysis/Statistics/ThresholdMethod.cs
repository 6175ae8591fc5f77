using System.Text.Json.Serialization;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>How a <see cref="FailureThreshold"/> was set.</summary>
public enum ThresholdMethod
{
    /// <summary>Chosen from the data by Otsu's method on log10 of the repeat probabilities.</summary>
    [JsonStringEnumMemberName("auto-otsu")]
    AutoOtsu,

    /// <summary>Given as a number (by the user, or as the fallback when auto-otsu is undefined).</summary>
    [JsonStringEnumMemberName("fixed")]
    Fixed,
}
