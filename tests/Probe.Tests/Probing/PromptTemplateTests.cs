using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>The built-in templates are the repository's prompts/*.txt, compiled in.</summary>
public sealed class PromptTemplateTests
{
    [Fact]
    public void TheBuiltInTemplatesAreThePromptFiles()
    {
        var files = PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")]);
        Assert.Equal(files.Select(t => (t.Name, t.Text)), PromptTemplate.BuiltIn.Select(t => (t.Name, t.Text)));
        Assert.Equal(["chat", "completion", "induction"], PromptTemplate.BuiltIn.Select(t => t.Name));
        Assert.All(PromptTemplate.BuiltIn, t => Assert.Equal("", t.SourcePath));
    }

    [Fact]
    public void OneBuiltInTemplateByName()
    {
        var one = PromptTemplate.LoadAll(["builtin:induction", Path.Combine(TestPaths.RepoRoot, "prompts", "chat.txt")]);
        Assert.Equal(["induction", "chat"], one.Select(t => t.Name));
        var e = Assert.Throws<InputException>(() => PromptTemplate.LoadAll(["builtin:missing"]));
        Assert.Equal("templates", e.Parameter);
    }
}
