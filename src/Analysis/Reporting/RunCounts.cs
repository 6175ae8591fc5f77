namespace AnomalyProbe.Analysis.Reporting;

/// <summary>How much a run did.</summary>
/// <param name="Tokens">Tokens probed.</param>
/// <param name="Probes">Probes run (token × template).</param>
/// <param name="Failed">Tokens that failed the threshold.</param>
public sealed record RunCounts(int Tokens, int Probes, int Failed);
