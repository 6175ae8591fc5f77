using System.Diagnostics;
using System.Text.Json;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>Reports a scan's progress (probes done of total) to whoever shows it.</summary>
public interface IScanProgress
{
    /// <summary>The scan starts: <paramref name="done"/> of <paramref name="total"/> probes were already journaled.</summary>
    void Start(int total, int done);

    /// <summary><paramref name="probes"/> more probes are done.</summary>
    void Advance(int probes);

    /// <summary>A phase without probe counts begins (e.g. the harvest).</summary>
    void Phase(string description);
}

/// <summary>What a scan run did.</summary>
/// <param name="Interrupted">Stopped by cancellation before finishing.</param>
/// <param name="ProbesThisRun">Probes computed by this process (not counting resumed ones).</param>
/// <param name="ProbeSeconds">Seconds spent probing in this process.</param>
/// <param name="JournalPath">Where the results are.</param>
public sealed record ScanOutcome(bool Interrupted, int ProbesThisRun, double ProbeSeconds, string JournalPath);

/// <summary>
/// Runs a scan into its journal: every selected token through every template, group by group,
/// skipping groups already committed (resume) and groups of other shards; then the T → 0⁻ harvest.
/// </summary>
public static class Scanner
{
    public static ScanOutcome Run(
        LlamaModel model, ScanSettings settings, Shard shard, int threads, string outputDirectory, bool resume,
        IScanProgress progress, CancellationToken cancellation)
    {
        var templates = settings.Templates.Select(t => TemplateTokens.Create(t, model.Vocabulary)).ToList();
        int[] ids = settings.Tokens.Resolve(model.Vocabulary.Count);
        List<ProbeGroup> plan = Plan(templates.Count, ids, settings.BatchProbes, shard);
        if (plan.Count == 0)
        {
            int groups = (ids.Length + settings.BatchProbes - 1) / settings.BatchProbes;
            throw new InputException($"{shard} owns no probe group: the {ids.Length} selected ids form {groups} group(s) of up to {settings.BatchProbes} " +
                $"probes per template; use at most {groups} shard(s) or a smaller batch") { Parameter = "shard" };
        }

        var header = new JournalHeader(settings.Fingerprint(), shard.ToString(), JsonSerializer.Serialize(settings));
        using ScanJournal journal = ScanJournal.Open(outputDirectory, header, resume);
        journal.Observer = CrashHook.FromEnvironment();
        var remaining = plan.Where(g => !journal.Contents.IsCommitted(g.Key)).ToList();
        progress.Start(plan.Sum(g => g.Tokens.Length), plan.Sum(g => g.Tokens.Length) - remaining.Sum(g => g.Tokens.Length));

        var clock = Stopwatch.StartNew();
        int probes = 0;
        if (remaining.Count > 0)
        {
            ContextOptions options = settings.Naive
                ? NaiveRunner.ContextFor(templates, settings.AnswerTokens, threads, settings.Exact)
                : BatchRunner.ContextFor(templates, settings.BatchProbes, settings.AnswerTokens, threads, settings.Exact);
            using LlamaContext context = LlamaContext.Create(model, options);
            using IProbeRunner runner = settings.Naive
                ? new NaiveRunner(context, settings.AnswerTokens)
                : new BatchRunner(context, settings.BatchProbes, settings.AnswerTokens);
            foreach (ProbeGroup group in remaining)
            {
                if (cancellation.IsCancellationRequested) return new ScanOutcome(true, probes, clock.Elapsed.TotalSeconds, journal.Path);
                var results = runner.Run(group.Template, templates[group.Template], group.Tokens);
                journal.Commit(group.Key, results);
                probes += results.Count;
                progress.Advance(results.Count);
            }
        }
        double probeSeconds = clock.Elapsed.TotalSeconds;

        // The harvest is one more committed group, run by shard 0 only.
        if (settings.Harvest.Enabled && shard.Index == 0 && !journal.Contents.IsCommitted(HarvestKey))
        {
            if (cancellation.IsCancellationRequested) return new ScanOutcome(true, probes, probeSeconds, journal.Path);
            progress.Phase("T→0⁻ harvest");
            journal.Commit(HarvestKey, [], NegativeHarvest.Run(model, settings.Harvest, threads));
        }
        return new ScanOutcome(false, probes, probeSeconds, journal.Path);
    }

    /// <summary>The journal key of the harvest group.</summary>
    public const string HarvestKey = "harvest";

    /// <summary>
    /// The probe groups of a scan: per template, the selected ids in consecutive groups of B,
    /// keeping the groups shard <paramref name="shard"/> owns.
    /// </summary>
    public static List<ProbeGroup> Plan(int templateCount, int[] ids, int batchProbes, Shard shard)
    {
        var plan = new List<ProbeGroup>();
        for (int t = 0; t < templateCount; t++)
        {
            for (int g = 0, start = 0; start < ids.Length; g++, start += batchProbes)
            {
                if (shard.Owns(g)) plan.Add(new ProbeGroup(t, g, ids[start..Math.Min(ids.Length, start + batchProbes)]));
            }
        }
        return plan;
    }
}

/// <summary>One group of probes: template index, group index and its token ids.</summary>
public sealed record ProbeGroup(int Template, int Group, int[] Tokens)
{
    public string Key => $"t{Template}/g{Group}";
}
