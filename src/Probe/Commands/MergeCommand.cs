using System.CommandLine;
using System.Text.Json;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Runtime;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe merge</c>: combine the journals of shard scans into one scan.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        Argument<string[]> inputs = new("DIR") { Description = "Output directories of the shard scans", Arity = ArgumentArity.OneOrMore };
        Option<string> output = new("--out", "-o") { Description = "Directory for the merged scan", HelpName = "DIR", Required = true };
        Option<string?> model = new("--model", "-m") { Description = "The model file, if it moved since the shards ran (checked by sha256)", HelpName = "PATH" };
        Option<string> threshold = new("--threshold") { Description = "As for scan: 'auto' or a probability", HelpName = "P", DefaultValueFactory = _ => "auto" };
        var command = new Command("merge",
            "Combine shard scans (scan --shard i/n) into one: refuses shards of different models, templates or settings, and " +
            "reports token ids that are missing or probed twice. The result equals an unsharded scan.")
        {
            inputs, output, model, threshold,
        };
        command.SetAction(parse => CommandRunner.Execute(Console.Error, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            return Run(parse.GetValue(inputs)!, parse.GetValue(output)!, parse.GetValue(model), parse.GetValue(threshold)!);
        }));
        return command;
    }

    internal static int Run(string[] inputs, string output, string? modelOverride, string threshold)
    {
        DateTime started = DateTime.UtcNow;
        var shards = inputs.Select(dir => (dir, journal: ScanJournal.ReadOnly(Path.Combine(dir, ScanJournal.FileName)))).ToList();
        JournalHeader first = shards[0].journal.Header;
        foreach (var (dir, journal) in shards.Skip(1))
        {
            if (journal.Header.Fingerprint != first.Fingerprint)
            {
                throw new InputException($"'{dir}' was scanned with other settings than '{shards[0].dir}' (model, templates, tokens, batch or harvest differ)");
            }
        }
        var shardIds = shards.Select(s => Shard.Parse(s.journal.Header.Shard)).ToList();
        if (shardIds.Select(s => s.Count).Distinct().Count() > 1) throw new InputException("the shards split the scan differently (their n in i/n differ)");
        if (shardIds.Distinct().Count() < shardIds.Count) Console.Error.WriteLine("merge: warning: the same shard is given twice");

        ScanSettings settings = JsonSerializer.Deserialize<ScanSettings>(first.Settings) ?? throw new InputException("unreadable settings in the journal header");
        string modelPath = modelOverride ?? settings.ModelPath;
        if (!File.Exists(modelPath)) throw new InputException($"the scanned model '{modelPath}' is not there; pass --model PATH");
        if (ScanReport.Sha256(modelPath) != settings.ModelSha256) throw new InputException($"'{modelPath}' is not the model the shards scanned (sha256 differs)");
        using LlamaModel model = LlamaModel.Load(modelPath, vocabOnly: true);

        // Every group of the unsharded plan must come from exactly one shard.
        int[] ids = settings.Tokens.Resolve(model.Vocabulary.Count);
        List<ProbeGroup> plan = Scanner.Plan(settings.Templates.Count, ids, settings.BatchProbes, Shard.All);
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
        if (duplicated.Count > 0) Console.Error.WriteLine($"merge: {duplicated.Count} token ids were probed by more than one shard: {Ranges(duplicated)} (the first result is kept)");
        if (missing.Count > 0)
        {
            throw new InputException($"{missing.Count} token ids are missing (unfinished or absent shards): {Ranges(missing)}");
        }

        var header = new JournalHeader(first.Fingerprint, Shard.All.ToString(), first.Settings);
        var harvest = shards.Select(s => s.journal.Harvest).FirstOrDefault(h => h is not null);
        if (settings.Harvest.Enabled && harvest is null) throw new InputException("no shard holds the T→0⁻ harvest (it is run by shard 0): finish shard 0 first");
        using (ScanJournal merged = ScanJournal.Open(output, header, resume: false))
        {
            foreach (ProbeGroup group in plan)
            {
                merged.Commit(group.Key, group.Tokens.Select(t => probes[(group.Template, t)][0]).ToList());
            }
            if (harvest is not null) merged.Commit(Scanner.HarvestKey, [], harvest);
        }

        JournalContents contents = ScanJournal.ReadOnly(Path.Combine(output, ScanJournal.FileName));
        var info = ScanReport.Write(output, settings, Shard.All, 0, 0, contents, model.Vocabulary, threshold,
            new ScanTiming(started, DateTime.UtcNow, 0, 0));
        Console.Out.WriteLine($"merged {shards.Count} shards");
        AnalyzeCommand.Run(output, modelPath, referenceFile: null);
        ScanCommand.PrintSummary(info, output);
        return ExitCodes.Ok;
    }

    // "3-5,9,12-40" from sorted ids, the first 20 runs.
    private static string Ranges(SortedSet<int> ids)
    {
        var runs = new List<string>();
        int? start = null, previous = null;
        foreach (int id in ids.Append(int.MinValue))
        {
            if (start is null)
            {
                start = previous = id;
                continue;
            }
            if (id == previous + 1)
            {
                previous = id;
                continue;
            }
            runs.Add(start == previous ? $"{start}" : $"{start}-{previous}");
            start = previous = id;
        }
        return string.Join(",", runs.Take(20)) + (runs.Count > 20 ? ",…" : "");
    }
}
