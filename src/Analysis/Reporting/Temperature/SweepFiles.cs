using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Temperature;
using CsvHelper;
using ScottPlot;

namespace AnomalyProbe.Analysis.Reporting.Temperature;

/// <summary><c>temperature sweep</c>'s files: sweep.csv and sweep.png.</summary>
public static class SweepFiles
{
    /// <summary>sweep.csv's columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "temperature", "entropy_nats", "samples", "tokens", "perplexity_t1", "log_perplexity_t1",
        "byte_share", "special_share", "unreachable_share", "distinct_ratio",
    ];

    /// <summary>Writes sweep.csv (RFC 4180, "\n", UTF-8 without BOM, round-trip doubles; NaN when no token was emitted).</summary>
    public static void WriteCsv(string path, IReadOnlyList<SweepRow> rows)
    {
        using var stream = File.Create(path);
        using var csv = CsvWriter.Create(stream, CsvFormat.WriterOptions);
        csv.WriteHeader(Columns.ToArray());
        foreach (SweepRow r in rows)
        {
            csv.WriteField(r.Temperature);
            csv.WriteField(CsvFormat.Real(r.EntropyNats));
            csv.WriteField(r.Samples.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(r.Tokens.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(CsvFormat.Real(r.PerplexityAtOne));
            csv.WriteField(CsvFormat.Real(r.LogPerplexityAtOne));
            csv.WriteField(CsvFormat.Real(r.ByteShare));
            csv.WriteField(CsvFormat.Real(r.SpecialShare));
            csv.WriteField(CsvFormat.Real(r.UnreachableShare));
            csv.WriteField(CsvFormat.Real(r.DistinctRatio));
            csv.EndRecord();
        }
    }

    /// <summary>Plots entropy and log-perplexity (T = 1) against T; ±∞ are left out, ±0 sit at 0.</summary>
    public static void WritePlot(string path, IReadOnlyList<SweepRow> rows)
    {
        SweepRow[] finite = rows.Where(r => double.IsFinite(r.TemperatureValue)).OrderBy(r => r.TemperatureValue).ToArray();
        double[] x = finite.Select(r => r.TemperatureValue).ToArray();
        var plot = new Plot();
        var entropy = plot.Add.Scatter(x, finite.Select(r => r.EntropyNats).ToArray());
        entropy.LegendText = "entropy at the prompt (nats)";
        double[] lp = finite.Select(r => double.IsFinite(r.LogPerplexityAtOne) ? r.LogPerplexityAtOne : 0).ToArray();
        var perplexity = plot.Add.Scatter(x, lp);
        perplexity.LegendText = "log perplexity of continuations at T = 1";
        plot.Title("Temperature sweep");
        plot.XLabel("T");
        plot.YLabel("nats");
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }
}
