using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>Everything audit.md is written from.</summary>
public sealed record AuditResult
{
    public required VocabularyDescription Vocabulary { get; init; }

    /// <summary>One record per token id.</summary>
    public required IReadOnlyList<AuditRecord> Records { get; init; }

    /// <summary>The program that made the audit.</summary>
    public required ToolInfo Tool { get; init; }

    /// <summary>The llama.cpp version whose tokenizer was used.</summary>
    public required string LlamaCpp { get; init; }

    /// <summary>Wall-clock time of the audit.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>How reachability was searched (one line per kind of context), for the reader.</summary>
    public IReadOnlyList<string> ReachabilityNotes { get; init; } = [];
}
