using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Receives llama.cpp's and ggml's log (through LLamaSharp's callback, which also carries
/// LLamaSharp's own loader messages) so it never reaches the terminal unasked. Silent by default;
/// <c>--verbose</c> points <see cref="Sink"/> at stderr. Error lines are kept so failures can quote them.
/// </summary>
internal static class NativeLog
{
    private static readonly Lock s_gate = new();
    private static readonly List<string> s_errors = [];
    private static readonly List<string> s_loaderFailures = [];
    private static LLamaLogLevel s_lastLevel;

    /// <summary>Where log text goes; null discards it.</summary>
    public static volatile TextWriter? Sink;

    /// <summary>The callback handed to LLamaSharp (kept in a field so it is never collected).</summary>
    public static readonly NativeLogConfig.LLamaLogCallback Callback = OnLog;

    /// <summary>The last error-level message since <see cref="ResetErrors"/>, or null.</summary>
    public static string? LastError
    {
        get
        {
            lock (s_gate) return s_errors.Count == 0 ? null : s_errors[^1];
        }
    }

    /// <summary>
    /// Why llama.cpp refused a file: the text of its "error loading model: …" line (the reason), else
    /// the last error line (which, for a refused file, only says "failed to load model"), else null.
    /// </summary>
    public static string? LoadError
    {
        get
        {
            const string marker = "error loading model: ";
            lock (s_gate)
            {
                string? reason = s_errors.LastOrDefault(e => e.Contains(marker, StringComparison.Ordinal));
                if (reason is null) return s_errors.Count == 0 ? null : s_errors[^1];
                reason = reason[(reason.LastIndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
                // Nested reasons repeat the phrase: "error loading model vocabulary: key not found …".
                return reason.Trim();
            }
        }
    }

    /// <summary>Forgets the error lines seen so far (call before the operation whose failure you want to explain).</summary>
    public static void ResetErrors()
    {
        lock (s_gate) s_errors.Clear();
    }

    /// <summary>The files LLamaSharp's loader tried and failed to open, in order.</summary>
    public static IReadOnlyList<string> LoaderFailures
    {
        get
        {
            lock (s_gate) return [.. s_loaderFailures];
        }
    }

    private static void OnLog(LLamaLogLevel level, string message)
    {
        lock (s_gate)
        {
            // llama.cpp continues a line with level "continue"; it belongs to the line before it.
            LLamaLogLevel effective = level == LLamaLogLevel.Continue ? s_lastLevel : level;
            s_lastLevel = effective;
            if (effective == LLamaLogLevel.Error)
            {
                if (level == LLamaLogLevel.Continue && s_errors.Count > 0) s_errors[^1] = (s_errors[^1] + message).TrimEnd();
                else s_errors.Add(message.TrimEnd());
                if (s_errors.Count > 64) s_errors.RemoveAt(0);
            }
            const string failed = "Failed Loading '";
            if (message.StartsWith(failed, StringComparison.Ordinal)) s_loaderFailures.Add(message[failed.Length..].TrimEnd().TrimEnd('\''));
        }
        Sink?.Write(message);
    }
}
