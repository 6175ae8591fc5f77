using System.Text.Json;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Reporting;

public sealed class RunInfoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RunInfo Sample() => new()
    {
        Tool = new ToolInfo("anomalyprobe", "0.1.0"),
        Engine = new EngineInfo("LLamaSharp.Backend.Cpu 0.30.0", "avx2", "c0c7e147", "0.18.0", "815a2a591",
            "/app/runtimes/linux-x64/native/avx2/libllama.so", ["CPU (AMD EPYC)"]),
        Model = new ModelInfo("/models/stories260K.gguf", "stories260K.gguf", 1_057_888, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        Templates =
        [
            new TemplateInfo("chat", "templates/chat.txt", "<|im_start|>user\nRepeat the word \"{token}\" — café.<|im_end|>\n"),
            new TemplateInfo("completion", null, "Repeat after me: {token}"),
        ],
        Settings = new RunSettings
        {
            Tokens = "all",
            Sample = 500,
            Seed = 42,
            Batch = 64,
            Threads = 2,
            Shard = "1/4",
            Runner = "batched",
            Harvest = new Dictionary<string, string> { ["sequences"] = "16", ["max_tokens"] = "64" },
        },
        Threshold = FailureThreshold.Choose([1e-9, 2e-9, 0.4, 0.5]).OrFixed(),
        Counts = new RunCounts(500, 1000, 23),
        StartedUtc = new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc),
        FinishedUtc = new DateTime(2025, 1, 2, 3, 5, 0, DateTimeKind.Utc),
        ElapsedS = 54.322,
        ProbesPerS = 1000 / 54.322,
    };

    [Fact]
    public void RoundTrips()
    {
        var info = Sample();
        string path = _dir.File("run.json");
        info.Write(path);

        var back = RunInfo.Read(path);

        Assert.Equal(info.Tool, back.Tool);
        Assert.Equal(info.Engine with { Devices = back.Engine.Devices }, back.Engine);
        Assert.Equal(info.Engine.Devices, back.Engine.Devices);
        Assert.Equal(info.Model, back.Model);
        Assert.Equal(info.Templates, back.Templates);
        Assert.Equal(info.Settings with { Harvest = back.Settings.Harvest }, back.Settings);
        Assert.Equal(info.Settings.Harvest, back.Settings.Harvest);
        Assert.Equal(info.Threshold, back.Threshold);
        Assert.Equal(info.Counts, back.Counts);
        Assert.Equal(info.StartedUtc, back.StartedUtc);
        Assert.Equal(DateTimeKind.Utc, back.StartedUtc.Kind);
        Assert.Equal(info.FinishedUtc, back.FinishedUtc);
        Assert.Equal(info.ElapsedS, back.ElapsedS);
        Assert.Equal(info.ProbesPerS, back.ProbesPerS);

        string again = _dir.File("again.json");
        back.Write(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void JsonIsSnakeCaseIndentedAndReadable()
    {
        string path = _dir.File("run.json");
        Sample().Write(path);
        string json = File.ReadAllText(path);

        Assert.StartsWith("{\n  \"tool\": {\n    \"name\": \"anomalyprobe\",", json, StringComparison.Ordinal);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.Contains("\"engine\": {\n    \"backend\": \"LLamaSharp.Backend.Cpu 0.30.0\",\n    \"variant\": \"avx2\",\n    \"llama_cpp_commit\": \"c0c7e147\",", json, StringComparison.Ordinal);
        Assert.Contains("\"devices\": [\n      \"CPU (AMD EPYC)\"\n    ]", json, StringComparison.Ordinal);
        Assert.Contains("\"file_name\": \"stories260K.gguf\"", json, StringComparison.Ordinal);
        Assert.Contains("\"size_bytes\": 1057888", json, StringComparison.Ordinal);
        Assert.Contains("\"file\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"method\": \"auto-otsu\"", json, StringComparison.Ordinal);
        Assert.Contains("\"started_utc\": \"2025-01-02T03:04:05.678Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"elapsed_s\": 54.322", json, StringComparison.Ordinal);
        Assert.Contains("\"probes_per_s\":", json, StringComparison.Ordinal);
        Assert.Contains("\"harvest\": {\n      \"sequences\": \"16\",", json, StringComparison.Ordinal);
        // Relaxed escaping: template text stays legible.
        Assert.Contains("<|im_start|>user\\nRepeat the word \\\"{token}\\\" — café.<|im_end|>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedThresholdIsWrittenAsFixed()
    {
        string path = _dir.File("run.json");
        (Sample() with { Threshold = FailureThreshold.Fixed(0.02) }).Write(path);

        Assert.Contains("\"method\": \"fixed\"", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(FailureThreshold.Fixed(0.02), RunInfo.Read(path).Threshold);
    }

    [Fact]
    public void WriteRejectsLocalTimes()
    {
        var info = Sample() with { StartedUtc = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Local) };
        Assert.Throws<ArgumentException>(() => info.Write(_dir.File("run.json")));
    }

    [Fact]
    public void ReadRejectsNull()
    {
        string path = _dir.File("run.json");
        File.WriteAllText(path, "null");
        Assert.Throws<JsonException>(() => RunInfo.Read(path));
    }

    [Theory]
    [InlineData("\"method\": \"auto-otsu\"", "\"method\": \"otsu\"")]
    [InlineData("\"method\": \"auto-otsu\"", "\"method\": 0")]
    [InlineData("\"llama_cpp_commit\": \"c0c7e147\",", "")]
    [InlineData("\"ggml_commit\": \"815a2a591\"", "\"ggml_commit\": null")]
    [InlineData("\"started_utc\": \"2025-01-02T03:04:05.678Z\"", "\"started_utc\": \"2025-01-02T03:04:05.678\"")]
    [InlineData("\"tokens\": 500", "\"tokens\": \"500\"")]
    [InlineData("\"value\": 2.8284271247461906E-05", "\"value\": 0")]
    public void ReadRejectsInvalidFiles(string find, string replace)
    {
        string path = _dir.File("run.json");
        Sample().Write(path);
        string json = File.ReadAllText(path);
        Assert.Contains(find, json, StringComparison.Ordinal);
        File.WriteAllText(path, json.Replace(find, replace, StringComparison.Ordinal));

        Assert.Throws<JsonException>(() => RunInfo.Read(path));
    }
}
