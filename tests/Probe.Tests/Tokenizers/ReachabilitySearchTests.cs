using System.Buffers;
using System.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Tests.Tokenizers;

public sealed class ReachabilitySearchTests
{
    [Theory]
    [InlineData(new byte[] { 0x61 }, true, 0, -1, 0)]
    [InlineData(new byte[] { 0xE2, 0x80 }, true, 0, 0, 3)]          // a character's start
    [InlineData(new byte[] { 0x99, 0x61 }, true, 1, -1, 0)]         // a character's end, then "a"
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80 }, false, 4, -1, 0)]
    [InlineData(new byte[] { 0xFF }, false, 0, -1, 0)]
    [InlineData(new byte[] { 0xC0 }, false, 0, -1, 0)]
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F }, true, 0, 1, 4)]
    public void ShapesOfBytes(byte[] bytes, bool canOccur, int leading, int trailingStart, int trailingLength)
    {
        Utf8Shape shape = Utf8Shape.Of(bytes);
        Assert.Equal((canOccur, leading), (shape.CanOccur, shape.Leading));
        if (canOccur) Assert.Equal((trailingStart, trailingLength), (shape.TrailingStart, shape.TrailingLength));
    }

    [Theory]
    [InlineData(new byte[] { 0xE2, 0x80 })]              // needs one byte after: 64 completions
    [InlineData(new byte[] { 0xF0 })]                     // needs three after: sampled
    [InlineData(new byte[] { 0x80 })]                     // inside a character
    [InlineData(new byte[] { 0x9F, 0x98 })]               // inside a 4-byte character
    [InlineData(new byte[] { 0x99, 0x20, 0xE4, 0xB8 })]   // an end, a space, a start
    public void CompletionsAreValidUtf8WithinTheBudget(byte[] bytes)
    {
        var completions = ReachabilitySearch.Completions(bytes, Utf8Shape.Of(bytes));
        Assert.InRange(completions.Count, 1, ReachabilitySearch.MaxCompletions);
        Assert.Equal(completions.Count, completions.Select(c => Convert.ToHexString([.. c.Prefix, 0, .. c.Suffix])).Distinct().Count());
        foreach (var (prefix, suffix) in completions)
        {
            byte[] text = [.. prefix, .. bytes, .. suffix];
            Assert.Equal(OperationStatus.Done, Rune.DecodeFromUtf8(text, out _, out _));
            Assert.True(Encoding.UTF8.GetString(text).Length > 0 && new UTF8Encoding(false, true).GetByteCount(Encoding.UTF8.GetString(text)) == text.Length);
        }
    }

    [Fact]
    public void CompletionsCoverEveryValueOfTheFirstMissingByte()
    {
        byte[] lead = [0xE4];
        var seconds = ReachabilitySearch.Completions(lead, Utf8Shape.Of(lead)).Select(c => c.Suffix[0]).ToHashSet();
        Assert.Equal(64, seconds.Count);
    }

    [Fact]
    public void GuardKeepsAbortingTextsAwayFromSentencePieceWithoutByteTokens()
    {
        // poem-zh has no <0xNN> tokens: llama.cpp would abort on a character it lacks.
        using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.ModelsDir, "poem-zh.gguf"), vocabOnly: true);
        var tokenizer = new ContinuationTokenizer(model.Vocabulary);
        Assert.Null(tokenizer.AtStart("hello"u8));
        Assert.Null(tokenizer.Tokenize("\U0001F600"u8.ToArray()));
        int[]? poem = tokenizer.AtStart(Encoding.UTF8.GetBytes("\u6625\u98ce"));   // 春风
        Assert.NotNull(poem);
        Assert.NotEmpty(poem);

        using LlamaModel spm = LlamaModel.Load(Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf"), vocabOnly: true);
        Assert.False(SpmAbortGuard.For(spm.Vocabulary).IsActive);
        Assert.True(SpmAbortGuard.For(model.Vocabulary).IsActive);
    }

    [Fact]
    public void ContinuationDropsTheSentencePieceLeadingSpace()
    {
        using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf"), vocabOnly: true);
        var tokenizer = new ContinuationTokenizer(model.Vocabulary);
        int the = Enumerable.Range(0, model.Vocabulary.Count).Single(id => model.Vocabulary.GetText(id) == "\u2581the");
        Assert.Equal([the], tokenizer.Tokenize(" the"u8.ToArray())!);
        Assert.NotEqual([the], model.Vocabulary.Tokenize(" the", addSpecial: false));   // the trap: at the start it gains a space
        Assert.Empty(tokenizer.Tokenize([])!);
    }
}
