namespace AnomalyProbe.Analysis.Reporting;

/// <summary>A prompt template of a run.</summary>
/// <param name="Name">Name, as in the tokens.csv columns.</param>
/// <param name="File">File it was read from; null for a built-in template.</param>
/// <param name="Text">The template text itself.</param>
public sealed record TemplateInfo(string Name, string? File, string Text);
