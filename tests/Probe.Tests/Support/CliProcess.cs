using System.Diagnostics;

namespace AnomalyProbe.Probe.Tests.Support;

/// <summary>What a child `anomalyprobe` process did.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>True when stderr looks like a .NET stack trace or a native abort.</summary>
    public bool LooksLikeCrash =>
        StdErr.Contains("   at ", StringComparison.Ordinal) || StdErr.Contains("Unhandled exception", StringComparison.Ordinal) ||
        StdErr.Contains("GGML_ASSERT", StringComparison.Ordinal) || StdErr.Contains("terminate called", StringComparison.Ordinal) ||
        ExitCode is 134 or 136 or 139 or -1;
}

/// <summary>
/// Runs the real CLI as a child process, so a native crash shows up as a failed exit code rather
/// than taking the test host down.
/// </summary>
public static class CliProcess
{
    public static CliResult Run(IReadOnlyList<string> args, IDictionary<string, string>? environment = null, int timeoutSeconds = 120)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "anomalyprobe.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) info.Environment[key] = value;
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"anomalyprobe {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static CliResult Run(params string[] args) => Run((IReadOnlyList<string>)args);
}
