using System.CommandLine;
using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe merge</c>: combine the journals of shard scans into one scan.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        Argument<string[]> inputs = new("DIR") { Description = "Output directories of the shard scans", Arity = ArgumentArity.OneOrMore };
        Option<string> output = CommonOptions.OutputDirectory("Directory for the merged scan", required: true);
        Option<string?> model = new("--model", "-m") { Description = "The model file, if it moved since the shards ran (checked by sha256)", HelpName = "PATH" };
        Option<string> threshold = new("--threshold") { Description = "As for scan: 'auto' or a probability", HelpName = "P", DefaultValueFactory = _ => "auto" };
        var command = new Command("merge",
            "Combine shard scans (scan --shard i/n) into one: refuses shards of different models, templates or settings, and " +
            "reports token ids that are missing or probed twice. The result equals an unsharded scan.")
        {
            inputs, output, model, threshold,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            string outDir = parse.GetValue(output)!;
            MergeResult result = ShardMerge.Run(new MergeRequest(parse.GetValue(inputs)!, outDir, parse.GetValue(model), parse.GetValue(threshold)!), Console.Error);
            Console.Out.WriteLine($"merged {result.Shards} shards");
            AnalyzeCommand.Print(result.Analysis, Console.Out);
            ScanSummary.Print(result.Run, outDir, Console.Out);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
