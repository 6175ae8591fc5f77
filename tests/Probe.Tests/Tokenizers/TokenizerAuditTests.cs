using System.Text;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Tests.Tokenizers;

/// <summary>The audit on llama.cpp's real vocab-only files (../shared/vocab).</summary>
public sealed class TokenizerAuditTests
{
    // Audits are shared by the tests of this class (the larger vocabularies take seconds).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<IReadOnlyList<AuditRecord>>> s_audits = new();

    private static IReadOnlyList<AuditRecord> Audit(string file) => s_audits.GetOrAdd(file, f => new(() =>
    {
        using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.VocabDir, f), vocabOnly: true);
        return TokenizerAudit.Run(model.Vocabulary);
    })).Value;

    private static Dictionary<TokenCategory, int> Counts(IReadOnlyList<AuditRecord> records) =>
        AuditMd.CountCategories(records).ToDictionary();

    public static TheoryData<string> VocabFiles() =>
        new(Directory.GetFiles(TestPaths.VocabDir, "*.gguf").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!);

    [Fact]
    public void LlamaSpmCategories()
    {
        IReadOnlyList<AuditRecord> records = Audit("ggml-vocab-llama-spm.gguf");

        Assert.Equal(32000, records.Count);
        var expected = new Dictionary<TokenCategory, int>
        {
            [TokenCategory.ByteFallback] = 256,
            [TokenCategory.Unused] = 0,
            [TokenCategory.Special] = 3,
            [TokenCategory.Unreachable] = 0,
            [TokenCategory.PartialUtf8] = 0,
            [TokenCategory.Normal] = 31741,
        };
        Assert.Equal(expected, Counts(records));
        // <unk>, <s>, </s> are special; the 256 <0xNN> tokens (ids 3..258) are byte-fallback, round trip or not.
        Assert.Equal(["<unk>", "<s>", "</s>"], records.Where(r => r.Category == TokenCategory.Special).Select(r => r.Text));
        var bytes = records.Where(r => r.Category == TokenCategory.ByteFallback).ToList();
        Assert.Equal(Enumerable.Range(3, 256), bytes.Select(r => r.TokenId));
        Assert.All(bytes, r => Assert.Equal($"<0x{r.TokenId - 3:X2}>", r.Text));
        Assert.All(bytes, r => Assert.Equal([(byte)(r.TokenId - 3)], r.Bytes.ToArray()));
        Assert.Contains(bytes, r => !r.RoundTrip);
        // The tokenizer trap, neutralised: every normal SentencePiece token round-trips.
        Assert.All(records.Where(r => r.TokenType == TokenType.Normal), r => Assert.True(r.RoundTrip, $"{r.TokenId} {r.Text}"));
        // Byte tokens for bytes that never occur in UTF-8 are unreachable; <0x41> is shadowed by "A".
        Assert.False(records[3 + 0xFF].Reachable);
        Assert.False(records[3 + 0x41].Reachable);
        Assert.Equal(29909, records[3 + 0x41].DuplicateOf);
        Assert.Equal(3 + 0x41, records[29909].DuplicateOf);
    }

    [Fact]
    public void Gpt2RoundTripFailsOnlyWhereTheAuditExplainsIt()
    {
        IReadOnlyList<AuditRecord> records = Audit("ggml-vocab-gpt-2.gguf");
        var normal = records.Where(r => r.TokenType == TokenType.Normal).ToList();
        Assert.Equal(50256, normal.Count);

        // The explained set: pieces that are not UTF-8 on their own cannot come back from their own
        // bytes (byte-level BPE reads them as U+FFFD). Every other normal token round-trips.
        var failed = normal.Where(r => !r.RoundTrip).Select(r => r.TokenId).ToHashSet();
        var explained = normal.Where(r => r.Utf8 != Utf8Status.Valid).Select(r => r.TokenId).ToHashSet();
        Assert.Equal(explained, failed);
        Assert.Equal(344, failed.Count);

        // 331 partial pieces are reachable inside a completed character; the 13 bytes that never occur
        // in UTF-8 (C0, C1, F5-FF) are unreachable.
        var partial = normal.Where(r => r.Utf8 == Utf8Status.Partial).ToList();
        Assert.Equal(331, partial.Count);
        Assert.All(partial, r => Assert.True(r.Reachable && r.Category == TokenCategory.PartialUtf8, $"{r.TokenId} {r.Piece}"));
        var invalid = normal.Where(r => r.Utf8 == Utf8Status.Invalid).ToList();
        Assert.Equal(new byte[] { 0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF }, invalid.Select(r => r.Bytes.Span[0]).Order());
        Assert.All(invalid, r => Assert.Equal(TokenCategory.Unreachable, r.Category));

        var expected = new Dictionary<TokenCategory, int>
        {
            [TokenCategory.ByteFallback] = 0,
            [TokenCategory.Unused] = 0,
            [TokenCategory.Special] = 1,
            [TokenCategory.Unreachable] = 13,
            [TokenCategory.PartialUtf8] = 331,
            [TokenCategory.Normal] = 49912,
        };
        Assert.Equal(expected, Counts(records));
        Assert.Equal("<|endoftext|>", records.Single(r => r.Category == TokenCategory.Special).Text);
    }

    /// <summary>
    /// Magikarp's published gpt2 row (Land &amp; Bartolo 2024, their tokenizer table) is the yardstick:
    /// 1 special, 256 bytes, 0 unreachable, 216 partial UTF-8. A SentencePiece vocabulary's bytes are
    /// its 256 byte-fallback tokens, not its one-character pieces.
    /// </summary>
    [Fact]
    public void MagikarpComparableCountsMatchTheirPublishedGpt2Row()
    {
        var gpt2 = AuditMd.CountMagikarp(Audit("ggml-vocab-gpt-2.gguf"));
        Assert.Equal((1, 256, 0, 216), (gpt2[MagikarpCategory.Special], gpt2[MagikarpCategory.Bytes], gpt2[MagikarpCategory.Unreachable], gpt2[MagikarpCategory.PartialUtf8]));
        var spm = AuditMd.CountMagikarp(Audit("ggml-vocab-llama-spm.gguf"));
        Assert.Equal((3, 256, 0, 0), (spm[MagikarpCategory.Special], spm[MagikarpCategory.Bytes], spm[MagikarpCategory.Unreachable], spm[MagikarpCategory.PartialUtf8]));
    }

    [Fact]
    public void Phi3AddsSpecialAndReservedTokens()
    {
        IReadOnlyList<AuditRecord> records = Audit("ggml-vocab-phi-3.gguf");
        var counts = Counts(records);
        Assert.Equal((256, 59, 8, 31741), (counts[TokenCategory.ByteFallback], counts[TokenCategory.Unused], counts[TokenCategory.Special], counts[TokenCategory.Normal]));
        Assert.Equal(TokenCategory.Unused, records[32002].Category);   // <|placeholder1|>, a control token
        Assert.Equal(TokenCategory.Unused, records[32011].Category);   // [PAD32011]
        Assert.Equal(TokenCategory.Special, records[32007].Category);  // <|end|>
    }

    [Theory]
    [MemberData(nameof(VocabFiles))]
    public void EveryVocabularyCompletes(string file)
    {
        IReadOnlyList<AuditRecord> records = Audit(file);

        using (var gguf = AnomalyProbe.Probe.Gguf.GgufFile.Open(Path.Combine(TestPaths.VocabDir, file)))
        {
            Assert.Equal(Enumerable.Range(0, gguf.TokenCount!.Value), records.Select(r => r.TokenId));
        }
        foreach (AuditRecord r in records)
        {
            if (r.TokenType == TokenType.Byte) Assert.Equal(TokenCategory.ByteFallback, r.Category);
            if (r.TokenType == TokenType.Control) Assert.NotEqual(TokenCategory.Unreachable, r.Category);
            if (r.RoundTrip) Assert.Empty(r.RoundTripIds);
            if (r.Reachable) Assert.NotEqual("", r.ReachableVia);
            // A round trip only proves reachability for valid text.
            if (r.ReachableVia == "roundtrip") Assert.Equal(Utf8Status.Valid, r.Utf8);
            if (r.DuplicateOf is int d) Assert.True(records[d].Bytes.Span.SequenceEqual(r.Bytes.Span) && d != r.TokenId);
        }
        // Most of every vocabulary is ordinary, reachable text (WordPiece and Unigram included).
        Assert.True(records.Count(r => r.Reachable) > 0.9 * records.Count, $"{file}: {records.Count(r => r.Reachable)} of {records.Count} reachable");
    }

    [Fact]
    public void WordPieceAndUnigramNeedNeighbourContexts()
    {
        // Their word-internal pieces never come back alone: found after a digit or a letter.
        foreach (string file in new[] { "ggml-vocab-bert-bge.gguf", "ggml-vocab-nomic-bert-moe.gguf" })
        {
            IReadOnlyList<AuditRecord> records = Audit(file);
            Assert.Contains(records, r => r.ReachableVia == "1{}");
            Assert.All(records.Where(r => r.TokenType == TokenType.Normal && !r.RoundTrip && r.Reachable), r => Assert.NotEqual("roundtrip", r.ReachableVia));
        }
    }

    [Fact]
    public void DeepseekUserDefinedTokensShadowNormalOnes()
    {
        // The user-defined "ú" (32007) is matched before BPE, so the normal "Ãº" (1601) never appears.
        IReadOnlyList<AuditRecord> records = Audit("ggml-vocab-deepseek-coder.gguf");
        Assert.Equal((TokenCategory.Unreachable, 32007), (records[1601].Category, records[1601].DuplicateOf));
        Assert.Equal([32007], records[1601].RoundTripIds);
        Assert.Equal(TokenType.UserDefined, records[32007].TokenType);
    }

    [Fact]
    public void AttributeNamesAreSnakeCaseJoinedByPipes()
    {
        Assert.Equal("control|rstrip", TokenAttributeNames.Join(TokenAttributes.Control | TokenAttributes.RStrip));
        Assert.Equal("", TokenAttributeNames.Join(TokenAttributes.None));
        Assert.Equal("user_defined|single_word", TokenAttributeNames.Join(TokenAttributes.UserDefined | TokenAttributes.SingleWord));
    }

    [Fact]
    public void ResultDoesNotDependOnThreads()
    {
        using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.ModelsDir, "stories260K.gguf"), vocabOnly: true);
        Assert.Equal(TokenizerAudit.Run(model.Vocabulary, threads: 1), TokenizerAudit.Run(model.Vocabulary, threads: ThreadCount.Available));
        Assert.Equal(Encoding.UTF8.GetBytes("<s>"), TokenizerAudit.Run(model.Vocabulary)[1].Bytes.ToArray());
    }
}
