using System.Globalization;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// Writes summary.csv: one row per (template, token type, measure, statistic). Undefined values are
/// empty cells with the reason in <c>note</c> — never NaN.
/// </summary>
public static class SummaryCsv
{
    /// <summary>Column names, in order.</summary>
    public static readonly string[] Header = ["template", "token_type", "measure", "statistic", "estimate", "ci_low", "ci_high", "n", "p_value", "note"];

    public static void Write(string path, IEnumerable<SummaryRow> rows)
    {
        using FileStream stream = File.Create(path);
        using var csv = CsvHelper.CsvWriter.Create(stream, CsvFormat.WriterOptions);
        csv.WriteHeader(Header);
        foreach (SummaryRow r in rows)
        {
            foreach (double? v in new[] { r.Estimate, r.CiLow, r.CiHigh })
            {
                if (v is double d && !double.IsFinite(d)) throw new ArgumentException($"non-finite {r.Statistic} for {r.Measure}");
            }
            csv.WriteField(r.Template);
            csv.WriteField(r.TokenType);
            csv.WriteField(r.Measure);
            csv.WriteField(r.Statistic);
            csv.WriteField(Format(r.Estimate));
            csv.WriteField(Format(r.CiLow));
            csv.WriteField(Format(r.CiHigh));
            csv.WriteField(r.N.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(Format(r.PValue));
            csv.WriteField(r.Note ?? "");
            csv.EndRecord();
        }
    }

    private static string Format(double? value) => value is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
