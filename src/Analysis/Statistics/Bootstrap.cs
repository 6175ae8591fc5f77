using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>Percentile bootstrap intervals, replicates computed in parallel.</summary>
internal static class Bootstrap
{
    /// <summary>
    /// The percentile interval of <paramref name="replicate"/> over <see cref="BootstrapSettings.Resamples"/>
    /// resamples. Replicate b gets its own Xoshiro256** seeded with the b-th draw of a generator seeded
    /// with <see cref="BootstrapSettings.Seed"/>, so the result does not depend on which thread ran it.
    /// A replicate returns NaN when the statistic is undefined on its resample; those are dropped, and
    /// the interval is null when fewer than half the replicates are defined.
    /// </summary>
    /// <param name="settings">Resamples and seed.</param>
    /// <param name="createWorkspace">Scratch buffers, made once per worker thread.</param>
    /// <param name="replicate">The statistic on one resample, drawn with the given random source.</param>
    public static (double Low, double High)? PercentileInterval<TWorkspace>(
        BootstrapSettings settings, Func<TWorkspace> createWorkspace, Func<TWorkspace, RandomSource, double> replicate)
    {
        int count = settings.Resamples;
        int[] seeds = new Xoshiro256StarStar(settings.Seed, threadSafe: false).NextInt32s(count);
        var values = new double[count];
        // One worker per core taking replicates off a shared counter: Parallel.For's own thread-local
        // init runs per task, and its tasks are recycled often, which re-allocated megabyte workspaces.
        int next = -1;
        Parallel.For(0, Math.Min(Environment.ProcessorCount, count), _ =>
        {
            var workspace = createWorkspace();
            for (int b = Interlocked.Increment(ref next); b < count; b = Interlocked.Increment(ref next))
                values[b] = replicate(workspace, new Xoshiro256StarStar(seeds[b], threadSafe: false));
        });

        double[] defined = Array.FindAll(values, v => !double.IsNaN(v));
        if (defined.Length == 0 || defined.Length * 2 < count) return null;
        Array.Sort(defined);
        double tail = (1 - settings.Level) / 2;
        return (SortedArrayStatistics.QuantileCustom(defined, tail, QuantileDefinition.R7),
                SortedArrayStatistics.QuantileCustom(defined, 1 - tail, QuantileDefinition.R7));
    }

    /// <summary>Adds one to <paramref name="counts"/>[<paramref name="positions"/>[j]] for j drawn uniformly, <paramref name="draws"/>.Length times.</summary>
    public static void Resample(RandomSource random, int[] draws, ReadOnlySpan<int> positions, Span<int> counts)
    {
        random.NextInt32s(draws, 0, positions.Length);
        foreach (int d in draws) counts[positions[d]]++;
    }

    /// <summary>Adds one to <paramref name="counts"/>[j] for j drawn uniformly from all of it, <paramref name="draws"/>.Length times.</summary>
    public static void Resample(RandomSource random, int[] draws, Span<int> counts)
    {
        random.NextInt32s(draws, 0, counts.Length);
        foreach (int d in draws) counts[d]++;
    }
}
