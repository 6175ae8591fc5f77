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
/// a torn record for <c>--resume</c> to cut off. With <c>ANOMALYPROBE_PAUSE_AFTER_BATCHES=N</c> it
/// stops working after N groups and waits to be killed from outside — by a scheduler
/// (<c>scancel --signal=KILL</c>), to prove that a killed and requeued task resumes exactly.
/// </summary>
internal sealed class CrashHook(int after, CrashHook.Kind kind) : ICommitObserver
{
    /// <summary>Groups committed before the kill.</summary>
    public const string DieAfterVariable = "ANOMALYPROBE_DIE_AFTER_BATCHES";

    /// <summary>Write half of the next group before the kill.</summary>
    public const string DieTornVariable = "ANOMALYPROBE_DIE_TORN";

    /// <summary>Groups committed before the process waits to be killed.</summary>
    public const string PauseAfterVariable = "ANOMALYPROBE_PAUSE_AFTER_BATCHES";

    /// <summary>What happens at the (N+1)-th group.</summary>
    public enum Kind
    {
        Die,
        DieTorn,
        Pause,
    }

    private int _committed;

    /// <summary>The hook the environment asks for, or null.</summary>
    public static CrashHook? FromEnvironment()
    {
        if (Count(DieAfterVariable) is int die) return new CrashHook(die, Environment.GetEnvironmentVariable(DieTornVariable) == "1" ? Kind.DieTorn : Kind.Die);
        return Count(PauseAfterVariable) is int pause ? new CrashHook(pause, Kind.Pause) : null;
    }

    private static int? Count(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <inheritdoc/>
    public void BeforeCommit(string lines, Action<string> writeDurably)
    {
        if (_committed++ < after) return;
        if (kind == Kind.Pause)
        {
            Console.Error.WriteLine($"anomalyprobe: {PauseAfterVariable}: paused after {after} groups, waiting to be killed");
            Thread.Sleep(Timeout.Infinite);
        }
        if (kind == Kind.DieTorn) writeDurably(lines[..(lines.Length / 2)]);
        Process.GetCurrentProcess().Kill(); // abrupt, like kill -9: no finally blocks run
    }
}
