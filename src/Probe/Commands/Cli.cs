using System.CommandLine;
using System.Text.RegularExpressions;

namespace AnomalyProbe.Probe.Commands;

/// <summary>The command tree. Each command lives in its own file; this only wires them.</summary>
internal static partial class Cli
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "AnomalyProbe: find a language model's anomalous (glitch, under-trained) tokens with llama.cpp. " +
            "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 3 llama.cpp aborted on a malformed model, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.")
        {
            CommonOptions.Verbose,
            CommonOptions.LlamaDir,
            CommonOptions.SkipModelChecks,
            InspectCommand.Create(),
            ScanCommand.Create(),
            PromptCommand.Create(),
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
            string help = parse.CommandResult.Command is RootCommand ? "anomalyprobe --help" : $"anomalyprobe {CommandPath(parse.CommandResult.Command)} --help";
            foreach (var error in parse.Errors) Console.Error.WriteLine($"anomalyprobe: error: {Plain(error.Message)} (see '{help}')");
            return ExitCodes.BadInput;
        }
        using Termination termination = Termination.Listen();
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null }; // ours: see Termination
        return termination.ExitCode(parse.InvokeAsync(invocation, termination.Token).GetAwaiter().GetResult());
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    // System.CommandLine says "Cannot parse argument 'abc' for option '--batch' as expected type
    // 'System.Int32'."; a user wants "--batch: 'abc' is not a whole number".
    internal static string Plain(string message)
    {
        Match m = ConversionError().Match(message);
        if (!m.Success) return message;
        string what = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.UInt32" => "a whole number",
            "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            _ => "valid here",
        };
        return $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {what}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex ConversionError();
}
