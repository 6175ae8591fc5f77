using System.Text.Json;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>Shard scans to combine into one.</summary>
/// <param name="Inputs">The shards' output directories, parents of them, or patterns (<see cref="ShardInputs"/>).</param>
/// <param name="OutputDirectory">Where the merged scan goes.</param>
/// <param name="ModelPath">The model, if it moved since the shards ran; null = the path the journals name.</param>
/// <param name="Threshold">"auto" or a probability.</param>
/// <param name="Overwrite">Replace a scan already in <paramref name="OutputDirectory"/> (a merge run again).</param>
public sealed record MergeRequest(IReadOnlyList<string> Inputs, string OutputDirectory, string? ModelPath, string Threshold, bool Overwrite = false);

/// <summary>The merged scan.</summary>
/// <param name="Shards">How many shards were combined.</param>
/// <param name="Run">The merged run.json.</param>
/// <param name="Analysis">What the analysis added.</param>
public sealed record MergeResult(int Shards, RunInfo Run, AnalysisResult Analysis);

/// <summary>
/// Combines the journals of shard scans into one scan whose journal, tokens.csv and run.json equal an
/// unsharded scan's: refuses shards of other settings, names the shards missing or unfinished.
/// </summary>
public static class ShardMerge
{
    /// <summary>Merges; warnings (a shard given twice, ids probed twice) go to <paramref name="log"/>.</summary>
    public static MergeResult Run(MergeRequest request, TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        DateTime started = DateTime.UtcNow;
        List<string> inputs = ShardInputs.Expand(request.Inputs);
        string outJournal = Path.Combine(request.OutputDirectory, ScanJournal.FileName);
        if (inputs.Any(dir => Path.GetFullPath(dir).TrimEnd('/') == Path.GetFullPath(request.OutputDirectory).TrimEnd('/')))
        {
            throw new InputException($"'{request.OutputDirectory}' is one of the shards: the merge needs a directory of its own") { Parameter = "out" };
        }
        bool replace = File.Exists(outJournal) && new FileInfo(outJournal).Length > 0;
        if (replace && !request.Overwrite)
        {
            throw new InputException($"'{request.OutputDirectory}' already holds a scan: choose another directory, or add --overwrite to replace it") { Parameter = "out" };
        }

        var shards = inputs.Select(dir => (dir, journal: ScanJournal.ReadOnly(Path.Combine(dir, ScanJournal.FileName)))).ToList();
        JournalHeader first = shards[0].journal.Header;
        ScanSettings settings = first.ReadSettings() ?? throw new InputException($"unreadable settings in the journal header of '{shards[0].dir}'");
        foreach (var (dir, journal) in shards.Skip(1))
        {
            // Compared by the settings' own fingerprint: shards of older versions carry the legacy one.
            ScanSettings? other = journal.Header.ReadSettings();
            if (other is null || other.Fingerprint() != settings.Fingerprint())
            {
                string what = other is null ? "unreadable settings" : string.Join("; ", settings.Differences(other)) + " differ";
                throw new InputException($"'{dir}' was scanned with other settings than '{shards[0].dir}' ({what})");
            }
        }
        var shardIds = shards.Select(s => Shard.Parse(s.journal.Header.Shard)).ToList();
        if (shardIds.Select(s => s.Count).Distinct().Count() > 1) throw new InputException("the shards split the scan differently (their n in i/n differ)");
        if (shardIds.Distinct().Count() < shardIds.Count) log.WriteLine("merge: warning: the same shard is given twice");

        string modelPath = request.ModelPath ?? settings.ModelPath;
        if (!File.Exists(modelPath)) throw new InputException($"the scanned model '{modelPath}' is not there; give its new path") { Parameter = "model" };
        if (ToolIdentity.Sha256(modelPath) != settings.ModelSha256) throw new InputException($"'{modelPath}' is not the model the shards scanned (sha256 differs)") { Parameter = "model" };
        using LlamaModel model = LlamaModel.Load(modelPath, vocabOnly: true);

        int[] ids = settings.ProbedIds(model.Vocabulary.Count);
        CheckComplete(shards.Select((s, i) => (s.dir, s.journal, shard: shardIds[i])).ToList(), settings, ids);

        // Every group of the unsharded plan must come from exactly one shard.
        List<ProbeGroup> plan = Scanner.Plan(settings.Batches.For(settings.Templates), ids, Shard.All);
        var probes = shards.SelectMany(s => s.journal.Probes).GroupBy(p => (p.TemplateIndex, p.Token)).ToDictionary(g => g.Key, g => g.ToList());
        var missing = new SortedSet<int>();
        var duplicated = new SortedSet<int>();
        foreach (ProbeGroup group in plan)
        {
            foreach (int token in group.Tokens)
            {
                if (!probes.TryGetValue((group.Template, token), out var found)) missing.Add(token);
                else if (found.Count > 1) duplicated.Add(token);
            }
        }
        if (duplicated.Count > 0) log.WriteLine($"merge: {duplicated.Count} token ids were probed by more than one shard: {TokenIdRange.Format(duplicated)} (the first result is kept)");
        if (missing.Count > 0) throw new InputException($"{missing.Count} token ids are missing: {TokenIdRange.Format(missing)}");

        // The harvest comes from shard 0 (the only one that runs it), with the settings it was made with.
        HarvestCounts? harvest = shards.Select(s => s.journal.Harvest).FirstOrDefault(h => h is not null);
        if (harvest is not null && JsonSerializer.Deserialize<HarvestSettings>(harvest.Settings) is { } made) settings = settings with { Harvest = made };
        var header = new JournalHeader(settings.Fingerprint(), Shard.All.ToString(), JsonSerializer.Serialize(settings));
        if (replace) File.Delete(outJournal); // only now: a merge refused above leaves the earlier one whole
        using (ScanJournal merged = ScanJournal.Open(request.OutputDirectory, header, resume: false))
        {
            foreach (ProbeGroup group in plan)
            {
                merged.Commit(group.Key, group.Tokens.Select(t => probes[(group.Template, t)][0]).ToList());
            }
            if (harvest is not null) merged.Commit(Scanner.HarvestKey(settings.Harvest), [], harvest);
        }

        JournalContents contents = ScanJournal.ReadOnly(outJournal);
        ShardRuns runs = ShardRuns.Read(shards.Select(s => s.dir));
        RunInfo info = ScanOutputs.Write(request.OutputDirectory, settings, Shard.All, runs.Threads, runs.GpuLayers, contents, model, request.Threshold,
            new ScanTiming(started, DateTime.UtcNow, runs.Probes, runs.ProbeSeconds), mergedShards: shards.Count);
        AnalysisResult analysis = ScanAnalysis.Run(new AnalysisRequest(request.OutputDirectory, modelPath), cancellation);
        return new MergeResult(shards.Count, info, analysis);
    }

