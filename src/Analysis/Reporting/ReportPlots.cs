using ScottPlot;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The report's pictures (PNG, ScottPlot): failed tokens in red, passed in blue.</summary>
public static class ReportPlots
{
    private const int Width = 800, Height = 500;
    private static readonly Color Failed = Colors.Red.WithAlpha(0.6), Passed = Colors.Blue.WithAlpha(0.45);

    /// <summary>Histogram of a measure for failed vs passed tokens (as densities, so unequal groups compare).</summary>
    public static void Histogram(string path, string measure, double[] values, bool[] failed)
    {
        var plot = new Plot();
        double min = values.Min(), max = values.Max();
        if (max <= min) max = min + 1;
        int bins = Math.Clamp((int)Math.Sqrt(values.Length), 10, 60);
        foreach (var (group, color, label) in new[] { (true, Failed, "failed"), (false, Passed, "passed") })
        {
            double[] x = values.Where((_, i) => failed[i] == group).ToArray();
            if (x.Length == 0) continue;
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
            histogram.AddRange(x);
            var bars = plot.Add.Bars(histogram.Bins, histogram.GetProbability());
            foreach (var bar in bars.Bars)
            {
                bar.FillColor = color;
                bar.LineWidth = 0;
                bar.Size = histogram.FirstBinSize * 0.9;
            }
            bars.LegendText = $"{label} (n={x.Length})";
        }
        plot.Title($"{measure}: failed vs passed tokens");
        plot.XLabel(measure);
        plot.YLabel("fraction of the group");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Scatter of a measure against log10 repeat_prob.</summary>
    public static void Scatter(string path, string measure, double[] values, double[] repeatProb, bool[] failed, double threshold)
    {
        var plot = new Plot();
        foreach (var (group, color, label) in new[] { (false, Passed, "passed"), (true, Failed, "failed") })
        {
            double[] x = values.Where((_, i) => failed[i] == group).ToArray();
            double[] y = repeatProb.Where((_, i) => failed[i] == group).Select(p => Math.Log10(Math.Max(p, 1e-12))).ToArray();
            if (x.Length == 0) continue;
            var points = plot.Add.ScatterPoints(x, y);
            points.Color = color;
            points.MarkerSize = 4;
            points.LegendText = label;
        }
        var line = plot.Add.HorizontalLine(Math.Log10(threshold));
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Gray;
        plot.Title($"{measure} vs repeat probability");
        plot.XLabel(measure);
        plot.YLabel("log10 repeat_prob (best template)");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>ROC curves (false-positive rate, true-positive rate) of several measures as failure predictors.</summary>
    public static void Roc(string path, IReadOnlyList<(string Measure, double Auc, double[] Fpr, double[] Tpr)> curves)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dotted;
        diagonal.Color = Colors.Gray;
        foreach (var (measure, auc, fpr, tpr) in curves)
        {
            var curve = plot.Add.ScatterLine(fpr, tpr);
            curve.LegendText = $"{measure} (AUC {auc:F3})";
        }
        plot.Title("ROC: each measure as a predictor of failure (oriented)");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>The embedding matrix on its first two principal components, failed tokens highlighted.</summary>
    public static void PcaMap(string path, double[] pc1, double[] pc2, bool[] failed, string title)
    {
        var plot = new Plot();
        foreach (var (group, color, label) in new[] { (false, Passed, "passed"), (true, Failed, "failed") })
        {
            double[] x = pc1.Where((_, i) => failed[i] == group).ToArray();
            double[] y = pc2.Where((_, i) => failed[i] == group).ToArray();
            if (x.Length == 0) continue;
            var points = plot.Add.ScatterPoints(x, y);
            points.Color = color;
            points.MarkerSize = 4;
            points.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel("PC1");
        plot.YLabel("PC2");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }
}
