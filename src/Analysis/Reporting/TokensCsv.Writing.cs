using System.Globalization;
using AnomalyProbe.Analysis.Tokens;
using CsvHelper;

namespace AnomalyProbe.Analysis.Reporting;

public static partial class TokensCsv
{
    /// <summary>Checks everything before the first byte is written and returns the rows sorted by id.</summary>
    private static List<TokenRow> Validate(TokensTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Templates.Count == 0) throw new ArgumentException("tokens.csv needs at least one template.");
        CheckNames(table.Templates, "template");
        CheckNames(table.ExtraColumns, "extra column");
        foreach (string extra in table.ExtraColumns)
        {
            if (IsReserved(extra)) throw new ArgumentException($"Extra column '{extra}' clashes with the name of a fixed or template column.");
        }

        var rows = table.Rows.OrderBy(r => r.TokenId).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.TokenId < 0) throw Invalid(row, "negative token id");
            if (i > 0 && rows[i - 1].TokenId == row.TokenId) throw Invalid(row, "duplicate token id");
            if (row.Templates.Count != table.Templates.Count || !table.Templates.All(row.Templates.ContainsKey))
                throw Invalid(row, $"has results for templates [{string.Join(", ", row.Templates.Keys)}], the table has [{string.Join(", ", table.Templates)}]");
            if (!row.Templates.ContainsKey(row.BestTemplate)) throw Invalid(row, $"best template '{row.BestTemplate}' is not one of the templates");
            foreach (var (name, result) in row.Templates)
            {
                CheckFinite(row, ProbPrefix + name, result.RepeatProb);
                if (result.RepeatRate is not (>= 0 and <= 1)) throw Invalid(row, $"{RatePrefix}{name} is {result.RepeatRate}, not a share in [0, 1]");
                CheckText(row, AnswerPrefix + name, result.GreedyAnswer);
            }
            foreach (var (name, value) in row.Extras)
            {
                if (!table.ExtraColumns.Contains(name)) throw Invalid(row, $"extra value '{name}' has no column");
                if (value is double v) CheckFinite(row, name, v);
            }
        }
        return rows;
    }

    private static void WriteAll(CsvWriter csv, TokensTable table, List<TokenRow> rows)
    {
        csv.WriteHeader(Header(table).ToArray());
        foreach (var row in rows)
        {
            csv.WriteField(Int(row.TokenId));
            csv.WriteField(row.Piece);
            csv.WriteField(row.BytesHex);
            csv.WriteField(TokenTypes.Name(row.TokenType));
            csv.WriteField(Bool(row.Reachable));
            csv.WriteField(Real(row.RepeatProb));
            csv.WriteField(Int(row.RepeatRank));
            csv.WriteField(row.BestTemplate);
            csv.WriteField(row.GreedyAnswer);
            csv.WriteField(Bool(row.TextRepeated));
            csv.WriteField(Real(row.RepeatRate));
            csv.WriteField(Bool(row.Failed));
            csv.WriteField(Int(row.NegAnswer));
            csv.WriteField(Int(row.ArgminHits));
            csv.WriteField(Int(row.NegTempHits));
            foreach (string template in table.Templates)
            {
                var result = row.Templates[template];
                csv.WriteField(Real(result.RepeatProb));
                csv.WriteField(Int(result.RepeatRank));
                csv.WriteField(result.GreedyAnswer);
                csv.WriteField(Bool(result.TextRepeated));
                csv.WriteField(Real(result.RepeatRate));
            }
            foreach (string extra in table.ExtraColumns)
                csv.WriteField(row.Extra(extra) is double value ? Real(value) : "");
            csv.EndRecord();
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private static void CheckNames(IReadOnlyList<string> names, string what)
    {
        foreach (string name in names)
        {
            if (NameProblem(name) is string problem) throw new ArgumentException($"The {what} name '{name}' {problem}.");
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"The {what} names [{string.Join(", ", names)}] repeat a name.");
    }

    private static void CheckFinite(TokenRow row, string column, double value)
    {
        // NaN or ∞ here is a bug upstream; CSV would carry it silently.
        if (!double.IsFinite(value)) throw Invalid(row, $"{column} is {value}");
    }

    private static void CheckText(TokenRow row, string column, string text)
    {
        // A lone surrogate has no UTF-8 form: CsvHelper would write U+FFFD and the text would not read back.
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) throw Invalid(row, $"{column} has a lone surrogate at index {i}");
        }
    }

    private static ArgumentException Invalid(TokenRow row, string problem) =>
        new($"tokens.csv: token {row.TokenId}: {problem}.");
}