    // Names each shard that is absent from the inputs or whose journal lacks some of its groups (or,
    // for shard 0, the harvest): the task to look at, not a bare list of token ids.
    private static void CheckComplete(List<(string Dir, JournalContents Journal, Shard Shard)> shards, ScanSettings settings, int[] ids)
    {
        int n = shards[0].Shard.Count;
        var problems = new List<string>();
        var present = shards.Select(s => s.Shard.Index).ToHashSet();
        int[] absent = Enumerable.Range(0, n).Where(i => !present.Contains(i)).ToArray();
        if (absent.Length > 0) problems.Add($"{string.Join(", ", absent.Select(i => $"{i}/{n}"))} {(absent.Length == 1 ? "is" : "are")} not among the inputs");
        foreach (var (dir, journal, shard) in shards.DistinctBy(s => s.Shard.Index))
        {
            List<ProbeGroup> own = Scanner.Plan(settings.Batches.For(settings.Templates), ids, shard);
            int done = own.Count(g => journal.IsCommitted(g.Key));
            bool harvestDue = settings.Harvest.Enabled && shard.Index == 0 && journal.Harvest is null;
            if (done < own.Count || harvestDue)
            {
                string what = done < own.Count ? $"{done} of {own.Count} groups committed" : "its groups are done but the T→0⁻ harvest is not";
                problems.Add($"{shard} in '{dir}' is unfinished ({what}): still running, or stopped — rerun it with --resume");
            }
        }
        if (problems.Count > 0) throw new InputException($"not every shard is finished: {string.Join("; ", problems)}");
    }
}
