using System.Diagnostics.CodeAnalysis;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// What <see cref="FailureThreshold.Choose"/> found: a threshold, or none, with the reason in
/// <see cref="Description"/>.
/// </summary>
public sealed record ThresholdChoice
{
    internal ThresholdChoice(FailureThreshold? threshold, string description)
    {
        Threshold = threshold;
        Description = description;
    }

    /// <summary>The threshold the data defines; null when it defines none (see <see cref="Description"/>).</summary>
    public FailureThreshold? Threshold { get; }

    /// <summary>How the threshold was chosen, or why none could be.</summary>
    public string Description { get; }

    /// <summary>Whether the data defined a threshold.</summary>
    [MemberNotNullWhen(true, nameof(Threshold))]
    public bool IsDefined => Threshold is not null;

    /// <summary>The chosen threshold, else a fixed one at <paramref name="fallback"/> whose description says why.</summary>
    public FailureThreshold OrFixed(double fallback = FailureThreshold.DefaultFixed) =>
        Threshold ?? FailureThreshold.Fixed(fallback, Description);
}
