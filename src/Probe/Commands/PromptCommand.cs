using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe prompt</c>: the exact probe a scan decodes for one token, position by position.</summary>
internal static class PromptCommand
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create()
    {
        Option<string> model = CommonOptions.Model();
        Option<string[]> templates = CommonOptions.Templates(PromptTemplate.AutoSpec);
        templates.Aliases.Add("--template");
        Option<string?> chatTemplate = CommonOptions.ChatTemplate();
        Option<int> token = new("--token") { Description = "The token id inserted at the slot", HelpName = "ID", Required = true };
        Option<bool> json = CommonOptions.Json();

        var command = new Command("prompt",
            "Show the exact probe of one token: each position's id, piece and role (prefix, token, suffix, and the answer " +
            "position whose logits are read), after the chat format and special-token parsing a scan applies. Loads only the vocabulary.")
        {
            model, templates, chatTemplate, token, json,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            using LlamaModel loaded = LlamaModel.Load(parse.GetValue(model)!, vocabOnly: true);
            int id = parse.GetValue(token);
            if (id < 0 || id >= loaded.Vocabulary.Count)
            {
                throw new InputException($"--token: {id} is outside the vocabulary (ids 0-{loaded.Vocabulary.Count - 1})");
            }
            string? chat = parse.GetValue(chatTemplate);
            var chosen = PromptTemplate.LoadAll(parse.GetValue(templates)!, chat is not null || ChatFormat.ModelHasTemplate(loaded));
            var probes = TemplateTokens.CreateAll(chosen, loaded, chat).Select(t => Describe(t, id, loaded.Vocabulary)).ToList();
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(probes, s_json));
            else foreach (ProbeLayout probe in probes) Print(probe, Console.Out);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>One probe as the model sees it.</summary>
    internal sealed record ProbeLayout(string Template, string? ChatFormat, int AnswerPosition, IReadOnlyList<PromptPosition> Positions);

    /// <summary>One position of a probe.</summary>
    internal sealed record PromptPosition(int Position, int Id, string Piece, string Role);

    internal static ProbeLayout Describe(TemplateTokens template, int token, Vocabulary vocabulary)
    {
        int[] ids = template.PromptFor(token);
        int slot = template.Prefix.Length;
        var positions = ids.Select((id, i) => new PromptPosition(i, id, PieceText.Escape(vocabulary.TokenToPiece(id, special: true)),
            (i < slot ? "prefix" : i == slot ? "token" : "suffix") + (i == ids.Length - 1 ? ", answer" : ""))).ToList();
        return new ProbeLayout(template.Template.Name, template.ChatFormat, ids.Length - 1, positions);
    }

    private static void Print(ProbeLayout probe, TextWriter output)
    {
        string kind = probe.ChatFormat is { } format ? $"chat template rendered with {(format == ChatFormat.ModelLabel ? "the model's chat format" : $"'{format}'")}" : "plain template";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"template {probe.Template} ({kind}): {probe.Positions.Count} positions; the answer is predicted at position {probe.AnswerPosition}"));
        int idWidth = Math.Max(2, probe.Positions.Max(p => p.Id.ToString(CultureInfo.InvariantCulture).Length));
        output.WriteLine($"{"pos",4}  {"id".PadLeft(idWidth)}  {"role",-14}  piece");
        foreach (PromptPosition p in probe.Positions)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Position,4}  {p.Id.ToString(CultureInfo.InvariantCulture).PadLeft(idWidth)}  {p.Role,-14}  {p.Piece}"));
        }
        output.WriteLine();
    }
}
