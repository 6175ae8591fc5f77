namespace AnomalyProbe.Analysis.Reporting;

/// <summary>A prompt template of a run.</summary>
/// <param name="Name">Name, as in the tokens.csv columns.</param>
/// <param name="File">File it was read from; null for a built-in template.</param>
/// <param name="Text">The template text itself.</param>
/// <param name="ChatFormat">For a chat template, the format it was rendered with ("model" = the model's own); null for a plain one.</param>
/// <param name="PrefixIds">The token ids before the slot, as probed (null in runs made before they were recorded).</param>
/// <param name="SuffixIds">The token ids after the slot, as probed.</param>
/// <param name="Batch">Its probes per decode (B); null in runs made before B was per template (then <see cref="RunSettings.Batch"/>).</param>
public sealed record TemplateInfo(string Name, string? File, string Text, string? ChatFormat = null, int[]? PrefixIds = null, int[]? SuffixIds = null, int? Batch = null);
