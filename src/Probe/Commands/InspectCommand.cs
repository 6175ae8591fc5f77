using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AnomalyProbe.Probe.Gguf;
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
            ModelDescription report = ModelDescription.Build(parse.GetValue(model)!);
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(report, s_json));
            else Print(report, AnsiConsole.Console);
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static void Print(ModelDescription model, IAnsiConsole console)
    {
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string? value) => facts.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value ?? "-"));
        Fact("file", $"{model.Path} ({FormatBytes(model.FileSize)}, GGUF v{model.GgufVersion})");
        Fact("architecture", model.Architecture);
        Fact("name", model.Name);
        Fact("parameters", model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        Fact("context length", model.ContextLength?.ToString(CultureInfo.InvariantCulture));
        Fact("file type", model.FileType);
        Fact("vocabulary", $"{model.VocabularySize} tokens, type {model.VocabularyType} (tokenizer.ggml.model={model.TokenizerModel ?? "-"}, pre={model.PreTokenizer ?? "-"})");
        Fact("special tokens", string.Join(", ", model.SpecialTokens.Select(s => $"{s.Role} {s.Id} '{s.Text}'")));
        Fact("llama.cpp", $"{model.Engine.LlamaCppCommit} (ggml {model.Engine.GgmlVersion} {model.Engine.GgmlCommit}) from {model.Engine.Backend}, {model.Engine.Variant}: {model.Engine.Library}");
        Fact("devices", string.Join(", ", model.Engine.Devices));
        Fact("checks", model.Problems.Count == 0 ? "passed" : $"{model.Problems.Count} problem(s): commands that load the model refuse it");
        foreach (string problem in model.Problems) Fact("  problem", problem);
        foreach (string warning in model.Warnings) Fact("  warning", warning);
        console.Write(facts);

        var tensors = new Table().Title($"tensors ({model.Tensors.Count})").AddColumns("name", "type", "shape", "bytes");
        foreach (TensorRow t in model.Tensors)
        {
            tensors.AddRow(Markup.Escape(t.Name), t.Type, string.Join(" x ", t.Shape), t.Bytes.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(tensors);

        var metadata = new Table().Title($"metadata ({model.Metadata.Count} keys)").AddColumns("key", "value");
        foreach (MetadataRow m in model.Metadata) metadata.AddRow(Markup.Escape(m.Key), Markup.Escape(Truncate(m.Value, 80)));
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
