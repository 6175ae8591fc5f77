using AnomalyProbe.Probe.Commands;

namespace AnomalyProbe.Probe.Tests.Commands;

public sealed class CommandRunnerTests
{
    [Fact]
    public void AnUnexpectedExceptionIsOneLineThatSaysBug()
    {
        var error = new StringWriter();
        int code = CommandRunner.Execute(error, () => throw new InvalidOperationException("boom\nsecond line"));
        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Equal("anomalyprobe: error: internal error (InvalidOperationException: boom second line); this is a bug — rerun with --verbose for the stack trace",
            error.ToString().TrimEnd());
    }

    [Fact]
    public void VerboseKeepsTheStackTrace()
    {
        CommandRunner.ShowStackTraces = true;
        try
        {
            Assert.Throws<InvalidOperationException>(() => CommandRunner.Execute(TextWriter.Null, () => throw new InvalidOperationException("boom")));
        }
        finally
        {
            CommandRunner.ShowStackTraces = false;
        }
    }

    [Fact]
    public void AnticipatedFailuresKeepTheirExitCodes()
    {
        Assert.Equal(ExitCodes.BadInput, CommandRunner.Execute(TextWriter.Null, () => throw new InputException("bad")));
        Assert.Equal(ExitCodes.RuntimeFailure, CommandRunner.Execute(TextWriter.Null, () => throw new LlamaException("failed")));
        Assert.Equal(ExitCodes.Interrupted, CommandRunner.Execute(TextWriter.Null, () => throw new OperationCanceledException()));
    }
}
