using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Cluster;

/// <summary>
/// deploy/slurm on a real (single-node) Slurm: submit.sh runs the embedded model's scan as a 3-task
/// job array plus the dependent merge, and the merged tokens.csv is byte for byte the unsharded scan's —
/// also when a task is killed mid-run and requeued (requeue.sh).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmScanTests : IDisposable
{
    private static readonly TimeSpan JobLimit = TimeSpan.FromSeconds(75);

    private readonly string _dir = Directory.CreateTempSubdirectory("slurm-scan").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Script(string name) => Path.Combine(TestPaths.RepoRoot, "deploy", "slurm", name);

    // The app as the batch scripts call it (ANOMALYPROBE): this build, plus an environment of the
    // test's for the first run of one task.
    private string App(string firstRunOfTask1 = "")
    {
        string path = Path.Combine(_dir, "anomalyprobe.sh");
        string hook = firstRunOfTask1.Length > 0 ? "export " + firstRunOfTask1 : ":";
        File.WriteAllText(path, $$"""
            #!/usr/bin/env bash
            if [ "${SLURM_ARRAY_TASK_ID:-}" = 1 ] && [ -z "${SLURM_RESTART_COUNT:-}" ]; then {{hook}}; fi
            exec dotnet '{{Path.Combine(AppContext.BaseDirectory, "anomalyprobe.dll")}}' "$@"

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Unsharded()
    {
        string dir = Path.Combine(_dir, "unsharded");
        CliResult r = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        return File.ReadAllText(Path.Combine(dir, ScanOutputs.TokensFile));
    }

    // submit.sh's job ids, from the lines it prints.
    private static (string Array, string Merge) Submitted(string output)
    {
        string Field(string prefix) => output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Split(' ')[0];
        return (Field("scan: job array "), Field("merge: job "));
    }

    private static (string Array, string Merge) Submit(SlurmCluster slurm, string app, string output)
    {
        var env = new Dictionary<string, string> { ["ANOMALYPROBE"] = app, ["CPUS_PER_TASK"] = "1" };
        // B = 64: 4 groups per template, so each of the 3 tasks has several to commit (and the
        // unsharded scan it is compared with runs at the default B: results do not depend on B).
        var (code, printed) = slurm.Run(Script("submit.sh"), [TestPaths.DefaultModel, output, "3", "--batch", "64"], env);
        Assert.True(code == 0, printed);
        return Submitted(printed);
    }

    private static string Logs(string output) =>
        string.Join("\n", Directory.Exists(Path.Combine(output, "logs")) ? Directory.GetFiles(Path.Combine(output, "logs")).Select(f => f + ":\n" + File.ReadAllText(f)) : []);

    [SlurmFact]
    public void AJobArrayAndItsMergeGiveTheUnshardedScan()
    {
        using var slurm = new SlurmCluster();
        string output = Path.Combine(_dir, "out");
        Submit(slurm, App(), output);
        slurm.WaitUntilIdle(JobLimit);

        string merged = Path.Combine(output, "merged", ScanOutputs.TokensFile);
        Assert.True(File.Exists(merged), Logs(output));
        Assert.Equal(Unsharded(), File.ReadAllText(merged));
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(File.Exists(Path.Combine(output, "shards", $"{i}", ScanJournal.FileName))));
        // The shards left the analysis to the merge.
        Assert.False(File.Exists(Path.Combine(output, "shards", "0", "report.md")));
        Assert.True(File.Exists(Path.Combine(output, "merged", "report.md")));
    }

    [SlurmFact]
    public void ATaskKilledMidRunAndRequeuedStillGivesTheUnshardedScan()
    {
        using var slurm = new SlurmCluster();
        string output = Path.Combine(_dir, "out");
        // Task 1's first run stops after two groups and waits to be killed; its rerun goes through.
        var (array, merge) = Submit(slurm, App(firstRunOfTask1: "ANOMALYPROBE_PAUSE_AFTER_BATCHES=2"), output);
        string log = Path.Combine(output, "logs", $"scan-{array}_1.log");
        SlurmCluster.WaitFor(() => File.Exists(log) && File.ReadAllText(log).Contains("paused after 2 groups", StringComparison.Ordinal), "task 1 to pause", JobLimit);

        var (killed, said) = slurm.Run("scancel", "--signal=KILL", "--full", $"{array}_1");
        Assert.True(killed == 0, said);
        string journal = Path.Combine(output, "shards", "1", ScanJournal.FileName);
        Assert.Equal(2, ScanJournal.ReadOnly(journal).CommittedGroups); // killed mid-run: 2 of its 6 groups

        var (requeued, printed) = slurm.Run(Script("requeue.sh"), [array, merge, "1"], null);
        Assert.True(requeued == 0, printed);
        slurm.WaitUntilIdle(JobLimit);

        string merged = Path.Combine(output, "merged", ScanOutputs.TokensFile);
        Assert.True(File.Exists(merged), Logs(output));
        Assert.Contains("128/384 probes already journaled", File.ReadAllText(log), StringComparison.Ordinal); // the rerun resumed
        Assert.Equal(Unsharded(), File.ReadAllText(merged));
    }
}
