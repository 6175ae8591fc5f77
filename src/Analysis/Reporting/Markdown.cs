using System.Globalization;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>Small helpers for the Markdown summaries (GitHub-flavoured tables).</summary>
internal static class Markdown
{
    /// <summary>An inline code span that survives backticks and table pipes.</summary>
    public static string Code(string text)
    {
        string cell = text.Replace("|", "\\|", StringComparison.Ordinal);
        if (cell.Length == 0) return "(empty)";
        if (!cell.Contains('`', StringComparison.Ordinal)) return $"`{cell}`";
        return $"`` {cell} ``";
    }

    /// <summary>A vocabulary spelling as a code span, control characters escaped (\r, \x00, ...).</summary>
    public static string Spelling(string text) => Code(PieceText.Escape(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Plain table-cell text (pipes escaped).</summary>
    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Share(int n, int total) =>
        total == 0 ? "-" : (n / (double)total).ToString("P1", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Up to <paramref name="count"/> items spread evenly over the list (first and last included).</summary>
    public static List<T> Spread<T>(IReadOnlyList<T> items, int count)
    {
        if (items.Count <= count) return [.. items];
        var picked = new List<T>(count);
        for (int i = 0; i < count; i++) picked.Add(items[(int)((long)i * (items.Count - 1) / (count - 1))]);
        return picked;
    }

    public static void Table(TextWriter w, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? align = null)
    {
        w.WriteLine("| " + string.Join(" | ", header) + " |");
        w.WriteLine("|" + string.Concat(header.Select((_, i) => align is not null && i < align.Length && align[i] == 'r' ? " ---: |" : " --- |")));
        foreach (var row in rows) w.WriteLine("| " + string.Join(" | ", row) + " |");
        w.WriteLine();
    }
}
