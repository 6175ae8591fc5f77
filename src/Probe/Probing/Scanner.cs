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

    /// <summary>A line for the user: the plan, the projection after the first group.</summary>
    void Note(string line);
}

/// <summary>How fast one group per template ran, and what that projects.</summary>
/// <param name="Probes">Probes measured.</param>
/// <param name="Seconds">Seconds they took.</param>
public sealed record Throughput(int Probes, double Seconds)
{
    /// <summary>Probes per second.</summary>
    public double ProbesPerSecond => Seconds > 0 ? Probes / Seconds : double.PositiveInfinity;

    /// <summary>The projected time of <paramref name="probes"/> probes.</summary>
    public TimeSpan Project(long probes) => TimeSpan.FromSeconds(probes / ProbesPerSecond);
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
        var templates = TemplateTokens.CreateAll(settings.Templates, model, settings.ChatTemplate);
        int[] ids = settings.ProbedIds(model.Vocabulary.Count);
        int[] batches = settings.Batches.For(settings.Templates);
        List<ProbeGroup> plan = Plan(batches, ids, shard);
        if (plan.Count == 0)
        {
            int block = settings.Batches.Block, blocks = (ids.Length + block - 1) / block;
            throw new InputException($"{shard} owns no probe group: the {ids.Length} selected ids form {blocks} block(s) of up to {block} " +
                $"(a block holds a group of every template; B = {settings.Batches}); use at most {blocks} shard(s) or a smaller batch") { Parameter = "shard" };
        }

        progress.Note(DescribePlan(templates, plan, settings));
        var header = new JournalHeader(settings.Fingerprint(), shard.ToString(), JsonSerializer.Serialize(settings));
        using ScanJournal journal = ScanJournal.Open(outputDirectory, header, resume, settings);
        journal.Observer = CrashHook.FromEnvironment();
        var remaining = plan.Where(g => !journal.Contents.IsCommitted(g.Key)).ToList();
        progress.Start(plan.Sum(g => g.Tokens.Length), plan.Sum(g => g.Tokens.Length) - remaining.Sum(g => g.Tokens.Length));

        var clock = Stopwatch.StartNew();
        int probes = 0;
        if (remaining.Count > 0)
        {
            using RunnerSession session = RunnerSession.Open(model, settings, templates, threads);
            IProbeRunner runner = session.Runner;
            foreach (ProbeGroup group in remaining)
            {
                if (cancellation.IsCancellationRequested) return new ScanOutcome(true, probes, clock.Elapsed.TotalSeconds, journal.Path);
                var results = runner.Run(group.Template, templates[group.Template], group.Tokens);
                journal.Commit(group.Key, results);
                if (probes == 0)
                {
                    var first = new Throughput(results.Count, clock.Elapsed.TotalSeconds);
                    int left = remaining.Sum(g => g.Tokens.Length) - results.Count;
                    progress.Note($"first group: {results.Count} probes in {first.Seconds:F2} s ({first.ProbesPerSecond:F1} probes/s); the other {left} projected at {Duration(first.Project(left))}");
                }
                probes += results.Count;
                progress.Advance(results.Count);
            }
        }
        double probeSeconds = clock.Elapsed.TotalSeconds;

        // The harvest is one more committed group, run by shard 0 only, again when its settings changed.
        if (settings.Harvest.Enabled && shard.Index == 0 && journal.Contents.HarvestFor(settings.Harvest) is null)
        {
            if (cancellation.IsCancellationRequested) return new ScanOutcome(true, probes, probeSeconds, journal.Path);
            progress.Phase("T→0⁻ harvest");
            var counts = NegativeHarvest.Run(model, settings.Harvest, threads, cancellation);
            if (counts is null) return new ScanOutcome(true, probes, probeSeconds, journal.Path);
            journal.Commit(HarvestKey(settings.Harvest), [], new HarvestCounts(counts, settings.Harvest.Canonical()));
        }
        return new ScanOutcome(false, probes, probeSeconds, journal.Path);
    }

    /// <summary>
    /// Runs one group of up to B of <paramref name="ids"/> per template in a throwaway context (no
    /// journal): the speed <c>--dry-run</c> projects from and a duration budget is converted with.
    /// </summary>
    public static Throughput Measure(LlamaModel model, ScanSettings settings, int[] ids, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var templates = TemplateTokens.CreateAll(settings.Templates, model, settings.ChatTemplate);
        using RunnerSession session = RunnerSession.Open(model, settings, templates, threads);
        IProbeRunner runner = session.Runner;
        var clock = Stopwatch.StartNew();
        int probes = 0;
        for (int t = 0; t < templates.Count; t++)
        {
            int[] group = ids[..Math.Min(ids.Length, settings.Naive ? 8 : settings.Batches.For(settings.Templates[t]))];
            runner.Run(t, templates[t], group);
            probes += group.Length;
        }
        return new Throughput(probes, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The plan in one line: probes per template, tokens per probe, groups.</summary>
    public static string DescribePlan(IReadOnlyList<TemplateTokens> templates, IReadOnlyList<ProbeGroup> plan, ScanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        string perTemplate = string.Join(", ", templates.Select((t, i) =>
            $"{t.Template.Name} {plan.Where(g => g.Template == i).Sum(g => g.Tokens.Length)} probes of {t.Prefix.Length}+{t.TokensPerProbe}+{settings.AnswerTokens - 1} tokens" +
            (settings.Batches.OneTokenProbes is null ? "" : $", B = {settings.Batches.For(t.Template)}")));
        string attempts = settings.Sampling.Sampled ? $", {settings.Sampling.Count} sampled answers each at T = {settings.Sampling.Temperature}" : "";
        return $"plan: {plan.Sum(g => g.Tokens.Length)} probes in {plan.Count} groups of up to {settings.Batches} ({perTemplate}; prefix+probe+answer{attempts})";
    }

    /// <summary>A duration as people read it: 42 s, 3 min 10 s, 5 h 02 min, 3 d 4 h.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 90 ? $"{t.TotalSeconds:F0} s"
        : t.TotalMinutes < 90 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s"
        : t.TotalHours < 48 ? $"{(int)t.TotalHours} h {t.Minutes:D2} min"
        : $"{(int)t.TotalDays} d {t.Hours} h";

    /// <summary>The journal key of a harvest group: one per harvest settings.</summary>
    public static string HarvestKey(HarvestSettings harvest) =>
        "harvest/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(harvest.Canonical())))[..16];

    /// <summary>
    /// The probe groups of a scan: per template t, the selected ids in consecutive groups of its
    /// B (<paramref name="batches"/>[t]), keeping the groups shard <paramref name="shard"/> owns.
    /// A shard owns blocks of the largest B (every B divides it): block k, and with it every
    /// template's groups of those ids — so a shard probes the same tokens with every template.
    /// With one B, a block is a group.
    /// </summary>
    public static List<ProbeGroup> Plan(IReadOnlyList<int> batches, int[] ids, Shard shard)
    {
        ArgumentNullException.ThrowIfNull(batches);
        int block = batches.Count == 0 ? 1 : batches.Max();
        if (batches.Any(b => b < 1 || block % b != 0)) throw new ArgumentException($"every batch must divide the largest: {string.Join(", ", batches)}", nameof(batches));
        var plan = new List<ProbeGroup>();
        for (int t = 0; t < batches.Count; t++)
        {
            for (int g = 0, start = 0; start < ids.Length; g++, start += batches[t])
            {
                if (shard.Owns(start / block)) plan.Add(new ProbeGroup(t, g, ids[start..Math.Min(ids.Length, start + batches[t])]));
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
