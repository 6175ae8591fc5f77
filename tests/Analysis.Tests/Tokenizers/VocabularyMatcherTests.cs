using System.Text;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using static AnomalyProbe.Analysis.Tests.Tokenizers.TokenizerSamples;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

public sealed class VocabularyMatcherTests
{
    private static CompareRow RowA(VocabularyDiff diff, int idA) => diff.Rows.Single(r => r.A?.Id == idA);

    private static void AssertConsistent(VocabularyDiff diff, List<VocabularyEntry> a, List<VocabularyEntry> b)
    {
        int shared = diff.Count(MatchStatus.SharedSameId) + diff.Count(MatchStatus.SharedMoved);
        Assert.Equal(a.Count, shared + diff.Count(MatchStatus.OnlyA));
        Assert.Equal(b.Count, shared + diff.Count(MatchStatus.OnlyB));
        Assert.Equal(a.Select(e => e.Id).Order(), diff.Rows.Where(r => r.A is not null).Select(r => r.A!.Id).Order());
        Assert.Equal(b.Select(e => e.Id).Order(), diff.Rows.Where(r => r.B is not null).Select(r => r.B!.Id).Order());
    }

    [Fact]
    public void SameSpellingMatchesByTextWithEveryStatus()
    {
        List<VocabularyEntry> a = Spm();
        List<VocabularyEntry> b =
        [
            Entry(0, "<unk>", "<unk>", "unknown", TokenCategory.Special),
            Entry(1, "<s>", "<s>", "control", TokenCategory.Special),
            Entry(2, "<0x41>", "A", "byte", TokenCategory.ByteFallback),
            Entry(3, "<0x0A>", "\n", "byte", TokenCategory.ByteFallback),
            Entry(4, "▁cat", " cat"),          // moved from 5
            Entry(5, "▁the", " the"),          // moved from 4
            Entry(6, "A", "A"),
            Entry(7, "▁dog", " dog"),          // new
        ];

        VocabularyDiff diff = VocabularyMatcher.Match(a, b);

        Assert.Equal(MatchKey.Text, diff.Key);
        Assert.Equal("▁", diff.Spelling.SpaceMarkA);
        Assert.Equal(1.0, diff.Spelling.Agreement);
        Assert.Equal(MatchStatus.SharedSameId, RowA(diff, 0).Status);
        Assert.Equal(MatchStatus.SharedMoved, RowA(diff, 4).Status);
        Assert.Equal(5, RowA(diff, 4).B!.Id);
        Assert.Equal(MatchStatus.OnlyA, RowA(diff, 7).Status);
        Assert.Equal(MatchStatus.OnlyB, diff.Rows.Single(r => r.B?.Id == 7).Status);
        Assert.Equal([5, 2, 1, 1], new[] { MatchStatus.SharedSameId, MatchStatus.SharedMoved, MatchStatus.OnlyA, MatchStatus.OnlyB }.Select(diff.Count));
        Assert.All(diff.Rows, r => Assert.False(r.Collision));
        AssertConsistent(diff, a, b);
        // A's ids in order, then B's new ids.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, -1], diff.Rows.Select(r => r.A?.Id ?? -1));
    }

