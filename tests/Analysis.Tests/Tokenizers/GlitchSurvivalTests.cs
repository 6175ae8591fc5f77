using System.Text;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tests.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using static AnomalyProbe.Analysis.Tests.Tokenizers.TokenizerSamples;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

public sealed class GlitchSurvivalTests
{
    private static readonly List<VocabularyEntry> A =
    [
        Entry(0, "<0x41>", "A", "byte", TokenCategory.ByteFallback),
        Entry(1, "Ġcat", " cat"),
        Entry(2, "ĠSolidGoldMagikarp", " SolidGoldMagikarp"),
        Entry(3, "Ġdog", " dog"),
        Entry(4, "A", "A"),
    ];

    private static readonly List<VocabularyEntry> B =
    [
        Entry(0, "Ġcat", " cat"),
        Entry(1, "Ġcow", " cow"),
        Entry(2, "Ġdog", " dog"),
        Entry(3, "<0x41>", "A", "byte", TokenCategory.ByteFallback),
        Entry(4, "A", "A"),
    ];

    private static ScanResults Scan(params (int Id, string Bytes, bool Failed)[] rows) => ScanResults.From("tokens.csv", new TokensTable
    {
        Templates = TokensCsvSamples.Templates,
        Rows = rows.Select(r => TokensCsvSamples.Row(r.Id, Encoding.UTF8.GetBytes(r.Bytes)) with { Failed = r.Failed, Extras = new Dictionary<string, double?>() }).ToList(),
    });

    [Fact]
    public void ScanFailuresAndListedTextsAreFollowedByTheirBytes()
    {
        ScanResults scanA = Scan((1, " cat", true), (2, " SolidGoldMagikarp", true), (3, " dog", false));
        ScanResults scanB = Scan((2, " dog", true), (0, " cat", false));
        IReadOnlyList<byte[]> listed = [" dog"u8.ToArray(), " cat"u8.ToArray(), "A"u8.ToArray(), " nowhere"u8.ToArray(), " dog"u8.ToArray(), " cow"u8.ToArray()];

        IReadOnlyList<GlitchToken> glitches = GlitchSurvival.Follow(A, B, scanA, scanB, listed, b => [b.Length]);

        Assert.Equal([" cat", " SolidGoldMagikarp", " dog", "A", " nowhere", " cow"], glitches.Select(g => Encoding.UTF8.GetString(g.Bytes.Span)));
        GlitchToken cat = glitches[0], magikarp = glitches[1], dog = glitches[2], a = glitches[3], nowhere = glitches[4];
        Assert.Equal((GlitchSource.ScanA | GlitchSource.List, 1, GlitchFate.Moved, 0), (cat.Source, cat.IdA, cat.Fate, cat.IdB));
        Assert.False(cat.ScanB!.Value.Failed);
        Assert.True(cat.ScanA!.Value.Failed);
        Assert.Equal((GlitchSource.ScanA, GlitchFate.Gone, (int?)null), (magikarp.Source, magikarp.Fate, magikarp.IdB));
        Assert.Equal([18], magikarp.TokensB); // the tokenizer was asked
        // passed in A's scan, but listed; the same id in B, where it fails
        Assert.Equal((GlitchSource.List, 3, GlitchFate.Moved, 2, true), (dog.Source, dog.IdA, dog.Fate, dog.IdB, dog.ScanB!.Value.Failed));
        // the normal "A" stands for the bytes, not the byte-fallback <0x41>
        Assert.Equal((4, GlitchFate.SameId, 4), (a.IdA, a.Fate, a.IdB));
        Assert.Equal(((int?)null, GlitchFate.Gone), (nowhere.IdA, nowhere.Fate));
        Assert.Equal(((int?)null, GlitchFate.Added, 1), (glitches[5].IdA, glitches[5].Fate, glitches[5].IdB)); // listed, a token of B only
    }

    [Fact]
    public void GlitchCsvWritesOneRowPerToken()
    {
        IReadOnlyList<GlitchToken> glitches = GlitchSurvival.Follow(A, B, null, null, [" SolidGoldMagikarp"u8.ToArray(), " dog"u8.ToArray()], b => [7, 8]);
        var writer = new StringWriter();
        GlitchCsv.Write(writer, glitches);
        Assert.Equal(
            "bytes_hex,piece,source,id_a,failed_a,repeat_prob_a,fate,id_b,failed_b,repeat_prob_b,tokens_b\n" +
            "20536f6c6964476f6c644d6167696b617270,\" SolidGoldMagikarp\",list,2,,,gone,,,,7 8\n" +
            "20646f67,\" dog\",list,3,,,moved,2,,,2\n", writer.ToString());
    }

    [Fact]
    public void GlitchCsvReadsBackWhatItWrote()
    {
        ScanResults scanA = Scan((1, " cat", true), (2, " SolidGoldMagikarp", true), (3, " dog", false));
        ScanResults scanB = Scan((2, " dog", true), (0, " cat", false));
        IReadOnlyList<GlitchToken> glitches = GlitchSurvival.Follow(A, B, scanA, scanB, [" dog"u8.ToArray(), " cow"u8.ToArray(), " nowhere"u8.ToArray()], b => [b.Length, 1]);
        var writer = new StringWriter();
        GlitchCsv.Write(writer, glitches);

        Assert.Equal(glitches, GlitchCsv.Read(new StringReader(writer.ToString())));
    }

    [Theory]
    [InlineData(",list,3,,,moved,2,,,2", ",list,3,,,same-id,2,,,2", "fate")]          // the ids say moved
    [InlineData(",list,3,,,moved,2,,,2", ",list,3,,,moved,2,,,2 5", "tokens_b")]      // a survivor is its own tokenization
    [InlineData(",list,3,,,moved,2,,,2", ",scan-b,3,,,moved,2,,,2", "source")]
    [InlineData(",list,3,,,moved,2,,,2", ",list,3,,,moved,2,true,,2", "repeat_prob_b")] // a verdict without its probability
    [InlineData("\" dog\"", "\" cat\"", "piece")]
    public void GlitchCsvRefusesATamperedCell(string cell, string tampered, string column)
    {
        IReadOnlyList<GlitchToken> glitches = GlitchSurvival.Follow(A, B, null, null, [" dog"u8.ToArray()], b => [b.Length]);
        var writer = new StringWriter();
        GlitchCsv.Write(writer, glitches);
        Assert.Contains(cell, writer.ToString(), StringComparison.Ordinal);

        var e = Assert.Throws<FormatException>(() => GlitchCsv.Read(new StringReader(writer.ToString().Replace(cell, tampered, StringComparison.Ordinal))));
        Assert.Contains("line 2, column ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"({column})", e.Message, StringComparison.Ordinal);
    }
}
