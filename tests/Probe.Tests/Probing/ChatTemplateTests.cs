using System.Text;
using System.Text.Json;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;
using LLama.Native;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>A copy of stories260K with a ChatML template in its metadata, made once for the chat tests.</summary>
public sealed class ChatModel : IDisposable
{
    /// <summary>The ChatML template as Hugging Face models ship it (Jinja; llama.cpp recognizes it by its text).</summary>
    public const string ChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public ChatModel()
    {
        Root = Directory.CreateTempSubdirectory("chat").FullName;
        Path = System.IO.Path.Combine(Root, "stories260K-chatml.gguf");
        File.WriteAllBytes(Path, GgufDocument.Load(TestPaths.DefaultModel).Set("tokenizer.chat_template", GgufValue.FromString(ChatMl)).ToBytes());
    }

    public string Root { get; }
    public string Path { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Chat templates are rendered by llama.cpp's template engine and probed with special tokens parsed.</summary>
public sealed class ChatTemplateTests(ChatModel chat) : IClassFixture<ChatModel>
{
    private static PromptTemplate Repeat => PromptTemplate.BuiltIn.Single(t => t.Name == "repeat");

    [Fact]
    public void TheModelsTemplateRendersAsLlamaCppsTemplateEngineRendersIt()
    {
        using LlamaModel model = LlamaModel.Load(chat.Path, vocabOnly: true);
        ChatFormat format = ChatFormat.For(model, null)!;
        Assert.Equal(ChatFormat.ModelLabel, format.Label);
        TemplateTokens tokens = TemplateTokens.Create(Repeat, model.Vocabulary, format);

        string expected = ApplyDirectly(ChatMl(), Repeat.Prefix + PromptTemplate.Slot + Repeat.Suffix) + Repeat.AssistantStart;
        Assert.StartsWith("<|im_start|>user\nRepeat the word \"{token}\".<|im_end|>\n<|im_start|>assistant\n", expected, StringComparison.Ordinal);
        // The probe's pieces spell the rendering around the slot (after BOS and SentencePiece's leading space).
        string before = Spell(model.Vocabulary, tokens.Prefix.AsSpan(1)), after = Spell(model.Vocabulary, tokens.Suffix);
        Assert.Equal(expected, (before + PromptTemplate.Slot + after).TrimStart(' '));
        Assert.Equal(model.Vocabulary.Bos, tokens.Prefix[0]);
        Assert.Equal("model", tokens.ChatFormat);
    }

    [Fact]
    public void ABuiltInFormatByNameRendersAsTheEngineDoes()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel, vocabOnly: true);
        Assert.Null(ChatFormat.For(model, null));
        TemplateTokens tokens = TemplateTokens.CreateAll([Repeat], model, "llama2")[0];
        string expected = ApplyDirectly("llama2", Repeat.Prefix + PromptTemplate.Slot + Repeat.Suffix) + Repeat.AssistantStart;
        Assert.StartsWith("[INST] Repeat", expected, StringComparison.Ordinal);
        Assert.Equal(expected, (Spell(model.Vocabulary, tokens.Prefix.AsSpan(1)) + PromptTemplate.Slot + Spell(model.Vocabulary, tokens.Suffix)).TrimStart(' '));
        Assert.Equal("llama2", tokens.ChatFormat);
    }

    [Fact]
    public void SpecialTokenTextInATemplateIsOneToken()
    {
        string neo = Path.Combine(TestPaths.ModelsDir, "tinystories-instruct-neo-3m.gguf");
        using LlamaModel model = LlamaModel.Load(neo, vocabOnly: true);
        var template = PromptTemplate.Parse("turns", "User: Hi<|endoftext|>\nUser: Say \"{token}\"<|endoftext|>\nBot: \"");
        TemplateTokens tokens = TemplateTokens.Create(template, model.Vocabulary);
        int endOfText = model.Vocabulary.Eos;
        Assert.Equal(1, tokens.Prefix.Count(id => id == endOfText));
        Assert.Equal(1, tokens.Suffix.Count(id => id == endOfText));
        Assert.DoesNotContain(tokens.Prefix, id => Encoding.UTF8.GetString(model.Vocabulary.TokenToPiece(id)) is "<|" or "|>");
    }

