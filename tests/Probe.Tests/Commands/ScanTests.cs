using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>One uninterrupted scan of the embedded model, shared by the scan tests as the reference.</summary>
public sealed class ReferenceScan : IDisposable
{
    public ReferenceScan()
    {
        Root = System.IO.Directory.CreateTempSubdirectory("scan").FullName;
        Directory = Path.Combine(Root, "reference");
        Result = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", Directory, "--batch", "32", "--threads", "2");
    }

    public string Root { get; }
    public string Directory { get; }
    public CliResult Result { get; }

    public string File(string name) => Path.Combine(Directory, name);

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}

public sealed class ScanTests(ReferenceScan reference) : IClassFixture<ReferenceScan>
{
    private static readonly string[] Common = ["--model", TestPaths.DefaultModel, "--batch", "32", "--threads", "2"];

    private string NewDir(string name) => Path.Combine(reference.Root, name + Guid.NewGuid().ToString("N")[..6]);

    private static CliResult Scan(string dir, params string[] extra) => CliProcess.Run([.. new[] { "scan", "--out", dir }, .. Common, .. extra]);

    private void AssertSameScan(string dir)
    {
        Assert.Equal(File.ReadAllText(reference.File(ScanOutputs.TokensFile)), File.ReadAllText(Path.Combine(dir, ScanOutputs.TokensFile)));
        Assert.Equal(File.ReadAllBytes(reference.File(ScanJournal.FileName)), File.ReadAllBytes(Path.Combine(dir, ScanJournal.FileName)));
    }

    [Fact]
    public void CoversEveryTokenOfTheEmbeddedModel()
    {
        Assert.True(reference.Result.ExitCode == 0, reference.Result.StdErr);
        TokensTable table = TokensCsv.Read(reference.File(ScanOutputs.TokensFile));
        Assert.Equal(Enumerable.Range(0, 512), table.Rows.Select(r => r.TokenId));
        // A model without a chat template gets the two templates that need no instruction following.
        Assert.Equal(["completion", "induction"], table.Templates);
        RunInfo info = RunInfo.Read(reference.File(ScanOutputs.RunFile));
        Assert.Equal(512 * 2, info.Counts.Probes);
        Assert.All(info.Templates, t => Assert.NotEmpty(t.PrefixIds!));
        Assert.Equal("a8d1258d8eecbcb65097fc8579c0e626ea903d917901dc2b5c9c8e1fe8fbaf6f", info.Model.Sha256);
        Assert.True(info.ProbesPerS > 0);
        // The harvest ran and found byte tokens, the model's under-trained tokens.
        Assert.True(table.Rows.Sum(r => r.NegTempHits) > 0);
        Assert.True(table.Rows.Where(r => r.NegTempHits > 0).Count(r => r.TokenType == TokenType.Byte) * 2 > table.Rows.Count(r => r.NegTempHits > 0));
        // The failures are mostly byte tokens; the threshold was chosen from the data.
        Assert.Equal("AutoOtsu", info.Threshold.Method.ToString());
        Assert.True(table.Rows.Count(r => r.Failed && r.TokenType == TokenType.Byte) > table.Rows.Count(r => r.Failed) / 2);
    }

    [Fact]
    public void EveryByteTokenSurvivesTheCsvRoundTrip()
    {
        TokensTable table = TokensCsv.Read(reference.File(ScanOutputs.TokensFile));
        // stories260K's byte tokens <0x00>..<0xFF> are ids 3..258 and render to exactly that byte.
        for (int b = 0; b < 256; b++)
        {
            TokenRow row = table.Rows[3 + b];
            Assert.Equal(TokenType.Byte, row.TokenType);
            Assert.Equal([(byte)b], row.Bytes.ToArray());
        }
    }