    [Fact]
    public void DifferentSpaceMarksMatchByBytesAndKeepCollisions()
    {
        List<VocabularyEntry> a = Spm(), b = Bpe();

        VocabularyDiff diff = VocabularyMatcher.Match(a, b);

        Assert.Equal(MatchKey.Bytes, diff.Key);
        Assert.True(diff.Spelling.SpaceMarksDiffer);
        Assert.Equal(("▁", "Ġ"), (diff.Spelling.SpaceMarkA, diff.Spelling.SpaceMarkB));
        Assert.Contains("'▁' vs 'Ġ'", diff.Reason, StringComparison.Ordinal);
        // " the" is spelled ▁the and Ġthe: matched all the same.
        CompareRow the = RowA(diff, 4);
        Assert.Equal((MatchStatus.SharedMoved, 2, "Ġthe"), (the.Status, the.B!.Id, the.B.Text));
        // "A" is both <0x41> and A in the SPM vocabulary: both kept, the same spelling paired, the collision flagged.
        CompareRow byteA = RowA(diff, 2), normalA = RowA(diff, 6);
        Assert.Equal((MatchStatus.SharedMoved, 0), (normalA.Status, normalA.B!.Id));
        Assert.Equal(MatchStatus.OnlyA, byteA.Status);
        Assert.True(byteA.Collision && normalA.Collision);
        Assert.Equal(2, diff.CollisionRows);
        // "\n": <0x0A> and Ċ, a byte token and a normal one, still matched by bytes.
        Assert.Equal(1, RowA(diff, 3).B!.Id);
        Assert.Equal(MatchStatus.OnlyB, diff.Rows.Single(r => r.B?.Id == 4).Status);
        AssertConsistent(diff, a, b);
    }

    [Fact]
    public void LowSpellingAgreementMatchesByBytesEvenWithoutSpaceTokens()
    {
        // No word-initial space tokens at all, but newline and tab are spelled differently.
        List<VocabularyEntry> a = [Entry(0, "<0x0A>", "\n", "byte"), Entry(1, "<0x09>", "\t", "byte"), Entry(2, "x", "x")];
        List<VocabularyEntry> b = [Entry(0, "Ċ", "\n"), Entry(1, "ĉ", "\t"), Entry(2, "x", "x")];

        VocabularyDiff diff = VocabularyMatcher.Match(a, b);

        Assert.Null(diff.Spelling.SpaceMarkA);
        Assert.Equal((3, 1), (diff.Spelling.SharedByteStrings, diff.Spelling.SpelledAlike));
        Assert.Equal(MatchKey.Bytes, diff.Key);
        Assert.All(diff.Rows, r => Assert.Equal(MatchStatus.SharedSameId, r.Status));
    }

    [Fact]
    public void TextMatchingKeepsTextsWhoseBytesDiffer()
    {
        // 200 identical tokens and one whose text decodes differently: agreement stays above 99%.
        var a = Enumerable.Range(0, 200).Select(i => Entry(i, $"w{i}", $"w{i}")).Append(Entry(200, "▁x", " x")).Append(Entry(201, "odd", "odd")).ToList();
        var b = Enumerable.Range(0, 200).Select(i => Entry(i, $"w{i}", $"w{i}")).Append(Entry(200, "▁x", " x")).Append(Entry(201, "odd", "ODD")).ToList();

        VocabularyDiff diff = VocabularyMatcher.Match(a, b);

        Assert.Equal(MatchKey.Text, diff.Key);
        Assert.Equal(1, diff.SharedWithDifferentBytes);
        Assert.Equal(MatchStatus.SharedSameId, RowA(diff, 201).Status);
        Assert.Equal("odd", RowA(diff, 201).Piece);
    }

    [Fact]
    public void SelfCompareIsAllSharedSameId()
    {
        foreach (List<VocabularyEntry> v in new[] { Spm(), Bpe() })
        {
            VocabularyDiff diff = VocabularyMatcher.Match(v, v);
            Assert.Equal(MatchKey.Text, diff.Key);
            Assert.Equal(v.Count, diff.Rows.Count);
            Assert.All(diff.Rows, r => Assert.Equal(MatchStatus.SharedSameId, r.Status));
            Assert.Equal(0, VocabularyMatcher.Match(v, v, MatchKey.Bytes).Rows.Count(r => r.Status != MatchStatus.SharedSameId));
        }
    }

