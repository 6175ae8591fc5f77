using System.Text;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using static AnomalyProbe.Analysis.Tests.Tokenizers.TokenizerSamples;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

public sealed class CorpusComparisonTests
{
    private static byte[][] Split(params string[] pieces) => pieces.Select(Encoding.UTF8.GetBytes).ToArray();

    private static TextTokenization T(string kind, string name, string[] a, string[] b) =>
        new(new CorpusText(kind, name, string.Concat(a)), Split(a), Split(b));

    [Fact]
    public void CountsTokensPerCharacterAndIdenticalTexts()
    {
        CorpusComparison c = CorpusComparison.Compute("sample",
        [
            T("english", "same", ["The", " cat"], ["The", " cat"]),
            T("english", "split", ["The", " cat"], ["The", " ", "cat"]),
            T("emoji", "wave", ["\U0001F44B"], ["\xF0\x9F", "\x91\x8B"]),
        ]);

        Assert.Equal([true, false, false], c.Texts.Select(t => t.Identical));
        Assert.Equal(["english", "emoji"], c.Kinds.Select(k => k.Kind));
        CorpusTotals english = c.Kinds[0];
        Assert.Equal((2, 14, 4, 5, 1), (english.Texts, english.Characters, english.TokensA, english.TokensB, english.Identical));
        Assert.Equal(4 / 14.0, english.TokensPerCharA, 12);
        Assert.Equal(1, c.Texts[2].Characters);   // one emoji is one character
        Assert.Equal(1 / 3.0, c.Overall.IdenticalShare, 12);
        // "The| |cat" vs "The| cat": ends {3, 7} vs {3, 4, 7}.
        Assert.Equal(2 / 3.0, c.Texts[1].BoundaryAgreement, 12);
        Assert.Equal(["split", "wave"], c.MostDifferent(5).Select(t => t.Text.Name).Order());
        Assert.Equal("The· ·cat", c.Texts[1].SplitB);
    }

    [Fact]
    public void SelfComparisonIsIdenticalEverywhere()
    {
        CorpusComparison c = CorpusComparison.Compute("s", [T("code", "x", ["a", "b"], ["a", "b"]), T("code", "empty", [], [])]);
        Assert.All(c.Texts, t => Assert.True(t.Identical));
        Assert.All(c.Texts, t => Assert.Equal(1, t.BoundaryAgreement));
        Assert.Empty(c.MostDifferent(5));
    }

    [Fact]
    public void CompareSummaryReportsStatusesConsistencyAndCorpus()
    {
        VocabularyDiff diff = VocabularyMatcher.Match(Spm(), Bpe());
        var report = new ComparisonResult
        {
            A = new VocabularyDescription { Path = "a.gguf", SizeBytes = 1, Sha256 = "aa", TokenizerType = "SPM", TokenCount = Spm().Count, PreTokenizer = null },
            B = new VocabularyDescription { Path = "b.gguf", SizeBytes = 1, Sha256 = "bb", TokenizerType = "BPE", TokenCount = Bpe().Count, PreTokenizer = "gpt-2",
                SpecialTokens = [new SpecialTokenRole("eos", 5, "<|endoftext|>")] },
            Diff = diff,
            Corpora = [CorpusComparison.Compute("the built-in sample", [T("english", "split", ["The", " cat"], ["The", " ", "cat"])],
                [new SkippedText(new CorpusText("emoji", "zwj", "x"), "B would abort")])],
            Tool = new ToolInfo("anomalyprobe", "0"),
            LlamaCpp = "v",
        };
        var writer = new StringWriter();
        CompareMd.Write(writer, report);
        string md = writer.ToString();

        Assert.Contains("Matched by **decoded bytes**", md, StringComparison.Ordinal);
        foreach (MatchStatus s in Enum.GetValues<MatchStatus>())
            Assert.Contains($"| {CompareRow.StatusName(s)} | {diff.Count(s)} |", md, StringComparison.Ordinal);
        Assert.Contains($"(A has {Spm().Count})", md, StringComparison.Ordinal);
        Assert.Contains("| pre-tokenizer | - (llama.cpp default) | gpt-2 |", md, StringComparison.Ordinal);
        Assert.Contains("| eos | - | 5 `<\\|endoftext\\|>` | **changed** |", md, StringComparison.Ordinal);
        Assert.Contains("**Collisions**", md, StringComparison.Ordinal);
        Assert.Contains("Skipped 1 texts (B would abort): emoji/zwj.", md, StringComparison.Ordinal);
        Assert.Contains("| english/split | 2 | 3 |", md, StringComparison.Ordinal);
    }
}
