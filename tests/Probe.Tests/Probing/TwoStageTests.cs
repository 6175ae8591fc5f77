using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>Budgeted two-stage scans of the embedded model: candidates, a stratified control sample, the estimate.</summary>
public sealed class TwoStageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("twostage").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class Quiet : IScanProgress
    {
        public void Start(int total, int done) { }
        public void Advance(int probes) { }
        public void Phase(string description) { }
        public void Note(string line) { }
    }

    private ScanJobResult Scan(string name, int seed, TwoStageRequest? twoStage, string? model = null) =>
        ScanJob.Run(new ScanRequest(model ?? TestPaths.DefaultModel, Path.Combine(_root, name), [PromptTemplate.AutoSpec], new TokenSelection("all", null, seed),
            Batches: BatchSizes.Fixed(64), Threads: 2, Threshold: "auto", Shard.All, Resume: false, Harvest: false, Naive: false, Exact: false, AnswerTokens: 3, Analyze: false,
            TwoStage: twoStage), new Quiet(), CancellationToken.None);

    [Fact]
    public void TheIntervalHoldsTheFullScansFailuresForNearlyEverySeed()
    {
        int truth = Scan("full", 42, null).Run!.Counts.Failed;
        var misses = new List<string>();
        for (int seed = 1; seed <= 20; seed++)
        {
            FailureEstimate e = Scan($"seed{seed}", seed, new TwoStageRequest("10%", "10%", null, TwoStageRequest.DefaultRankBy)).Run!.Estimate!;
            Assert.Equal(51, e.Candidates);
            Assert.Equal(51, e.Control);
            Assert.Equal(102 * 2, e.Probes);
            if (!(e.FailedTotalCiLow <= truth && truth <= e.FailedTotalCiHigh)) misses.Add($"seed {seed}: [{e.FailedTotalCiLow}, {e.FailedTotalCiHigh}]");
        }
        Assert.True(misses.Count <= 2, $"the full scan's {truth} failures fall outside {misses.Count} of 20 intervals: {string.Join("; ", misses)}");
    }

    /// <summary>The third-party chat model (14,019 tokens): a fifth of the probes still brackets the full scan's count.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void OnTheNeoModelAFifthOfTheProbesBracketsTheFullScan()
    {
        string neo = Path.Combine(TestPaths.ModelsDir, "tinystories-instruct-neo-3m.gguf");
        RunInfo full = Scan("neo-full", 42, null, neo).Run!;
        var misses = new List<string>();
        for (int seed = 1; seed <= 3; seed++)
        {
            FailureEstimate e = Scan($"neo{seed}", seed, new TwoStageRequest("10%", "10%", null, TwoStageRequest.DefaultRankBy), neo).Run!.Estimate!;
            Assert.True(e.Probes <= full.Counts.Probes / 5, $"{e.Probes} probes of the full scan's {full.Counts.Probes}");
            if (!(e.FailedTotalCiLow <= full.Counts.Failed && full.Counts.Failed <= e.FailedTotalCiHigh)) misses.Add($"seed {seed}: [{e.FailedTotalCiLow}, {e.FailedTotalCiHigh}]");
        }
        Assert.True(misses.Count <= 1, $"the full scan's {full.Counts.Failed} failures fall outside {misses.Count} of 3 intervals: {string.Join("; ", misses)}");
    }

    [Fact]
    public void ShardsOfATwoStageScanMergeToTheUnshardedOne()
    {
        string[] common = ["--model", TestPaths.DefaultModel, "--candidates", "40", "--control", "60", "--threads", "2", "--batch", "16"];
        string whole = Path.Combine(_root, "whole");
        CliResult one = CliProcess.Run(["scan", "--out", whole, .. common]);
        Assert.True(one.ExitCode == 0, one.StdErr);
        Assert.Contains("estimate: ", one.StdOut, StringComparison.Ordinal);
        Assert.Contains("plan: 200 probes in", one.StdErr, StringComparison.Ordinal);

        string[] shards = [Path.Combine(_root, "s0"), Path.Combine(_root, "s1")];
        for (int i = 0; i < 2; i++)
        {
            CliResult shard = CliProcess.Run(["scan", "--out", shards[i], "--shard", $"{i}/2", .. common]);
            Assert.True(shard.ExitCode == 0, shard.StdErr);
            Assert.Contains($"estimate: after merge (shard {i}/2", shard.StdOut, StringComparison.Ordinal);
        }
        string merged = Path.Combine(_root, "merged");
        CliResult m = CliProcess.Run("merge", shards[0], shards[1], "--out", merged);
        Assert.True(m.ExitCode == 0, m.StdErr);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, ScanOutputs.TokensFile)), File.ReadAllText(Path.Combine(merged, ScanOutputs.TokensFile)));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, ScanJournal.FileName)), File.ReadAllText(Path.Combine(merged, ScanJournal.FileName)));
        Assert.Equal(RunInfo.Read(Path.Combine(whole, ScanOutputs.RunFile)).Estimate, RunInfo.Read(Path.Combine(merged, ScanOutputs.RunFile)).Estimate);

        // Resuming the finished scan with the same request reuses its selection: nothing is probed again.
        CliResult again = CliProcess.Run(["scan", "--out", whole, "--resume", .. common]);
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("200/200 probes already journaled", again.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ABudgetOfProbesIsSplitHalfAndHalfAndTheDryRunWritesNothing()
    {
        string dir = Path.Combine(_root, "budget");
        CliResult dry = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir, "--budget", "300", "--dry-run", "--threads", "2");
        Assert.True(dry.ExitCode == 0, dry.StdErr);
        Assert.Contains("two-stage: 75 candidates", dry.StdErr, StringComparison.Ordinal);
        Assert.Contains("projected: ", dry.StdOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any());
    }

    [Theory]
    [InlineData(new[] { "--budget", "2h", "--shard", "0/2" }, "--budget: a duration budget depends on each machine's speed")]
    [InlineData(new[] { "--budget", "100", "--candidates", "5" }, "give either --budget or --candidates/--control")]
    [InlineData(new[] { "--budget", "lots" }, "--budget: 'lots' is neither a number of probes nor a duration")]
    [InlineData(new[] { "--candidates", "ten" }, "--candidates: 'ten' is not a count or a percentage")]
    [InlineData(new[] { "--candidates", "400", "--control", "200" }, "--control: 400 candidates and 200 control tokens are more than the 512 selected tokens")]
    [InlineData(new[] { "--rank-by", "centroid_cosine" }, "--rank-by orders the candidates of a two-stage scan")]
    [InlineData(new[] { "--candidates", "10", "--rank-by", "wobble" }, "--rank-by: 'wobble' is not a geometry measure of this model")]
    public void NonsenseIsRefusedInOneLine(string[] options, string expected)
    {
        CliResult r = CliProcess.Run(["scan", "--model", TestPaths.DefaultModel, "--out", Path.Combine(_root, "bad" + Guid.NewGuid().ToString("N")[..6]), "--no-analyze", .. options]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.Trim().Split('\n'), line => line.StartsWith("anomalyprobe: error:", StringComparison.Ordinal));
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
    }
}
