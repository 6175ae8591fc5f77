namespace AnomalyProbe.Probe;

/// <summary>
/// Where the tool's one-line warnings go (stderr for the command line, nowhere by default): things a
/// user should know that do not stop the work, such as an architecture whose hyperparameters no rule checks.
/// </summary>
public static class Warnings
{
    private static volatile TextWriter s_sink = TextWriter.Null;

    /// <summary>The sink (set once by the command line).</summary>
    public static TextWriter Sink
    {
        get => s_sink;
        set => s_sink = value ?? TextWriter.Null;
    }

    /// <summary>Writes "anomalyprobe: warning: …".</summary>
    public static void Write(string message) => s_sink.WriteLine($"anomalyprobe: warning: {message}");
}
