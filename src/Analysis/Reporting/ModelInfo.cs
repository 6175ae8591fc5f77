namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The model file a run probed.</summary>
/// <param name="Path">Path as given.</param>
/// <param name="FileName">File name alone.</param>
/// <param name="SizeBytes">File size in bytes.</param>
/// <param name="Sha256">SHA-256 of the file, lowercase hex.</param>
public sealed record ModelInfo(string Path, string FileName, long SizeBytes, string Sha256);
