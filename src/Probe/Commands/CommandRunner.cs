using System.CommandLine;
using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Commands;

/// <summary>
/// Runs a command body and turns failures into one line on stderr plus an exit code. Anticipated
/// failures say what is wrong; anything else is a bug and says so (exit 1), keeping its stack
/// trace for <c>--verbose</c>.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Set by <c>--verbose</c>: an unexpected exception then propagates with its stack trace, for a bug report.</summary>
    public static bool ShowStackTraces { get; set; }

    /// <summary>Runs a command's body, errors to stderr, a request parameter named by the command's option for it.</summary>
    public static int Execute(ParseResult parse, Func<int> body) => Execute(Console.Error, body, parse.CommandResult.Command);

    /// <summary>Runs <paramref name="body"/>; an error about a request parameter names <paramref name="command"/>'s option for it.</summary>
    public static int Execute(TextWriter error, Func<int> body, Command? command = null)
    {
        try
        {
            return body();
        }
        catch (ProbeException e)
        {
            return Fail(error, e.Describe(OptionName(command, e.Parameter)), e.ExitCode);
        }
        catch (GgufFormatException e)
        {
            return Fail(error, $"invalid GGUF file: {e.Message}", ExitCodes.BadInput);
        }
        catch (FileNotFoundException e)
        {
            return Fail(error, $"file not found: {e.FileName ?? e.Message}", ExitCodes.BadInput);
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(error, e.Message, ExitCodes.BadInput);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(error, e.Message, ExitCodes.BadInput);
        }
        catch (OperationCanceledException)
        {
            return Fail(error, "interrupted", ExitCodes.Interrupted);
        }
        catch (Exception e) when (!ShowStackTraces)
        {
            return Fail(error, $"internal error ({e.GetType().Name}: {e.Message}); this is a bug — rerun with --verbose for the stack trace",
                ExitCodes.RuntimeFailure);
        }
    }

    // "--tokens" for the parameter "tokens" when the command (or a parent, for global options) has that option.
    private static string? OptionName(Command? command, string? parameter)
    {
        if (parameter is null) return null;
        string name = "--" + parameter;
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            if (c.Options.Any(o => o.Name == name || o.Aliases.Contains(name))) return name;
        }
        return null;
    }

    private static int Fail(TextWriter error, string message, int code)
    {
        error.WriteLine($"anomalyprobe: error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
