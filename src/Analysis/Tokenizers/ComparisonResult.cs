using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>Everything compare.md is written from.</summary>
public sealed record ComparisonResult
{
    public required VocabularyDescription A { get; init; }

    public required VocabularyDescription B { get; init; }

    /// <summary>The matching, with scan results attached to its rows when scans were given.</summary>
    public required VocabularyDiff Diff { get; init; }

    /// <summary>A's scan, or null.</summary>
    public ScanResults? ScanA { get; init; }

    /// <summary>B's scan, or null.</summary>
    public ScanResults? ScanB { get; init; }

    /// <summary>The known glitch tokens of A and their fate in B (from the scan of A and/or a list), or null when neither was given.</summary>
    public IReadOnlyList<GlitchToken>? Glitches { get; init; }

    /// <summary>The glitch list file, or null.</summary>
    public string? GlitchListPath { get; init; }

    /// <summary>The corpus comparisons: the built-in sample, then the user's corpus when given.</summary>
    public required IReadOnlyList<CorpusComparison> Corpora { get; init; }

    /// <summary>The program that made the comparison.</summary>
    public required ToolInfo Tool { get; init; }

    /// <summary>The llama.cpp version whose tokenizers were used.</summary>
    public required string LlamaCpp { get; init; }

    /// <summary>Wall-clock time.</summary>
    public double ElapsedSeconds { get; init; }
}
