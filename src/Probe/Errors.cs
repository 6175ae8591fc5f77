namespace AnomalyProbe.Probe;

/// <summary>Process exit codes, as documented in the README.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>A runtime failure: llama.cpp refused or failed to do what was asked.</summary>
    public const int RuntimeFailure = 1;
    /// <summary>Bad usage or bad input (arguments, files, templates).</summary>
    public const int BadInput = 2;
    /// <summary>llama.cpp aborted (an assertion on content no rule caught): the model file is probably malformed.</summary>
    public const int NativeAbort = 3;
    /// <summary>Stopped by Ctrl-C (128 + SIGINT), with finished work kept.</summary>
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM (128 + 15: a scheduler's scancel, preemption or time limit), with finished work kept.</summary>
    public const int Terminated = 143;
}

/// <summary>
/// An anticipated failure: printed as one line without a stack trace and mapped to an exit code.
/// Anything else is a bug and propagates.
/// </summary>
public class ProbeException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The exit code the process ends with.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// The request parameter the message is about (e.g. "tokens"), or null. The message then reads
    /// after it ("'5000' is outside the vocabulary"): the command line shows the option's name first
    /// ("--tokens: '5000' is outside the vocabulary"), a library caller the parameter's.
    /// </summary>
    public string? Parameter { get; init; }

    /// <summary>The message after its subject: <paramref name="subject"/> (default: the parameter).</summary>
    public string Describe(string? subject = null) =>
        Parameter is null ? Message : $"{subject ?? Parameter}: {Message}";
}

/// <summary>Bad usage or bad input: exit code 2.</summary>
public class InputException(string message, Exception? inner = null) : ProbeException(message, ExitCodes.BadInput, inner);

/// <summary>llama.cpp failed (null handle, negative return code) or the native runtime is unusable: exit code 1.</summary>
public class LlamaException(string message, Exception? inner = null) : ProbeException(message, ExitCodes.RuntimeFailure, inner);
