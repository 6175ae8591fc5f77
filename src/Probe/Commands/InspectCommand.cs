using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe inspect</c>: what a GGUF file holds, without loading its weights.</summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        Option<string> model = CommonOptions.Model();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("inspect",
            "Show a GGUF file: architecture, parameters, context length, vocabulary and special tokens, file type, " +
            "tensor table and metadata keys. Works on vocab-only files; weights are never loaded.")
        {
            model, json,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            ModelReport report = ModelReport.Build(parse.GetValue(model)!);
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(report, s_json));
            else Print(report, AnsiConsole.Console);
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static void Print(ModelReport r, IAnsiConsole console)
    {
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string? value) => facts.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value ?? "-"));
        Fact("file", $"{r.Path} ({FormatBytes(r.FileSize)}, GGUF v{r.GgufVersion})");
        Fact("architecture", r.Architecture);
        Fact("name", r.Name);
        Fact("parameters", r.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        Fact("context length", r.ContextLength?.ToString(CultureInfo.InvariantCulture));
        Fact("file type", r.FileType);
        Fact("vocabulary", $"{r.VocabularySize} tokens, type {r.VocabularyType} (tokenizer.ggml.model={r.TokenizerModel ?? "-"}, pre={r.PreTokenizer ?? "-"})");
        Fact("special tokens", string.Join(", ", r.SpecialTokens.Select(s => $"{s.Role} {s.Id} '{s.Text}'")));
        Fact("llama.cpp", $"{r.Engine.LlamaCppCommit} (ggml {r.Engine.GgmlVersion} {r.Engine.GgmlCommit}) from {r.Engine.Backend}, {r.Engine.Variant}: {r.Engine.Library}");
        Fact("devices", string.Join(", ", r.Engine.Devices));
        console.Write(facts);

        var tensors = new Table().Title($"tensors ({r.Tensors.Count})").AddColumns("name", "type", "shape", "bytes");
        foreach (TensorRow t in r.Tensors)
        {
            tensors.AddRow(Markup.Escape(t.Name), t.Type, string.Join(" x ", t.Shape), t.Bytes.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(tensors);

        var metadata = new Table().Title($"metadata ({r.Metadata.Count} keys)").AddColumns("key", "value");
        foreach (MetadataRow m in r.Metadata) metadata.AddRow(Markup.Escape(m.Key), Markup.Escape(Truncate(m.Value, 80)));
        console.Write(metadata);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
