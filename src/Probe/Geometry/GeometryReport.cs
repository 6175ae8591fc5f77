using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Probe.Geometry;

/// <summary>
/// summary.csv, the plots and report.md for a scan whose tokens.csv carries the geometry columns.
/// Statistics per (template, measure) over all tokens, and per token type for the best template.
/// </summary>
public static class GeometryReport
{
    /// <summary>Output file names.</summary>
    public const string SummaryFile = "summary.csv", ReportFile = "report.md";

    /// <summary>Token types with fewer tokens than this get no per-type statistics.</summary>
    public const int MinimumGroup = 10;

    /// <summary>Writes summary.csv, the PNG plots and report.md into <paramref name="directory"/>.</summary>
    public static void Write(string directory, RunInfo run, TokensTable table, GeometryMeasures geometry, int seed)
    {
        string[] measures = geometry.Measures.Keys.Where(k => k is not ("pc1" or "pc2")).ToArray();
        var bootstrap = new BootstrapSettings(seed);
        var summary = new List<SummaryRow>();
        int[] ids = table.Rows.Select(r => r.TokenId).ToArray();
        double threshold = run.Threshold.Value;

        void Add(string template, string tokenType, IReadOnlyList<TokenRow> rows, Func<TokenRow, double> repeat)
        {
            bool[] failed = rows.Select(r => repeat(r) < threshold).ToArray();
            double[] repeatProb = rows.Select(repeat).ToArray();
            foreach (string measure in measures)
            {
                double[] values = rows.Select(r => geometry.Measures[measure][r.TokenId]).ToArray();
                foreach (Estimate e in MeasureStatistics.Compute(failed, repeatProb, values, bootstrap))
                {
                    summary.Add(new SummaryRow(template, tokenType, measure, e.Statistic, e.Value, e.CiLow, e.CiHigh, e.N, e.PValue, e.Undefined));
                }
            }
        }

        Add("best", "all", table.Rows, r => r.RepeatProb);
        foreach (var group in table.Rows.GroupBy(r => r.TokenType).Where(g => g.Count() >= MinimumGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Add("best", group.Key, [.. group], r => r.RepeatProb);
        }
        foreach (string template in table.Templates) Add(template, "all", table.Rows, r => r.Templates[template].RepeatProb);
        SummaryCsv.Write(Path.Combine(directory, SummaryFile), summary);

        var plots = Plots(directory, table, geometry, measures, threshold);
        string report = ReportMarkdown.Render(new ReportInputs(run, table, summary, geometry.Tied, geometry.ReferenceSource, plots));
        File.WriteAllText(Path.Combine(directory, ReportFile), report);
    }

    private static List<(string Caption, string File)> Plots(string directory, TokensTable table, GeometryMeasures geometry, string[] measures, double threshold)
    {
        bool[] failed = table.Rows.Select(r => r.Failed).ToArray();
        double[] Column(string name) => table.Rows.Select(r => geometry.Measures[name][r.TokenId]).ToArray();
        double[] distance = Column("centroid_distance");
        var plots = new List<(string, string)>
        {
            ("Centroid distance of failed vs passed tokens", "centroid_distance_histogram.png"),
            ("Centroid distance vs repeat probability", "centroid_distance_vs_repeat.png"),
            ("ROC of each geometric measure as a predictor of failure", "roc.png"),
            ("Input embeddings on their first two principal components", "pca_map.png"),
        };
        ReportPlots.Histogram(Path.Combine(directory, plots[0].Item2), "centroid_distance", distance, failed);
        ReportPlots.Scatter(Path.Combine(directory, plots[1].Item2), "centroid_distance", distance, table.Rows.Select(r => r.RepeatProb).ToArray(), failed, threshold);
        var curves = new List<(string, double, double[], double[])>();
        foreach (string measure in measures)
        {
            double[] values = Column(measure);
            Estimate auc = RocAuc.Compute(failed, values);
            if (auc.Value is not double a) continue;
            IReadOnlyList<RocPoint> points = RocCurve.Compute(failed, values);
            curves.Add((measure, a, points.Select(p => p.FalsePositiveRate).ToArray(), points.Select(p => p.TruePositiveRate).ToArray()));
        }
        ReportPlots.Roc(Path.Combine(directory, plots[2].Item2), curves);
        ReportPlots.PcaMap(Path.Combine(directory, plots[3].Item2), Column("pc1"), Column("pc2"), failed,
            geometry.Tied ? "Embedding matrix (tied) on PC1/PC2, failed tokens in red" : "Input embedding matrix on PC1/PC2, failed tokens in red");
        return plots;
    }
}
