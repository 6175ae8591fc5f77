using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Commands;

/// <summary>Runs a command body and turns anticipated failures into one line on stderr plus an exit code.</summary>
internal static class CommandRunner
{
    public static int Execute(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ProbeException e)
        {
            return Fail(error, e.Message, e.ExitCode);
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
    }

    private static int Fail(TextWriter error, string message, int code)
    {
        error.WriteLine($"anomalyprobe: error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
