using System.Collections.Concurrent;
using AnomalyProbe.Probe.Tests.Support;
using Xunit.Abstractions;

namespace AnomalyProbe.Probe.Tests.Untrusted;

/// <summary>
/// Hostile copies of the real models (<see cref="ModelMutants"/>) through the real CLI, each in a
/// child process: no run may crash (exit code 128 or more: a signal), print a stack trace or a
/// native backtrace, or hang; the benign mutants keep working. The table of what each class got
/// goes to the test output.
/// </summary>
public sealed class UntrustedModelTests(ITestOutputHelper output)
{
    // ANOMALYPROBE_FUZZ_SEED runs another corpus built the same way.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ANOMALYPROBE_FUZZ_SEED"), out int s) ? s : 20261202;
    private static readonly string[] s_backtraceMarkers =
        ["   at ", "Unhandled exception", "[Inferior", "backtrace", "Segmentation fault", "terminate called", "#0 ", "Aborted"];

    private sealed record Outcome(Mutant Mutant, string Command, CliResult Result);

    /// <summary>
    /// For investigating a class by hand: with ANOMALYPROBE_WRITE_MUTANTS=DIR the mutants are written
    /// there (m000.gguf, … and index.txt naming each) instead of being run.
    /// </summary>
    [Fact]
    public void MutantsCanBeWrittenForInspection()
    {
        string? dir = Environment.GetEnvironmentVariable("ANOMALYPROBE_WRITE_MUTANTS");
        List<Mutant> mutants = [.. ModelMutants.All(Seed)];
        Assert.Equal(mutants.Select(m => m.ToString()), ModelMutants.All(Seed).Select(m => m.ToString())); // deterministic
        if (dir is null) return;
        Directory.CreateDirectory(dir);
        for (int i = 0; i < mutants.Count; i++) File.WriteAllBytes(Path.Combine(dir, $"m{i:D3}.gguf"), mutants[i].Bytes);
        File.WriteAllLines(Path.Combine(dir, "index.txt"), mutants.Select((m, i) => $"m{i:D3}.gguf\t{m}"));
    }

    [Fact]
    public void NoMutantCrashesHangsOrPrintsAStackTrace()
    {
        List<Mutant> mutants = [.. ModelMutants.All(Seed)];
        Assert.True(mutants.Count >= 200, $"only {mutants.Count} mutants");
        string dir = Directory.CreateTempSubdirectory("mutants").FullName;
        var runs = new List<(Mutant Mutant, string Command, string[] Args)>();
        for (int i = 0; i < mutants.Count; i++)
        {
            string file = Path.Combine(dir, $"m{i:D3}.gguf");
            File.WriteAllBytes(file, mutants[i].Bytes);
            runs.Add((mutants[i], "inspect", ["inspect", "--model", file]));
            runs.Add((mutants[i], "generate", ["generate", "--model", file, "-n", "4", "--seed", "1"]));
            if (i % 5 == 0)
            {
                runs.Add((mutants[i], "scan", ["scan", "--model", file, "--out", Path.Combine(dir, $"s{i}"), "--tokens", "0-15",
                    "--templates", "builtin:induction", "--no-harvest", "--no-analyze", "--threads", "1"]));
            }
            if (i % 5 == 2) runs.Add((mutants[i], "tokenizer audit", ["tokenizer", "audit", "--model", file, "--out", Path.Combine(dir, $"a{i}"), "--threads", "1"]));
        }

        var outcomes = new ConcurrentBag<Outcome>();
        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, run =>
        {
            CliResult r;
            try
            {
                r = CliProcess.Run(run.Args, timeoutSeconds: 60);
            }
            catch (TimeoutException e)
            {
                r = new CliResult(-2, "", "hang: " + e.Message);
            }
            outcomes.Add(new Outcome(run.Mutant, run.Command, r));
        });

        Report(outcomes);
        var bad = outcomes.Where(o => IsCrash(o.Result) || (o.Mutant.StaysValid && o.Command is "inspect" or "generate" && o.Result.ExitCode != 0))
            .OrderBy(o => o.Mutant.Class).ThenBy(o => o.Mutant.Name).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(40).Select(o => $"{o.Mutant} {o.Command}: exit {o.Result.ExitCode}: {FirstLine(o.Result.StdErr)}")));
        Directory.Delete(dir, recursive: true);
    }

    private static bool IsCrash(CliResult r) =>
        r.ExitCode >= 128 || r.ExitCode < 0 || s_backtraceMarkers.Any(m => r.StdErr.Contains(m, StringComparison.Ordinal));

    // Per class and command: how many mutants, and how their runs ended (exit code counts), for the note.
    private void Report(IEnumerable<Outcome> outcomes)
    {
        foreach (var byClass in outcomes.GroupBy(o => o.Mutant.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int count = byClass.Select(o => o.Mutant).Distinct().Count();
            var commands = byClass.GroupBy(o => o.Command).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}: " + string.Join(" ", g.GroupBy(o => o.Result.ExitCode).OrderBy(e => e.Key).Select(e => $"exit {e.Key} ×{e.Count()}")));
            output.WriteLine($"{byClass.Key} ({count} mutants) — {string.Join("; ", commands)}");
        }
        foreach (Outcome o in outcomes.OrderBy(o => o.Mutant.Class).ThenBy(o => o.Mutant.Name).ThenBy(o => o.Command))
        {
            output.WriteLine($"  {o.Mutant} {o.Command}: {o.Result.ExitCode} {FirstLine(o.Result.StdErr)}");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
}
