using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

public sealed class AnalyzeTests : IDisposable
{
    private static readonly string Committed = Path.Combine(TestPaths.RepoRoot, "reports", "stories260K");
    private readonly string _dir = Directory.CreateTempSubdirectory("analyze").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyCommitted()
    {
        string copy = Path.Combine(_dir, "stories260K");
        Directory.CreateDirectory(copy);
        foreach (string file in new[] { ScanJournal.FileName, ScanOutputs.TokensFile, ScanOutputs.RunFile })
        {
            File.Copy(Path.Combine(Committed, file), Path.Combine(copy, file));
        }
        return copy;
    }

    [Fact]
    public void TheCommittedReportIsWhatAnalyzeComputes()
    {
        string copy = CopyCommitted();
        CliResult r = CliProcess.Run("analyze", "--scan", copy, "--model", TestPaths.DefaultModel);
        Assert.True(r.ExitCode == 0, r.StdErr);
        foreach (string file in new[] { ScanOutputs.TokensFile, AnalysisFiles.SummaryFile, AnalysisFiles.ReportFile })
        {
            Assert.True(File.ReadAllText(Path.Combine(Committed, file)) == File.ReadAllText(Path.Combine(copy, file)), $"{file} differs from the committed one");
        }
        foreach (string plot in new[] { "centroid_distance_histogram.png", "centroid_distance_vs_repeat.png", "roc.png", "pca_map.png" })
        {
            Assert.True(new FileInfo(Path.Combine(copy, plot)).Length > 10_000, $"{plot} missing or empty");
        }
    }

    [Fact]
    public void UnderTrainedTokensOfStories260KSitAtTheCentroid()
    {
        TokensTable table = TokensCsv.Read(Path.Combine(Committed, ScanOutputs.TokensFile));
        Assert.Contains("magikarp_indicator_z", table.ExtraColumns);
        var summary = File.ReadAllLines(Path.Combine(Committed, AnalysisFiles.SummaryFile)).Skip(1).Select(l => l.Split(',')).ToList();
        double Auc(string measure) => double.Parse(summary.Single(f => f[0] == "best" && f[1] == "all" && f[2] == measure && f[3] == "auc")[4], System.Globalization.CultureInfo.InvariantCulture);
        // AUC near 0: failed tokens have the *smaller* distances.
        Assert.True(Auc("centroid_distance") < 0.05);
        Assert.True(Auc("centroid_cosine") < 0.05);
        Assert.True(Auc("magikarp_indicator") < 0.05);
        // Degenerate groups are reported as undefined, never NaN.
        Assert.DoesNotContain(summary, f => f.Any(x => x.Contains("NaN", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADirectoryWithoutAScanIsABadInput()
    {
        CliResult r = CliProcess.Run("analyze", "--scan", _dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no finished scan", r.StdErr, StringComparison.Ordinal);
        Assert.False(r.LooksLikeCrash);
    }

    [Fact]
    public void AnotherModelIsRefused()
    {
        string copy = CopyCommitted();
        CliResult r = CliProcess.Run("analyze", "--scan", copy, "--model", Path.Combine(TestPaths.ModelsDir, "aidreams260K.gguf"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sha256", r.StdErr, StringComparison.Ordinal);
    }
}
