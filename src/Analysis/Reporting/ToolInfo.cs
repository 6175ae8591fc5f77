namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The program that made a run.</summary>
/// <param name="Name">Tool name.</param>
/// <param name="Version">Tool version.</param>
public sealed record ToolInfo(string Name, string Version);