    [Fact]
    public void ByteModeMatchesEmptyTokensByText()
    {
        List<VocabularyEntry> a = [Entry(0, "<pad>", [], "control", TokenCategory.Special), Entry(1, "<mask>", [], "control", TokenCategory.Special), Entry(2, "▁a", " a")];
        List<VocabularyEntry> b = [Entry(5, "<mask>", [], "control", TokenCategory.Special), Entry(6, "Ġa", " a")];

        VocabularyDiff diff = VocabularyMatcher.Match(a, b, MatchKey.Bytes);

        Assert.Equal(MatchStatus.OnlyA, RowA(diff, 0).Status);
        Assert.Equal(5, RowA(diff, 1).B!.Id);
        Assert.Equal(6, RowA(diff, 2).B!.Id);
        Assert.All(diff.Rows, r => Assert.False(r.Collision));
    }

    [Fact]
    public void CollisionsPairSameIdFirstThenTextThenType()
    {
        // Three ids decode to "x" in A, two in B.
        List<VocabularyEntry> a = [Entry(0, "x", "x"), Entry(1, "<0x78>", "x", "byte"), Entry(2, "X_user", "x", "user_defined")];
        List<VocabularyEntry> b = [Entry(2, "y", "x", "user_defined"), Entry(9, "<0x78>", "x", "byte")];

        VocabularyDiff diff = VocabularyMatcher.Match(a, b, MatchKey.Bytes);

        Assert.Equal(2, RowA(diff, 2).B!.Id);   // same id
        Assert.Equal(9, RowA(diff, 1).B!.Id);   // same text
        Assert.Null(RowA(diff, 0).B);            // left over
        Assert.All(diff.Rows, r => Assert.True(r.Collision));
        AssertConsistent(diff, a, b);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CountsAreConsistentOnRandomVocabularies(int seed)
    {
        var random = new Random(seed);
        List<VocabularyEntry> Make(int n, string mark) => Enumerable.Range(0, n)
            .Select(i => random.Next(3) switch
            {
                0 => Entry(i, $"{mark}w{random.Next(400)}", $" w{random.Next(400)}"),
                1 => Entry(i, $"p{random.Next(50)}", $"p{random.Next(50)}"),
                _ => Entry(i, $"<0x{random.Next(256):X2}>", [(byte)random.Next(256)], "byte", TokenCategory.ByteFallback),
            })
            .DistinctBy(e => e.Text)
            .ToList();
        List<VocabularyEntry> a = Make(300, "▁"), b = Make(280, random.Next(2) == 0 ? "▁" : "Ġ");

        foreach (MatchKey key in new[] { MatchKey.Text, MatchKey.Bytes })
        {
            AssertConsistent(VocabularyMatcher.Match(a, b, key), a, b);
        }
    }

    [Fact]
    public void ScansAttachToTheirSide()
    {
        List<VocabularyEntry> a = Spm();
        VocabularyDiff diff = VocabularyMatcher.Match(a, a);
        var scan = ScanResults.From("tokens.csv", new TokensTable { Templates = ["t"], Rows = [ScanRow(4, " the", failed: true, prob: 1e-9)] });

        var rows = VocabularyMatcher.WithScans(diff.Rows, scan, null);

        CompareRow the = rows.Single(r => r.A?.Id == 4);
        Assert.Equal(new ScanValue(true, 1e-9), the.A!.Scan);
        Assert.Null(the.B!.Scan);
        Assert.Null(rows.Single(r => r.A?.Id == 5).A!.Scan);
        Assert.Null(scan.Mismatch(a));
        Assert.Contains("token 4", scan.Mismatch([Entry(4, "▁dog", " dog")]), StringComparison.Ordinal);
    }

    internal static TokenRow ScanRow(int id, string piece, bool failed, double prob) => new()
    {
        TokenId = id,
        Bytes = Encoding.UTF8.GetBytes(piece),
        TokenType = TokenType.Normal,
        Reachable = true,
        BestTemplate = "t",
        Failed = failed,
        NegAnswer = 0,
        ArgminHits = 0,
        NegTempHits = 0,
        Templates = new Dictionary<string, TemplateResult> { ["t"] = new(prob, 1, "x", false, 0) },
    };
}
