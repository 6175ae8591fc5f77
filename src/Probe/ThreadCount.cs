using System.Globalization;

namespace AnomalyProbe.Probe;

/// <summary>
/// How many CPU threads work may use. The default is the cores this process may run on — the
/// scheduler's allocation (<c>SLURM_CPUS_PER_TASK</c>) where set, else
/// <see cref="Environment.ProcessorCount"/>, which honours CPU affinity and cgroup CPU limits. More
/// threads than that only queue on the same cores: llama.cpp's workers wait for each other at every
/// operation, so an oversubscribed decode runs many times slower (measured: README, Speed), and a
/// count above the cores is refused unless <see cref="OversubscribeVariable"/> is set.
/// </summary>
public static class ThreadCount
{
    /// <summary>Set to 1 to allow more threads than cores (e.g. to measure oversubscription).</summary>
    public const string OversubscribeVariable = "ANOMALYPROBE_OVERSUBSCRIBE";

    /// <summary>The cores this process may use.</summary>
    public static int Available
    {
        get
        {
            int cores = Environment.ProcessorCount;
            return int.TryParse(Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"), NumberStyles.None, CultureInfo.InvariantCulture, out int slurm) && slurm > 0
                ? Math.Min(slurm, cores)
                : cores;
        }
    }

    /// <summary>
    /// The thread count for a <c>--threads</c> value: 0 = <see cref="Available"/>; a negative count,
    /// or one above the available cores without the override, is an <see cref="InputException"/>.
    /// </summary>
    public static int Resolve(int requested)
    {
        if (requested < 0) throw new InputException($"{requested} must be 0 (all available cores) or a positive count") { Parameter = "threads" };
        int available = Available;
        if (requested == 0) return available;
        if (requested > available && Environment.GetEnvironmentVariable(OversubscribeVariable) != "1")
        {
            throw new InputException($"{requested} is more than the {available} {(available == 1 ? "core" : "cores")} this process may use (more threads than cores slow llama.cpp down many times); " +
                $"give at most {available}, or set {OversubscribeVariable}=1 to run it anyway") { Parameter = "threads" };
        }
        return requested;
    }
}
