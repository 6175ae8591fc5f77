using System.Collections.Concurrent;
using System.Diagnostics;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>
/// What a scheduler does to a scan (scancel, preemption, a time limit, a pod deletion): SIGTERM. The
/// scan stops after the current group — in the probes or in the T→0⁻ harvest — with the journal
/// committed, exits 143, and --resume finishes it to the same files as an uninterrupted scan.
/// </summary>
public sealed class SigtermTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sigterm").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Small groups and a longer harvest (30 prompts), so that each phase lasts seconds.
    private string[] Args(string outDir) =>
        ["scan", "--model", TestPaths.DefaultModel, "--out", outDir, "--batch", "2", "--threads", "2", "--no-analyze", "--harvest-prompts", Prompts()];

    private string Prompts()
    {
        string path = Path.Combine(_dir, "prompts.txt");
        if (!File.Exists(path)) File.WriteAllLines(path, Enumerable.Range(0, 30).Select(i => $"Once upon a time there was a girl number {i}."));
        return path;
    }

    // Starts the scan, sends SIGTERM once stderr shows a line containing `when`, and waits for the exit.
    private static (int ExitCode, string StdErr) Terminate(string[] args, string when, string signal)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "anomalyprobe.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process process = Process.Start(info)!;
        var lines = new BlockingCollection<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var seen = new List<string>();
        while (lines.TryTake(out string? line, TimeSpan.FromSeconds(60)))
        {
            seen.Add(line);
            if (line.Contains(when, StringComparison.Ordinal)) break;
        }
        Assert.True(seen.Count > 0 && seen[^1].Contains(when, StringComparison.Ordinal), $"never saw '{when}': {string.Join('\n', seen)}");
        using (Process kill = Process.Start("kill", [$"-{signal}", $"{process.Id}"])) kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the scan ignored the signal"); // a hang guard, not a timing
        process.WaitForExit(); // the end of the redirected streams
        seen.AddRange(lines);
        return (process.ExitCode, string.Join('\n', seen));
    }

    [Theory]
    [InlineData("first group:", false, "TERM", 143)] // among the probes
    [InlineData("T→0⁻ harvest", true, "TERM", 143)]
    [InlineData("first group:", false, "INT", 130)] // Ctrl-C
    public void ASignalStopsAfterTheCurrentStepAndResumeFinishesTheScan(string when, bool allProbesDone, string signal, int exitCode)
    {
        string stopped = Path.Combine(_dir, "stopped"), whole = Path.Combine(_dir, "whole");
        var (code, stderr) = Terminate(Args(stopped), when, signal);
        Assert.True(code == exitCode, stderr);
        Assert.Contains("interrupted;", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        JournalContents journal = ScanJournal.ReadOnly(Path.Combine(stopped, ScanJournal.FileName));
        Assert.Null(journal.Harvest);
        Assert.Equal(allProbesDone, journal.Probes.Count == 512 * 2);
        Assert.False(File.Exists(Path.Combine(stopped, ScanOutputs.TokensFile)));

        CliResult resumed = CliProcess.Run([.. Args(stopped), "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        CliResult uninterrupted = CliProcess.Run(Args(whole));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, ScanOutputs.TokensFile)), File.ReadAllText(Path.Combine(stopped, ScanOutputs.TokensFile)));
    }
}
