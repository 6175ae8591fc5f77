using System.Diagnostics;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>
/// Every shell example in the README is run as a reader would run it — in order, in one working
/// directory laid out like the repository (models/, prompts/, ../shared, the neo model beside it),
/// through bash with stderr merged — and its shown output must be what the command prints now
/// (<see cref="ReadmeExamples"/> says how lines match). So a figure in an example cannot drift
/// from the code; a block that cannot run here says why in a <c>&lt;!-- readme-test: skip … --&gt;</c>.
/// </summary>
public sealed class ReadmeExamplesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void TheParserTakesEachCommandWithTheLinesUnderIt()
    {
        string[] readme =
        [
            "<!-- readme-test: skip needs a cluster -->", "```", "$ a", "x", "```", "text", "```", "$ b --flag", "one", "", "two", "$ c", "```",
        ];
        List<ReadmeExample> examples = ReadmeExamples.Parse(readme);
        Assert.Equal(["a", "b --flag", "c"], examples.Select(e => e.Command));
        Assert.Equal("needs a cluster", examples[0].Skip);
        Assert.Null(examples[1].Skip);
        Assert.Equal(["one", "two"], examples[1].Expected);
        Assert.Equal(8, examples[1].Line);
    }

    [Fact]
    public void LinesMatchInOrderWithEllipsesAndTimingsMasked()
    {
        Assert.Null(ReadmeExamples.Mismatch(["a 12 probes in 0.15 s (426.9 probes/s)", "…", "z"], ["a 12 probes in 3 s (1 probes/s)", "b", "c", "z"]));
        Assert.Null(ReadmeExamples.Mismatch(["id 49, … (149 tokens)"], ["id 49, 3, 7 (149 tokens)"]));
        // Counts are not timings: a changed count fails, and so do a missing, an extra or a reordered line.
        Assert.NotNull(ReadmeExamples.Mismatch(["failed: 273 (auto)"], ["failed: 274 (auto)"]));
        Assert.NotNull(ReadmeExamples.Mismatch(["a", "b"], ["a"]));
        Assert.NotNull(ReadmeExamples.Mismatch(["a"], ["a", "b"]));
        Assert.NotNull(ReadmeExamples.Mismatch(["a", "b"], ["b", "a"]));
        Assert.Equal("ETA # at # tok/s", ReadmeExamples.Mask("ETA 00:01:02 at 1096 tok/s"));
    }

    [Fact]
    public void EveryReadmeExamplePrintsWhatTheReadmeShows()
    {
        List<ReadmeExample> examples = ReadmeExamples.Parse(File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md")));
        Assert.True(examples.Count >= 20, $"only {examples.Count} examples found: is the README's format still '$ command' in fenced blocks?");
        string work = Sandbox();
        var failures = new List<string>();
        foreach (ReadmeExample example in examples.Where(e => e.Skip is null))
        {
            (string output, bool finished) = Bash(work, example.Command);
            if (!finished)
            {
                failures.Add($"README line {example.Line}: `{example.Command}` did not finish in 5 minutes");
                continue;
            }
            if (ReadmeExamples.Mismatch(example.Expected, output.Split('\n')) is { } why) failures.Add($"README line {example.Line}: `{example.Command}`\n{why}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.All(examples.Where(e => e.Skip is not null), e => Assert.False(string.IsNullOrWhiteSpace(e.Skip), $"README line {e.Line}: a skip needs a reason"));
    }

    // work/ holds what the README's commands name relative to the repository root; ../shared is the data.
    private string Sandbox()
    {
        string work = Path.Combine(_root, "repo");
        Directory.CreateDirectory(work);
        Directory.CreateSymbolicLink(Path.Combine(_root, "shared"), TestPaths.SharedDir);
        foreach (string dir in new[] { "models", "prompts" }) Directory.CreateSymbolicLink(Path.Combine(work, dir), Path.Combine(TestPaths.RepoRoot, dir));
        Directory.CreateDirectory(Path.Combine(work, "reports"));
        Directory.CreateSymbolicLink(Path.Combine(work, "reports", "tokenizers"), Path.Combine(TestPaths.RepoRoot, "reports", "tokenizers"));
        Directory.CreateSymbolicLink(Path.Combine(work, "tinystories-instruct-neo-3m.gguf"), Path.Combine(TestPaths.ModelsDir, "tinystories-instruct-neo-3m.gguf"));
        string bin = Path.Combine(_root, "bin");
        Directory.CreateDirectory(bin);
        string app = Path.Combine(bin, "anomalyprobe");
        File.WriteAllText(app, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "anomalyprobe.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory("/tmp/empty");
        return work;
    }

    private (string Output, bool Finished) Bash(string work, string command)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"{{ {command}\n}} 2>&1");
        info.Environment["PATH"] = $"{Path.Combine(_root, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return ("", false);
        }
        return (stdout.Result + stderr.Result, true);
    }
}
