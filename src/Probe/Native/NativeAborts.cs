using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// The safety net for what no validation rule foresaw. A GGML_ASSERT or GGML_ABORT inside llama.cpp
/// would print its message and a gdb backtrace and kill the process with SIGABRT; instead ggml calls
/// us, and we print one line naming the model file and the assertion, and leave with exit code 3.
/// Nothing is lost: a scan's journal is flushed to disk at every committed group, and llama.cpp only
/// runs between commits. ggml's backtrace printing (also used when a C++ exception escapes the C API)
/// is switched off with GGML_NO_BACKTRACE.
/// </summary>
internal static unsafe class NativeAborts
{
    private static volatile string? s_subject;

    /// <summary>The file llama.cpp is working on, for the message (the last model loaded).</summary>
    public static string? Subject
    {
        get => s_subject;
        set => s_subject = value;
    }

    public static void Install()
    {
        NativeMethods.ggml_set_abort_callback(&OnAbort);
        if (!OperatingSystem.IsWindows()) NativeMethods.setenv("GGML_NO_BACKTRACE", "1", 1);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnAbort(byte* message)
    {
        string text = Marshal.PtrToStringUTF8((IntPtr)message) ?? "no message";
        try
        {
            Console.Error.WriteLine(Describe(text, Subject));
            Console.Error.Flush();
        }
        finally
        {
            NativeMethods.exit_immediately(ExitCodes.NativeAbort);
        }
    }

    /// <summary>The one line printed: the assertion without the build machine's source path.</summary>
    internal static string Describe(string assertion, string? subject)
    {
        string line = assertion.ReplaceLineEndings(" ").Trim();
        // "/home/runner/work/LLamaSharp/LLamaSharp/src/llama-model.cpp:1092: GGML_ASSERT(...) failed"
        int colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            string location = line[..colon];
            int slash = location.LastIndexOfAny(['/', '\\']);
            if (slash >= 0) line = location[(slash + 1)..] + line[colon..];
        }
        string where = subject is null ? "" : $" on '{subject}'";
        return $"anomalyprobe: error: llama.cpp aborted{where}: {line} (the file is probably malformed)";
    }
}
