namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The contents of tokens.csv: its rows and the dynamic parts of its header.</summary>
public sealed record TokensTable
{
    /// <summary>Template names, in column order.</summary>
    public required IReadOnlyList<string> Templates { get; init; }

    /// <summary>Extra numeric columns, in column order (after the template columns).</summary>
    public IReadOnlyList<string> ExtraColumns { get; init; } = [];

    /// <summary>The rows; written sorted by token id.</summary>
    public required IReadOnlyList<TokenRow> Rows { get; init; }
}
