using System.CommandLine;

namespace AnomalyProbe.Probe.Commands;

/// <summary>The command tree. Each command lives in its own file; this only wires them.</summary>
internal static class Cli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "AnomalyProbe: find a language model's anomalous (glitch, under-trained) tokens with llama.cpp. " +
            "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted.")
        {
            CommonOptions.Verbose,
            CommonOptions.LlamaDir,
            InspectCommand.Create(),
            ScanCommand.Create(),
            MergeCommand.Create(),
            BenchCommand.Create(),
            AnalyzeCommand.Create(),
            GenerateCommand.Create(),
            TokenizerCommand.Create(),
            TemperatureCommand.Create(),
        };
        return root;
    }

    public static int Run(string[] args)
    {
        RootCommand root = Build();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"anomalyprobe: error: {error.Message}");
            Console.Error.WriteLine("Run 'anomalyprobe --help' (or '<command> --help') for usage.");
            return ExitCodes.BadInput;
        }
        return parse.InvokeAsync().GetAwaiter().GetResult();
    }
}
