using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// What <c>analyze</c> adds to a scan: the geometry columns of tokens.csv, then summary.csv, the plots
/// and report.md. Statistics per (template, measure) over all tokens, and per token type for the best template.
/// </summary>
public static class AnalysisFiles
{
    /// <summary>Output file names.</summary>
    public const string SummaryFile = "summary.csv", ReportFile = "report.md";

    /// <summary>Token types with fewer tokens than this get no per-type statistics.</summary>
    public const int MinimumGroup = 10;

    /// <summary>
    /// The table with every measure as a column, followed by its rank (1 = smallest, ties averaged)
    /// and z-score over the scanned tokens (the principal-component coordinates get neither).
    /// </summary>
    public static TokensTable WithGeometryColumns(TokensTable table, GeometryMeasures geometry)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(geometry);
        var columnValues = new Dictionary<string, double?[]>();
        int[] ids = table.Rows.Select(r => r.TokenId).ToArray();
        foreach (var (name, all) in geometry.Measures)
        {
            double[] values = ids.Select(id => all[id]).ToArray();
            columnValues[name] = values.Select(v => (double?)v).ToArray();
            if (name is "pc1" or "pc2") continue;
            columnValues[name + "_rank"] = MeasureScores.Ranks(values).Select(v => (double?)v).ToArray();
            double[]? z = MeasureScores.ZScores(values);
            columnValues[name + "_z"] = z is null ? new double?[values.Length] : z.Select(v => (double?)v).ToArray();
        }
        foreach (string name in geometry.Missing?.Keys ?? [])
        {
            foreach (string column in (string[])[name, name + "_rank", name + "_z"]) columnValues[column] = new double?[ids.Length];
        }
        string[] columns = [.. columnValues.Keys];
        var rows = table.Rows.Select((row, i) => row with { Extras = columns.ToDictionary(c => c, c => columnValues[c][i]) }).ToList();
        return table with { ExtraColumns = columns, Rows = rows };
    }

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
        foreach (var group in table.Rows.GroupBy(r => TokenTypes.Name(r.TokenType)).Where(g => g.Count() >= MinimumGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Add("best", group.Key, [.. group], r => r.RepeatProb);
        }
        foreach (string template in table.Templates) Add(template, "all", table.Rows, r => r.Templates[template].RepeatProb);
        SummaryCsv.Write(Path.Combine(directory, SummaryFile), summary);

        var plots = Plots(directory, table, geometry, measures, threshold);
        string report = ReportMd.Render(new ReportInputs(run, table, summary, geometry.Tied, geometry.ReferenceSource, plots));
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
            ("ROC of each geometric measure as a predictor of failure (each oriented so that its curve lies above the diagonal)", "roc.png"),
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
            // Each curve oriented to show its measure's power: where failed tokens have the smaller
            // values, the curve of the negated measure (AUC 1 − a) — not one hugging the axes.
            bool lower = a < 0.5;
            IReadOnlyList<RocPoint> points = RocCurve.Compute(failed, lower ? values.Select(v => -v).ToArray() : values);
            curves.Add((lower ? $"{measure} (failed lower)" : measure, lower ? 1 - a : a,
                points.Select(p => p.FalsePositiveRate).ToArray(), points.Select(p => p.TruePositiveRate).ToArray()));
        }
        ReportPlots.Roc(Path.Combine(directory, plots[2].Item2), curves);
        ReportPlots.PcaMap(Path.Combine(directory, plots[3].Item2), Column("pc1"), Column("pc2"), failed,
            geometry.Tied ? "Embedding matrix (tied) on PC1/PC2, failed tokens in red" : "Input embedding matrix on PC1/PC2, failed tokens in red");
        return plots;
    }
}
