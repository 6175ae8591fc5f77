using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>Template files: the built-ins are the repository's prompts/*.txt, compiled in; chat templates parse into a user message and an answer start.</summary>
public sealed class PromptTemplateTests
{
    [Fact]
    public void TheBuiltInTemplatesAreThePromptFiles()
    {
        var files = PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")], chatAvailable: true);
        Assert.Equal(files.Select(t => (t.Name, t.Text, t.IsChat)), PromptTemplate.BuiltIn.Select(t => (t.Name, t.Text, t.IsChat)));
        Assert.Equal(["chat", "completion", "echo", "induction", "repeat"], PromptTemplate.BuiltIn.Select(t => t.Name));
        Assert.Equal(["echo", "repeat"], PromptTemplate.BuiltIn.Where(t => t.IsChat).Select(t => t.Name));
        Assert.All(PromptTemplate.BuiltIn, t => Assert.Equal("", t.SourcePath));
    }

    [Fact]
    public void OneBuiltInTemplateByName()
    {
        var one = PromptTemplate.LoadAll(["builtin:induction", Path.Combine(TestPaths.RepoRoot, "prompts", "chat.txt")], chatAvailable: false);
        Assert.Equal(["induction", "chat"], one.Select(t => t.Name));
        var e = Assert.Throws<InputException>(() => PromptTemplate.LoadAll(["builtin:missing"], chatAvailable: false));
        Assert.Equal("templates", e.Parameter);
    }

    [Fact]
    public void TheDefaultSetDependsOnTheChatFormat()
    {
        Assert.Equal(["echo", "repeat", "completion"], PromptTemplate.LoadAll([PromptTemplate.AutoSpec], chatAvailable: true).Select(t => t.Name));
        Assert.Equal(["completion", "induction"], PromptTemplate.LoadAll([PromptTemplate.AutoSpec], chatAvailable: false).Select(t => t.Name));
        // 'builtin' is every built-in the model can take.
        Assert.Equal(["chat", "completion", "induction"], PromptTemplate.LoadAll([PromptTemplate.BuiltInSpec], chatAvailable: false).Select(t => t.Name));
        Assert.Equal(5, PromptTemplate.LoadAll([PromptTemplate.BuiltInSpec], chatAvailable: true).Count);
    }

    [Fact]
    public void AChatTemplateIsAUserMessageAndTheAnswersStart()
    {
        var t = PromptTemplate.Parse("repeat", "Say \"{token}\" twice.\r\n---assistant---\r\nSure: \"\n", chat: true);
        Assert.True(t.IsChat);
        Assert.Equal(("Say \"", "\" twice."), (t.Prefix, t.Suffix));
        Assert.Equal("Sure: \"", t.AssistantStart);

        // The answer may start right at the assistant's turn.
        Assert.Equal("", PromptTemplate.Parse("bare", "{token}\n---assistant---", chat: true).AssistantStart);
    }

    [Theory]
    [InlineData("Say {token}.", "has no line ---assistant---")]
    [InlineData("Say it.\n---assistant---\n{token}", "slot in the answer")]
    [InlineData("Say {token} {token}.\n---assistant---\nOk", "has 2 {token} slots")]
    public void ABadChatTemplateIsRefusedWithItsReason(string text, string expected)
    {
        var e = Assert.Throws<InputException>(() => PromptTemplate.Parse("bad", text, "bad.chat.txt", chat: true));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChatFileIsNamedWithoutItsDoubleExtension()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "spell_it.chat.txt"), "Spell {token}.\n---assistant---\n");
            PromptTemplate t = PromptTemplate.Load(Path.Combine(dir, "spell_it.chat.txt"));
            Assert.Equal("spell_it", t.Name);
            Assert.True(t.IsChat);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
