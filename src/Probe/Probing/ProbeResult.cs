namespace AnomalyProbe.Probe.Probing;

/// <summary>One probe: one token id in one template.</summary>
/// <param name="TemplateIndex">Index of the template in the scan's template list.</param>
/// <param name="Token">The probed token id.</param>
/// <param name="Stats">Teacher-forced statistics at the answer position.</param>
/// <param name="Answer">The greedy continuation from the answer position (first id = Stats.Argmax).</param>
/// <param name="Attempts">The sampled answers (<see cref="AttemptSettings"/>), as long as <paramref name="Answer"/>; null when not sampled.</param>
public sealed record ProbeResult(int TemplateIndex, int Token, LogitStats Stats, int[] Answer, int[][]? Attempts = null);
