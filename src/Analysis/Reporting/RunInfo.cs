using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>run.json: what a scan ran on, with which settings, and how it went.</summary>
public sealed record RunInfo
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NewLine = "\n",
        // Template texts are full of <, > and non-ASCII; keep them readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false), new CompactIntArrayConverter() },
    };

    /// <summary>The tool that made the run.</summary>
    public required ToolInfo Tool { get; init; }

    /// <summary>The llama.cpp build used.</summary>
    public required EngineInfo Engine { get; init; }

    public required ModelInfo Model { get; init; }

    /// <summary>The prompt templates, in tokens.csv column order.</summary>
    public required IReadOnlyList<TemplateInfo> Templates { get; init; }

    public required RunSettings Settings { get; init; }

    /// <summary>The failure threshold and how it was chosen.</summary>
    public required FailureThreshold Threshold { get; init; }

    /// <summary>How much was done.</summary>
    public required RunCounts Counts { get; init; }

    /// <summary>Start time; must be UTC.</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>End time; must be UTC.</summary>
    public required DateTime FinishedUtc { get; init; }

    /// <summary>Wall-clock seconds.</summary>
    public required double ElapsedS { get; init; }

    public required double ProbesPerS { get; init; }

    /// <summary>A two-stage scan's estimate for the whole selection; null for a full scan.</summary>
    public FailureEstimate? Estimate { get; init; }

    /// <summary>Writes run.json (indented, snake_case, "\n" line ends, UTF-8 without BOM).</summary>
    /// <exception cref="ArgumentException">A time is not UTC.</exception>
    public void Write(string path)
    {
        if (StartedUtc.Kind != DateTimeKind.Utc || FinishedUtc.Kind != DateTimeKind.Utc)
            throw new ArgumentException("StartedUtc and FinishedUtc must be UTC (DateTimeKind.Utc).");
        byte[] text = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n");
        AtomicFile.Write(path, stream => stream.Write(text));
    }

    /// <summary>Reads run.json.</summary>
    /// <exception cref="JsonException">The file is not a valid run.json.</exception>
    public static RunInfo Read(string path)
    {
        RunInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json);
        }
        catch (ArgumentException e)
        {
            // A constructor's validation, e.g. a threshold outside (0, 1].
            throw new JsonException($"{path}: {e.Message}", e);
        }
        if (info is null) throw new JsonException($"{path}: null instead of a run.");
        if (info.StartedUtc.Kind != DateTimeKind.Utc || info.FinishedUtc.Kind != DateTimeKind.Utc)
            throw new JsonException($"{path}: started_utc and finished_utc must be UTC times (ending in Z).");
        return info;
    }
}
