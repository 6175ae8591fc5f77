using System.Diagnostics;

namespace AnomalyProbe.Probe.Probing;

/// <summary>Where a batched group spends its time.</summary>
public enum RunnerPhase
{
    /// <summary>The decode of the B probes' inserted tokens and suffixes.</summary>
    SuffixDecode,

    /// <summary>The decodes of the greedy (and sampled) answers' later tokens.</summary>
    AnswerDecode,

    /// <summary>Reading output rows: the probe's statistics, argmaxes, sampled draws.</summary>
    LogitReading,

    /// <summary>Building batches and copying and removing KV sequences.</summary>
    Bookkeeping,
}

/// <summary>
/// Seconds and decoded tokens per <see cref="RunnerPhase"/>, summed over the groups a runner ran:
/// what <c>bench</c> reports so the gap to the decode ceiling can be attributed. Timestamps cost
/// ~20 ns, nothing beside a decode.
/// </summary>
public sealed class RunnerPhases
{
    private readonly double[] _seconds = new double[Enum.GetValues<RunnerPhase>().Length];
    private readonly long[] _tokens = new long[Enum.GetValues<RunnerPhase>().Length];

    /// <summary>Seconds spent in <paramref name="phase"/>.</summary>
    public double Seconds(RunnerPhase phase) => _seconds[(int)phase];

    /// <summary>Tokens decoded in <paramref name="phase"/> (zero for the phases that decode none).</summary>
    public long Tokens(RunnerPhase phase) => _tokens[(int)phase];

    /// <summary>All phases' seconds.</summary>
    public double TotalSeconds => _seconds.Sum();

    /// <summary>Adds the time since <paramref name="since"/> (a <see cref="Stopwatch.GetTimestamp"/>) to a phase; returns now.</summary>
    public long Add(RunnerPhase phase, long since, int tokens = 0)
    {
        long now = Stopwatch.GetTimestamp();
        _seconds[(int)phase] += Stopwatch.GetElapsedTime(since, now).TotalSeconds;
        _tokens[(int)phase] += tokens;
        return now;
    }

    /// <summary>A copy of the figures so far (the runner keeps adding to this one).</summary>
    public RunnerPhases Snapshot()
    {
        var copy = new RunnerPhases();
        _seconds.CopyTo(copy._seconds, 0);
        _tokens.CopyTo(copy._tokens, 0);
        return copy;
    }

    /// <summary>Starts over.</summary>
    public void Reset()
    {
        Array.Clear(_seconds);
        Array.Clear(_tokens);
    }
}
