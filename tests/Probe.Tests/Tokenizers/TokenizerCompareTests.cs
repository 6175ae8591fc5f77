using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Tests.Tokenizers;

/// <summary>The comparison on real vocabularies (../shared/vocab, ../shared/models).</summary>
public sealed class TokenizerCompareTests
{
    private static string Vocab(string name) => Path.Combine(TestPaths.VocabDir, $"ggml-vocab-{name}.gguf");

    private static string Model(string name) => Path.Combine(TestPaths.ModelsDir, $"{name}.gguf");

    private static ComparisonResult Compare(string a, string b) => TokenizerComparison.Run(new CompareRequest(a, b));

    // gpt-2 vs gpt-neox takes seconds (neox has no pre-tokenizer name: llama.cpp's std::regex path); two tests share it.
    private static readonly Lazy<ComparisonResult> s_gpt2Neox = new(() => Compare(Vocab("gpt-2"), Vocab("gpt-neox")));

    private static void AssertConsistent(ComparisonResult report)
    {
        VocabularyDiff d = report.Diff;
        int shared = d.Count(MatchStatus.SharedSameId) + d.Count(MatchStatus.SharedMoved);
        Assert.Equal(report.A.TokenCount, shared + d.Count(MatchStatus.OnlyA));
        Assert.Equal(report.B.TokenCount, shared + d.Count(MatchStatus.OnlyB));
        Assert.Equal(Enumerable.Range(0, report.A.TokenCount), d.Rows.Where(r => r.A is not null).Select(r => r.A!.Id).Order());
        Assert.Equal(Enumerable.Range(0, report.B.TokenCount), d.Rows.Where(r => r.B is not null).Select(r => r.B!.Id).Order());
    }

    [Fact]
    public void Phi3KeepsLlamaAndAddsItsOwn64Tokens()
    {
        ComparisonResult report = Compare(Vocab("llama-spm"), Vocab("phi-3"));
        VocabularyDiff d = report.Diff;

        Assert.Equal(MatchKey.Text, d.Key);
        Assert.Equal(32000, d.Count(MatchStatus.SharedSameId));
        Assert.Equal(Enumerable.Range(0, 32000), d.Rows.Where(r => r.Status == MatchStatus.SharedSameId).Select(r => r.A!.Id));
        Assert.Equal(0, d.Count(MatchStatus.SharedMoved));
        Assert.Equal(0, d.Count(MatchStatus.OnlyA));
        Assert.Equal(Enumerable.Range(32000, 64), d.Rows.Where(r => r.Status == MatchStatus.OnlyB).Select(r => r.B!.Id));
        AssertConsistent(report);
        // Same merges, same splits.
        Assert.All(report.Corpora[0].Texts, t => Assert.True(t.Identical, t.Text.Name));
    }

    [Theory]
    [InlineData("gpt-2", "gpt-neox", true)]
    [InlineData("stories260K", "aidreams260K", false)]
    public void CountsAreConsistent(string a, string b, bool vocabDir)
    {
        ComparisonResult report = (a, vocabDir) == ("gpt-2", true) && b == "gpt-neox" ? s_gpt2Neox.Value : vocabDir ? Compare(Vocab(a), Vocab(b)) : Compare(Model(a), Model(b));
        AssertConsistent(report);
        Assert.Equal(MatchKey.Text, report.Diff.Key);
        Assert.True(report.Diff.Count(MatchStatus.SharedMoved) > 0);
        Assert.True(report.Diff.Count(MatchStatus.OnlyA) > 0 && report.Diff.Count(MatchStatus.OnlyB) > 0);
    }

    [Fact]
    public void Gpt2AndNeoxNumbers()
    {
        VocabularyDiff d = s_gpt2Neox.Value.Diff;
        Assert.Equal((63, 36875, 13319, 13494), (d.Count(MatchStatus.SharedSameId), d.Count(MatchStatus.SharedMoved), d.Count(MatchStatus.OnlyA), d.Count(MatchStatus.OnlyB)));
        // <|endoftext|> moved from 50256 to 0.
        CompareRow eot = d.Rows.Single(r => r.A?.Text == "<|endoftext|>");
        Assert.Equal((50256, 0), (eot.A!.Id, eot.B!.Id));
    }

    [Fact]
    public void SentencePieceAgainstByteLevelBpeMatchesByBytes()
    {
        ComparisonResult report = Compare(Vocab("llama-spm"), Vocab("gpt-2"));
        VocabularyDiff d = report.Diff;

        Assert.Equal(MatchKey.Bytes, d.Key);
        Assert.True(d.Spelling.SpaceMarksDiffer);
        AssertConsistent(report);
        // " the" is ▁the in one and Ġthe in the other.
        CompareRow the = d.Rows.Single(r => r.A?.Text == "\u2581the");
        Assert.Equal("\u0120the", the.B!.Text);
        // "A" is both <0x41> and "A" in llama-spm: both kept, flagged.
        var a = d.Rows.Where(r => r.Piece == "A").ToList();
        Assert.Equal(2, a.Count);
        Assert.All(a, r => Assert.True(r.Collision));
        Assert.Equal("A", a.Single(r => r.B is not null).A!.Text);
        Assert.Equal(96, d.Rows.Where(r => r.Collision).GroupBy(r => r.BytesHex).Count());
    }

    [Fact]
    public void AVocabularyComparedWithItselfIsAllSharedAndIdentical()
    {
        ComparisonResult report = Compare(Vocab("llama-spm"), Vocab("llama-spm"));
        Assert.All(report.Diff.Rows, r => Assert.Equal(MatchStatus.SharedSameId, r.Status));
        Assert.Equal(32000, report.Diff.Rows.Count);
        Assert.All(report.Corpora[0].Texts, t => Assert.True(t.Identical && t.BoundaryAgreement == 1, t.Text.Name));
        Assert.Equal(1.0, report.Corpora[0].Overall.IdenticalShare);
        Assert.Equal(report.Corpora[0].Overall.TokensPerCharA, report.Corpora[0].Overall.TokensPerCharB);
    }

    [Fact]
    public void BuiltInSampleCoversEveryKindAndScript()
    {
        Assert.Equal(["english", "code", "multilingual", "emoji"], CorpusSample.Texts.Select(t => t.Kind).Distinct());
        string all = string.Concat(CorpusSample.Texts.Select(t => t.Text));
        foreach (var (name, first, last) in new[] { ("CJK", 0x4E00, 0x9FFF), ("Arabic", 0x0600, 0x06FF), ("Cyrillic", 0x0400, 0x04FF), ("Devanagari", 0x0900, 0x097F), ("emoji", 0x1F300, 0x1FAFF) })
        {
            Assert.True(all.EnumerateRunes().Any(r => r.Value >= first && r.Value <= last), name);
        }
        Assert.Contains("\u200D", all, StringComparison.Ordinal);   // ZWJ sequences
    }

    [Fact]
    public void UserCorpusIsSplitIntoParagraphs()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "first line\nsame paragraph\r\n\r\n\n  \nsecond\n");
            var texts = CorpusFile.Load(path);
            Assert.Equal(["first line\nsame paragraph", "second"], texts.Select(t => t.Text));
            Assert.Equal("paragraph 2 (line 6)", texts[1].Name);
            ComparisonResult report = TokenizerComparison.Run(new CompareRequest(Model("stories260K"), Model("aidreams260K"), CorpusPath: path));
            Assert.Equal(2, report.Corpora.Count);
            Assert.Equal(2, report.Corpora[1].Texts.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
