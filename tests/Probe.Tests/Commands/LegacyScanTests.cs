using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>
/// A scan made by the previous release (Fixtures/legacy-scan: 32 tokens of stories260K, batch 16, the
/// three plain templates; its journal's fingerprint still held the harvest settings, its tokens.csv
/// had answer_starts_with_token): resuming it keeps every probe and rewrites the files.
/// </summary>
public sealed class LegacyScanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("legacy").FullName;

    public LegacyScanTests()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "Probe.Tests", "Fixtures", "legacy-scan")))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnOlderScanResumesWithoutProbingAgain()
    {
        CliResult analyze = CliProcess.Run("analyze", "--scan", _dir, "--model", TestPaths.DefaultModel);
        Assert.Equal(2, analyze.ExitCode);
        Assert.Contains("from an AnomalyProbe before text_repeated", analyze.StdErr, StringComparison.Ordinal);

        string before = File.ReadAllText(Path.Combine(_dir, ScanJournal.FileName));
        CliResult resumed = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", _dir, "--tokens", "0-31", "--batch", "16",
            "--templates", "builtin", "--resume", "--threads", "2");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("96/96 probes already journaled", resumed.StdErr, StringComparison.Ordinal);
        Assert.StartsWith(before, File.ReadAllText(Path.Combine(_dir, ScanJournal.FileName)), StringComparison.Ordinal);
        Assert.Equal(32, TokensCsv.Read(Path.Combine(_dir, ScanOutputs.TokensFile)).Rows.Count);

        // Other settings than the journal's are named.
        CliResult other = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", _dir, "--tokens", "0-31", "--batch", "16", "--resume");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("templates (chat, completion, induction there, completion, induction here)", other.StdErr, StringComparison.Ordinal);
    }
}