    [Fact]
    public void AChatModelIsScannedWithTheChatTemplatesByDefaultAndRunJsonRecordsTheIds()
    {
        string dir = Path.Combine(chat.Root, "scan-default");
        CliResult result = CliProcess.Run("scan", "--model", chat.Path, "--out", dir, "--tokens", "0-63", "--no-harvest", "--no-analyze", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.StdErr);
        RunInfo info = RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile));
        Assert.Equal(["echo", "repeat", "completion"], info.Templates.Select(t => t.Name));
        Assert.Equal(["model", "model", null], info.Templates.Select(t => t.ChatFormat));

        using LlamaModel model = LlamaModel.Load(chat.Path, vocabOnly: true);
        TemplateTokens repeat = TemplateTokens.Create(Repeat, model.Vocabulary, ChatFormat.For(model, null));
        Assert.Equal(repeat.Prefix, info.Templates[1].PrefixIds);
        Assert.Equal(repeat.Suffix, info.Templates[1].SuffixIds);
        Assert.Contains("\"prefix_ids\": [1,", File.ReadAllText(Path.Combine(dir, ScanOutputs.RunFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void AChatTemplateOnAModelWithoutOneNeedsANamedFormat()
    {
        string dir = Path.Combine(chat.Root, "scan-plain");
        CliResult refused = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir, "--templates", "builtin:repeat", "--tokens", "0-31", "--no-harvest", "--no-analyze");
        Assert.Equal(2, refused.ExitCode);
        Assert.Single(refused.StdErr.Trim().Split('\n'));
        Assert.Contains("'repeat' is a chat template and the model has no chat template", refused.StdErr, StringComparison.Ordinal);

        CliResult named = CliProcess.Run("scan", "--model", TestPaths.DefaultModel, "--out", dir, "--templates", "builtin:repeat", "--chat-template", "llama2",
            "--tokens", "0-31", "--no-harvest", "--no-analyze", "--threads", "2");
        Assert.True(named.ExitCode == 0, named.StdErr);
        Assert.Equal("llama2", RunInfo.Read(Path.Combine(dir, ScanOutputs.RunFile)).Templates[0].ChatFormat);

        CliResult wrong = CliProcess.Run("prompt", "--model", TestPaths.DefaultModel, "--template", "builtin:repeat", "--chat-template", "nope", "--token", "5");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--chat-template: 'nope' is not one of llama.cpp's chat templates (", wrong.StdErr, StringComparison.Ordinal);
        Assert.Contains("chatml", wrong.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void PromptShowsEachPositionsRole()
    {
        CliResult result = CliProcess.Run("prompt", "--model", chat.Path, "--template", "builtin:repeat", "--token", "345", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using JsonDocument json = JsonDocument.Parse(result.StdOut);
        JsonElement probe = json.RootElement[0];
        Assert.Equal("repeat", probe.GetProperty("template").GetString());
        var roles = probe.GetProperty("positions").EnumerateArray().Select(p => p.GetProperty("role").GetString()).ToList();
        Assert.Equal("prefix", roles[0]);
        Assert.Single(roles, r => r == "token");
        Assert.Equal("suffix, answer", roles[^1]);
        int slot = roles.IndexOf("token");
        Assert.Equal(345, probe.GetProperty("positions")[slot].GetProperty("id").GetInt32());

        CliResult text = CliProcess.Run("prompt", "--model", chat.Path, "--template", "builtin:repeat", "--token", "345");
        Assert.Contains("rendered with the model's chat format", text.StdOut, StringComparison.Ordinal);
    }

    private static string ChatMl() => ChatModel.ChatMl;

    // llama.cpp's own rendering, called directly: the reference the probe must match.
    private static unsafe string ApplyDirectly(string template, string user)
    {
        byte[] tmpl = Encoding.UTF8.GetBytes(template + "\0"), role = "user\0"u8.ToArray(), content = Encoding.UTF8.GetBytes(user + "\0");
        byte[] output = new byte[4096];
        fixed (byte* t = tmpl, r = role, c = content, o = output)
        {
            var message = new LLamaChatMessage { role = r, content = c };
            int n = NativeApi.llama_chat_apply_template(t, &message, 1, true, o, output.Length);
            Assert.InRange(n, 1, output.Length);
            return Encoding.UTF8.GetString(output, 0, n);
        }
    }

    private static string Spell(Vocabulary vocabulary, ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder();
        foreach (int id in ids) text.Append(Encoding.UTF8.GetString(vocabulary.TokenToPiece(id, special: true)));
        return text.ToString();
    }
}
