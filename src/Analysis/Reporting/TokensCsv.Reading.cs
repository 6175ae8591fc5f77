using AnomalyProbe.Analysis.Tokens;
using CsvHelper;

namespace AnomalyProbe.Analysis.Reporting;

public static partial class TokensCsv
{
    private static TokensTable ReadAll(CsvReader csv)
    {
        var header = csv.Headers;
        var (templates, extras) = ParseHeader(header);
        var rows = new List<TokenRow>();
        int previousId = -1;
        while (csv.Read())
        {
            var f = new CsvFormat.Fields("tokens.csv", csv, header);
            int id = f.Int((int)Column.TokenId);
            if (id <= previousId) throw f.Error((int)Column.TokenId, previousId < 0 ? "token ids must not be negative" : $"token ids must increase (previous {previousId})");
            previousId = id;

            int column = FixedColumns.Length;
            var results = new Dictionary<string, TemplateResult>(templates.Count, StringComparer.Ordinal);
            foreach (string template in templates)
            {
                results[template] = new TemplateResult(f.Real(column), f.Int(column + 1), f.Text(column + 2), f.Bool(column + 3), f.Real(column + 4));
                column += TemplatePrefixes.Length;
            }
            var extraValues = new Dictionary<string, double?>(extras.Count, StringComparer.Ordinal);
            foreach (string extra in extras) extraValues[extra] = f.RealOrNull(column++);

            string best = f.Text((int)Column.BestTemplate);
            if (!results.TryGetValue(best, out var bestResult)) throw f.Error((int)Column.BestTemplate, $"'{best}' is not one of the templates");
            // The best-template columns are copies of that template's: they must agree.
            if (!f.Real((int)Column.RepeatProb).Equals(bestResult.RepeatProb)) throw f.Error((int)Column.RepeatProb, $"differs from {ProbPrefix}{best}");
            if (f.Int((int)Column.RepeatRank) != bestResult.RepeatRank) throw f.Error((int)Column.RepeatRank, $"differs from {RankPrefix}{best}");
            if (f.Text((int)Column.GreedyAnswer) != bestResult.GreedyAnswer) throw f.Error((int)Column.GreedyAnswer, $"differs from {AnswerPrefix}{best}");
            if (f.Bool((int)Column.TextRepeated) != bestResult.TextRepeated) throw f.Error((int)Column.TextRepeated, $"differs from {TextPrefix}{best}");
            if (!f.Real((int)Column.RepeatRate).Equals(bestResult.RepeatRate)) throw f.Error((int)Column.RepeatRate, $"differs from {RatePrefix}{best}");

            // piece is not read: it is a rendering of bytes_hex, which is the truth.
            rows.Add(new TokenRow
            {
                TokenId = id,
                Bytes = f.Hex((int)Column.BytesHex),
                TokenType = f.TokenType((int)Column.TokenType),
                Reachable = f.Bool((int)Column.Reachable),
                BestTemplate = best,
                Failed = f.Bool((int)Column.Failed),
                NegAnswer = f.Int((int)Column.NegAnswer),
                ArgminHits = f.Int((int)Column.ArgminHits),
                NegTempHits = f.Int((int)Column.NegTempHits),
                Templates = results,
                Extras = extraValues,
            });
        }
        return new TokensTable { Templates = templates, ExtraColumns = extras, Rows = rows };
    }

    /// <summary>Checks the fixed columns and splits the rest into template names and extra columns.</summary>
    private static (List<string> Templates, List<string> Extras) ParseHeader(IReadOnlyList<string> header)
    {
        if (header.Count == 0) throw new FormatException("tokens.csv is empty: no header.");
        if (header.Count > 9 && header[9] == "answer_starts_with_token")
        {
            throw new FormatException("tokens.csv is from an AnomalyProbe before text_repeated (it has answer_starts_with_token): " +
                "rewrite it from the scan's journal with the same scan command plus --resume (nothing is probed again).");
        }
        for (int i = 0; i < FixedColumns.Length; i++) ExpectColumn(header, i, FixedColumns[i]);

        var templates = new List<string>();
        int column = FixedColumns.Length;
        for (; column < header.Count && header[column].StartsWith(ProbPrefix, StringComparison.Ordinal); column += TemplatePrefixes.Length)
        {
            string name = header[column][ProbPrefix.Length..];
            if ((NameProblem(name) ?? (templates.Contains(name) ? "repeats an earlier template" : null)) is string problem)
                throw HeaderError(header, column, $"names a template that {problem}");
            for (int k = 1; k < TemplatePrefixes.Length; k++) ExpectColumn(header, column + k, TemplatePrefixes[k] + name);
            templates.Add(name);
        }
        if (templates.Count == 0) throw HeaderError(header, column, $"expected the columns of a template ({ProbPrefix}<name>, ...)");

        var extras = new List<string>();
        for (; column < header.Count; column++)
        {
            string name = header[column];
            string? problem = NameProblem(name)
                ?? (IsReserved(name) ? "is a fixed or template column out of place" : null)
                ?? (extras.Contains(name) ? "repeats an earlier column" : null);
            if (problem is not null) throw HeaderError(header, column, problem);
            extras.Add(name);
        }
        return (templates, extras);
    }

    private static void ExpectColumn(IReadOnlyList<string> header, int column, string expected)
    {
        if (column >= header.Count || header[column] != expected) throw HeaderError(header, column, $"expected '{expected}'");
    }

    private static FormatException HeaderError(IReadOnlyList<string> header, int column, string problem) =>
        new($"tokens.csv header (line 1), column {column + 1} ({(column < header.Count ? $"'{header[column]}'" : "missing")}): {problem}.");
}