    [Fact]
    public void TheCommittedReportIsWhatTheReadmeCommandProduces()
    {
        // README: anomalyprobe scan --model models/stories260K.gguf --out reports/stories260K
        string dir = NewDir("readme");
        CliResult r = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        string committed = Path.Combine(TestPaths.RepoRoot, "reports", "stories260K");
        Assert.Equal(File.ReadAllText(Path.Combine(committed, ScanOutputs.TokensFile)), File.ReadAllText(Path.Combine(dir, ScanOutputs.TokensFile)));
        // The default B: 128, and 256 for induction, whose probe is one token (the committed file was made at 64: B does not change it here).
        RunInfo info = RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile));
        Assert.Equal([("completion", (int?)128), ("induction", 256)], info.Templates.Select(t => (t.Name, t.Batch)));
        Assert.Contains("batch 128 (induction 256)", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void SampledAttemptsGiveARepeatRateAndTheDefaultBatchMakesRoomForThem()
    {
        string dir = NewDir("attempts");
        CliResult r = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir, "--tokens", "0-99", "--attempts", "4", "--attempt-temperature", "1",
            "--no-harvest", "--no-analyze", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.StdErr);
        RunInfo info = RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile));
        Assert.Equal((4, 1.0, 51), (info.Settings.Attempts, info.Settings.AttemptTemperature, info.Settings.Batch));
        TokensTable table = TokensCsv.Read(Path.Combine(dir, ScanOutputs.TokensFile));
        Assert.All(table.Rows.SelectMany(row => row.Templates.Values), t => Assert.Contains(t.RepeatRate, new[] { 0, 0.25, 0.5, 0.75, 1 }));
        Assert.Contains("\"attempts\":[[", File.ReadAllText(Path.Combine(dir, ScanJournal.FileName)), StringComparison.Ordinal);

        CliResult tooBig = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", NewDir("attempts-big"), "--attempts", "4", "--attempt-temperature", "1", "--batch", "64");
        Assert.Equal(2, tooBig.ExitCode);
        Assert.Contains("--batch: 64 must be in [1, 51] with 4 attempts", tooBig.StdErr, StringComparison.Ordinal);
        CliResult greedy = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", NewDir("attempts-greedy"), "--attempts", "4");
        Assert.Equal(2, greedy.ExitCode);
        Assert.Contains("add --attempt-temperature", greedy.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReRunningGivesIdenticalFiles()
    {
        string dir = NewDir("again");
        CliResult r = Scan(dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        AssertSameScan(dir);
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(17, true)] // dies with half of the next group written: a torn record
    public void KilledScanResumesToTheSameFiles(int groups, bool torn)
    {
        string dir = NewDir("killed");
        var hook = new Dictionary<string, string> { [CrashHook.DieAfterVariable] = groups.ToString(), [CrashHook.DieTornVariable] = torn ? "1" : "0" };
        CliResult killed = CliProcess.Run([.. new[] { "scan", "--out", dir }, .. Common], hook);
        Assert.Equal(137, killed.ExitCode); // SIGKILL
        Assert.False(File.Exists(Path.Combine(dir, ScanOutputs.TokensFile)));
        Assert.Equal(groups, ScanJournal.ReadOnly(Path.Combine(dir, ScanJournal.FileName)).CommittedGroups);

        CliResult resumed = Scan(dir, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        AssertSameScan(dir);
    }

    [Fact]
    public void ThreeShardsMergeToTheUnshardedScan()
    {
        string root = NewDir("cluster");
        var shards = Enumerable.Range(0, 3).Select(i => Path.Combine(root, "shards", $"{i}")).ToArray();
        for (int i = 0; i < 3; i++)
        {
            CliResult r = Scan(shards[i], "--shard", $"{i}/3");
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.Contains($"analysis: after merge (shard {i}/3 holds part of the scan)", r.StdOut, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(shards[i], "report.md"))); // the merge's analysis is the one that counts
        }
        // The shards one by one, their parent directory, or a pattern a caller without a shell passes as is.
        foreach (string[] inputs in new[] { shards, [Path.Combine(root, "shards")], [Path.Combine(root, "shards", "*")] })
        {
            string merged = NewDir("merged");
            CliResult m = CliProcess.Run([.. new[] { "merge" }, .. inputs, "--out", merged]);
            Assert.True(m.ExitCode == 0, m.StdErr);
            AssertSameScan(merged);
            Assert.True(File.Exists(Path.Combine(merged, "report.md")));
            RunInfo info = RunInfo.Read(Path.Combine(merged, ScanOutputs.RunFile));
            Assert.Equal((2, 3, (string?)null), (info.Settings.Threads, info.Settings.MergedShards, info.Settings.Shard)); // the shards' threads, not 0
            Assert.True(info.ProbesPerS > 0);
        }

        // A merge run again: refused without --overwrite (which merge has, unlike --resume), then replaced.
        string again = NewDir("again");
        Assert.Equal(0, CliProcess.Run([.. new[] { "merge" }, .. shards, "--out", again]).ExitCode);
        CliResult twice = CliProcess.Run([.. new[] { "merge" }, .. shards, "--out", again]);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("add --overwrite", twice.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("--resume", twice.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, CliProcess.Run([.. new[] { "merge" }, .. shards, "--out", again, "--overwrite"]).ExitCode);
        AssertSameScan(again);
        CliResult intoShard = CliProcess.Run([.. new[] { "merge" }, .. shards, "--out", shards[0], "--overwrite"]);
        Assert.Equal(2, intoShard.ExitCode);
        Assert.Contains("is one of the shards", intoShard.StdErr, StringComparison.Ordinal);

        // Two of three shards: the missing shard is named and nothing is written.
        string partial = NewDir("partial");
        CliResult missing = CliProcess.Run("merge", shards[0], shards[2], "--out", partial);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("1/3 is not among the inputs", missing.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(partial, ScanOutputs.TokensFile)));

        // A shard killed after 2 of its 10 groups (still running, or stopped): named, with what it has done.
        string killed = Path.Combine(root, "killed", "1");
        var hook = new Dictionary<string, string> { [CrashHook.DieAfterVariable] = "2" };
        Assert.Equal(137, CliProcess.Run([.. new[] { "scan", "--out", killed }, .. Common, "--shard", "1/3"], hook).ExitCode);
        CliResult unfinished = CliProcess.Run("merge", shards[0], killed, shards[2], "--out", NewDir("unfinished"));
        Assert.Equal(2, unfinished.ExitCode);
        Assert.Contains($"1/3 in '{killed}' is unfinished (2 of 10 groups committed): still running, or stopped — rerun it with --resume", unfinished.StdErr, StringComparison.Ordinal);

        // Not a shard at all.
        CliResult none = CliProcess.Run("merge", Path.Combine(root, "nothing-here"), "--out", NewDir("none"));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("is not a directory", none.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeRefusesShardsOfDifferentSettings()
    {
        string a = NewDir("a"), b = NewDir("b");
        Assert.Equal(0, Scan(a, "--tokens", "0-99", "--no-harvest", "--shard", "0/2").ExitCode);
        Assert.Equal(0, Scan(b, "--tokens", "0-99", "--no-harvest", "--shard", "1/2", "--templates", Path.Combine(TestPaths.RepoRoot, "prompts", "chat.txt")).ExitCode);
        CliResult r = CliProcess.Run("merge", a, b, "--out", NewDir("ab"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("other settings", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExistingJournalIsNeverOverwrittenAndResumeChecksSettings()
    {
        CliResult again = Scan(reference.Directory);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.StdErr, StringComparison.Ordinal);

        CliResult other = Scan(reference.Directory, "--resume", "--tokens", "0-10");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("other settings", other.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeWithoutBatchContinuesAtTheJournalsBatch()
    {
        // A scan begun at another B (an older default, say) resumes at it; an explicit other B is refused.
        string dir = NewDir("resume-batch");
        CliResult Scan(params string[] extra) => CliProcess.Run([.. new[] { "scan", "--out", dir, "--model", TestPaths.DefaultModel, "--tokens", "0-99", "--no-harvest" }, .. extra]);
        Assert.Equal(0, Scan("--batch", "24").ExitCode);
        CliResult resumed = Scan("--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("200/200 probes already journaled", resumed.StdErr, StringComparison.Ordinal);
        Assert.Equal(24, RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile)).Settings.Batch);
        CliResult other = Scan("--resume", "--batch", "32");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("other settings (batch", other.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void AShardThatOwnsNoGroupIsRefusedUpFront()
    {
        string dir = NewDir("empty-shard");
        CliResult r = Scan(dir, "--tokens", "0-9", "--shard", "1/2");
        Assert.Equal(2, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains("--shard: 1/2 owns no probe group", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("use at most 1 shard(s)", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "journal.jsonl")));
    }

    [Fact]
    public void SampleAndRangeSelectTheRightIds()
    {
        string dir = NewDir("sample");
        Assert.Equal(0, Scan(dir, "--tokens", "100-299", "--sample", "20", "--seed", "3", "--no-harvest").ExitCode);
        TokensTable table = TokensCsv.Read(Path.Combine(dir, ScanOutputs.TokensFile));
        Assert.Equal(20, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.InRange(r.TokenId, 100, 299));
        Assert.Equal(new TokenSelection("100-299", 20, 3).Resolve(512), table.Rows.Select(r => r.TokenId));
    }

    [Theory]
    [InlineData("no slot here\n", "0 {token} slots")]
    [InlineData("{token} and {token}\n", "2 {token} slots")]
    public void TemplatesNeedExactlyOneSlot(string text, string message)
    {
        string dir = NewDir("tpl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "bad.txt");
        File.WriteAllText(file, text);
        CliResult r = Scan(Path.Combine(dir, "out"), "--templates", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.StdErr, StringComparison.Ordinal);
        Assert.False(r.LooksLikeCrash);
    }
}
