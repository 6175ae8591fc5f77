using System.CommandLine;
using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe merge</c>: combine the journals of shard scans into one scan.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        Argument<string[]> inputs = new("DIR")
        {
            Description = "The shard scans' output directories, a directory holding them (OUT/shards), or a pattern (OUT/shards/*)",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string> output = CommonOptions.OutputDirectory("Directory for the merged scan", required: true);
        Option<string?> model = new("--model", "-m") { Description = "The model file, if it moved since the shards ran (checked by sha256)", HelpName = "PATH" };
        Option<string> threshold = new("--threshold") { Description = "As for scan: 'auto' or a probability", HelpName = "P", DefaultValueFactory = _ => "auto" };
        Option<bool> overwrite = new("--overwrite") { Description = "Replace a scan already in --out (a merge run again, e.g. a requeued merge job)" };
        var command = new Command("merge",
            "Combine shard scans (scan --shard i/n) into one and analyze it: refuses shards of different models, templates or settings, " +
            "names the shards that are missing or unfinished, and warns of token ids probed twice. The result equals an unsharded scan.")
        {
            inputs, output, model, threshold, overwrite,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            string outDir = parse.GetValue(output)!;
            var request = new MergeRequest(parse.GetValue(inputs)!, outDir, parse.GetValue(model), parse.GetValue(threshold)!, parse.GetValue(overwrite));
            MergeResult result = ShardMerge.Run(request, Console.Error, cancellation);
            Console.Out.WriteLine($"merged {result.Shards} shards");
            AnalyzeCommand.Print(result.Analysis, Console.Out);
            ScanSummary.Print(result.Run, outDir, Console.Out);
            return ExitCodes.Ok;
        })));
        return command;
    }
}
