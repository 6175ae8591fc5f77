using System.Text.Json;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

public sealed class InspectTests
{
    [Fact]
    public void LlamaSpmVocabularyIs32000SpmTokens()
    {
        CliResult r = CliProcess.Run("inspect", "--model", Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf"), "--json");
        Assert.Equal(0, r.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        JsonElement root = doc.RootElement;
        Assert.Equal(32000, root.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal("SPM", root.GetProperty("vocabulary_type").GetString());
        Assert.Equal(0, root.GetProperty("tensors").GetArrayLength());
        Assert.Contains(root.GetProperty("special_tokens").EnumerateArray(),
            s => s.GetProperty("role").GetString() == "bos" && s.GetProperty("id").GetInt32() == 1 && s.GetProperty("text").GetString() == "<s>");
    }

    [Fact]
    public void EmbeddedModelReportsItsShapeAndTensors()
    {
        CliResult r = CliProcess.Run("inspect", "--json");
        Assert.Equal(0, r.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        JsonElement root = doc.RootElement;
        Assert.Equal("llama", root.GetProperty("architecture").GetString());
        Assert.Equal(512, root.GetProperty("context_length").GetInt64());
        Assert.Equal(512, root.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal("all F32", root.GetProperty("file_type").GetString());
        Assert.InRange(root.GetProperty("parameter_count").GetInt64(), 250_000, 270_000);
        JsonElement embd = root.GetProperty("tensors").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "token_embd.weight");
        Assert.Equal([64L, 512L], embd.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void TextOutputNamesTheEssentials()
    {
        CliResult r = CliProcess.Run("inspect", "--model", Path.Combine(TestPaths.VocabDir, "ggml-vocab-gpt-2.gguf"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("50257 tokens, type BPE", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("metadata (", r.StdOut, StringComparison.Ordinal);
    }
}
