using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Receives llama.cpp's and ggml's log (they share one callback) so it never reaches the
/// terminal unasked. Silent by default; <c>--verbose</c> points <see cref="Sink"/> at stderr.
/// </summary>
internal static unsafe class NativeLog
{
    /// <summary>Where native log text goes; null discards it.</summary>
    public static volatile TextWriter? Sink;

    /// <summary>The last error-level line, kept even when silent so failures can quote it.</summary>
    public static volatile string? LastError;

    public static void Install() => NativeMethods.llama_log_set(&OnLog, null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* text, void* userData)
    {
        string? message = Marshal.PtrToStringUTF8((IntPtr)text);
        if (message is null) return;
        const int ggmlLogLevelError = 4;
        if (level == ggmlLogLevelError) LastError = message.TrimEnd();
        Sink?.Write(message);
    }
}
