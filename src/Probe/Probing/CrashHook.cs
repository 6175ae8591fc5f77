using System.Diagnostics;
using System.Globalization;

namespace AnomalyProbe.Probe.Probing;

/// <summary>Sees each journal group just before it is written; may write part of it first.</summary>
internal interface ICommitObserver
{
    /// <summary>Called with the group's result lines and a way to write raw text to the journal durably.</summary>
    void BeforeCommit(string lines, Action<string> writeDurably);
}

/// <summary>
/// The documented way to prove that a killed scan resumes exactly (README, "Never lose work"):
/// with <c>ANOMALYPROBE_DIE_AFTER_BATCHES=N</c> the process kills itself (SIGKILL, no cleanup) after
/// N committed groups; with <c>ANOMALYPROBE_DIE_TORN=1</c> it first writes half of the next group,
/// a torn record for <c>--resume</c> to cut off.
/// </summary>
internal sealed class CrashHook(int dieAfter, bool torn) : ICommitObserver
{
    /// <summary>Groups committed before the kill.</summary>
    public const string DieAfterVariable = "ANOMALYPROBE_DIE_AFTER_BATCHES";

    /// <summary>Write half of the next group before the kill.</summary>
    public const string DieTornVariable = "ANOMALYPROBE_DIE_TORN";

    private int _committed;

    /// <summary>The hook the environment asks for, or null.</summary>
    public static CrashHook? FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(DieAfterVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? new CrashHook(n, Environment.GetEnvironmentVariable(DieTornVariable) == "1")
            : null;

    /// <inheritdoc/>
    public void BeforeCommit(string lines, Action<string> writeDurably)
    {
        if (_committed++ < dieAfter) return;
        if (torn) writeDurably(lines[..(lines.Length / 2)]);
        Process.GetCurrentProcess().Kill(); // abrupt, like kill -9: no finally blocks run
    }
}
