using CsvHelper;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// Writes and reads tokens.csv: RFC 4180 (comma, double-quote quoting), "\n" line ends, UTF-8
/// without BOM, invariant culture, one row per token sorted by id. Columns: the fixed ones, then
/// repeat_prob_&lt;t&gt;, repeat_rank_&lt;t&gt;, greedy_answer_&lt;t&gt;, text_repeated_&lt;t&gt;, repeat_rate_&lt;t&gt; per template t, then the extra
/// numeric columns. Doubles are written round-trip ("R"), so they read back bit for bit; an empty
/// cell is a null extra value.
/// </summary>
public static partial class TokensCsv
{
    private const string ProbPrefix = "repeat_prob_";
    private const string RankPrefix = "repeat_rank_";
    private const string AnswerPrefix = "greedy_answer_";
    private const string TextPrefix = "text_repeated_";
    private const string RatePrefix = "repeat_rate_";

    /// <summary>The columns per template, by prefix, in order.</summary>
    private static readonly string[] TemplatePrefixes = [ProbPrefix, RankPrefix, AnswerPrefix, TextPrefix, RatePrefix];

    /// <summary>Indices of the fixed columns; <see cref="FixedColumns"/> holds their names in this order.</summary>
    private enum Column
    {
        TokenId, Piece, BytesHex, TokenType, Reachable, RepeatProb, RepeatRank, BestTemplate,
        GreedyAnswer, TextRepeated, RepeatRate, Failed, NegAnswer, ArgminHits, NegTempHits,
    }

    private static readonly string[] FixedColumns =
    [
        "token_id", "piece", "bytes_hex", "token_type", "reachable", "repeat_prob", "repeat_rank", "best_template",
        "greedy_answer", "text_repeated", "repeat_rate", "failed", "neg_answer", "argmin_hits", "neg_temp_hits",
    ];

    /// <summary>Writes <paramref name="table"/> to a new file at <paramref name="path"/> (replacing it).</summary>
    /// <exception cref="ArgumentException">The table is invalid (NaN or ∞, duplicate ids, missing templates, bad names, ...); nothing is written.</exception>
    public static void Write(string path, TokensTable table)
    {
        var rows = Validate(table);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, CsvFormat.WriterOptions, leaveOpen: true);
            WriteAll(csv, table, rows);
        });
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="writer"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">The table is invalid; nothing is written.</exception>
    public static void Write(TextWriter writer, TokensTable table)
    {
        var rows = Validate(table);
        using var csv = CsvWriter.Create(writer, CsvFormat.WriterOptions, leaveOpen: true);
        WriteAll(csv, table, rows);
    }

    /// <summary>Reads a tokens.csv file.</summary>
    /// <exception cref="FormatException">The file is not a valid tokens.csv; the message names the line and column.</exception>
    public static TokensTable Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, CsvFormat.ReaderOptions);
        try
        {
            return ReadAll(csv);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads tokens.csv text from <paramref name="reader"/>, which stays open.</summary>
    /// <exception cref="FormatException">The text is not a valid tokens.csv; the message names the line and column.</exception>
    public static TokensTable Read(TextReader reader)
    {
        using var csv = CsvReader.Create(reader, CsvFormat.ReaderOptions, leaveOpen: true);
        return ReadAll(csv);
    }

    private static IEnumerable<string> Header(TokensTable table) =>
        FixedColumns
            .Concat(table.Templates.SelectMany(t => TemplatePrefixes.Select(prefix => prefix + t)))
            .Concat(table.ExtraColumns);

    /// <summary>Whether an extra column would be taken for a fixed or template column.</summary>
    private static bool IsReserved(string name) =>
        FixedColumns.Contains(name) || TemplatePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Why <paramref name="name"/> cannot name a template or extra column, or null if it can.</summary>
    private static string? NameProblem(string name)
    {
        if (name.Length == 0) return "is empty";
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return "may only contain ASCII letters, digits, '_' and '-'";
        return null;
    }
}
