using System.Text;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tests.Reporting;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

public sealed class AuditCsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static AuditRecord Record(int id, byte[] bytes, string type = "normal", bool roundTrip = true, bool reachable = true) => new()
    {
        TokenId = id,
        Bytes = bytes,
        Text = "t" + id,
        TokenType = AnomalyProbe.Analysis.Tests.Tokenizers.TokenizerSamples.TypeNamed(type),
        Attributes = type,
        Score = -id * 0.1f,
        RoundTrip = roundTrip,
        RoundTripIds = roundTrip ? [] : [id + 1, 3],
        Reachable = reachable,
        ReachableVia = reachable ? (roundTrip ? "roundtrip" : "a{}") : "",
    };

    /// <summary>Every awkward piece: commas, quotes, newlines, spaces, backslashes, invalid and partial UTF-8, nothing at all.</summary>
    public static List<AuditRecord> Awkward() =>
    [
        Record(0, Encoding.UTF8.GetBytes("<unk>"), "unknown", roundTrip: false, reachable: false),
        Record(1, Encoding.UTF8.GetBytes("a,b"), "normal"),
        Record(2, Encoding.UTF8.GetBytes("\"quoted\""), "normal"),
        Record(3, Encoding.UTF8.GetBytes("line\nbreak\r\n"), "normal"),
        Record(4, Encoding.UTF8.GetBytes("  lead and trail  "), "normal"),
        Record(5, Encoding.UTF8.GetBytes("back\\slash"), "normal"),
        Record(6, [0xFF], "byte", roundTrip: true, reachable: false),
        Record(7, [0xE2, 0x80], "normal", roundTrip: false, reachable: true) with { ReachableVia = "{}\\x99" },
        Record(8, [], "control", roundTrip: false, reachable: false),
        Record(9, Encoding.UTF8.GetBytes("日本🙂"), "user_defined") with { Text = "text, with \"quotes\"\n", DuplicateOf = 1, Score = float.NegativeInfinity },
        Record(10, [0x00, 0x09], "normal") with { Score = float.NaN, Attributes = "normal|lstrip|rstrip" },
    ];

    [Fact]
    public void EveryFieldReadsBack()
    {
        List<AuditRecord> records = Awkward();
        string path = _dir.File("audit.csv");
        AuditCsv.Write(path, records);

        IReadOnlyList<AuditRecord> back = AuditCsv.Read(path);

        Assert.Equal(records, back);
        Assert.Equal(records.Select(r => r.Category), back.Select(r => r.Category));
        Assert.Equal(TokenCategory.PartialUtf8, back[7].Category);
        Assert.Equal(TokenCategory.ByteFallback, back[6].Category);
        // With a byte-fallback token in the vocabulary, only it is "bytes"; a one-byte piece stays what it is.
        Assert.Equal(MagikarpCategory.Bytes, AuditRecord.MagikarpCategoriesOf(back)[6]);
        Assert.Equal(MagikarpCategory.Normal, AuditRecord.MagikarpCategoriesOf(back)[1]);
        Assert.True(float.IsNaN(back[10].Score));
    }

    [Fact]
    public void HeaderAndDerivedColumnsAreAsDocumented()
    {
        var writer = new StringWriter();
        AuditCsv.Write(writer, [Record(7, [0xE2, 0x80], roundTrip: false)]);
        string[] lines = writer.ToString().Split('\n');
        Assert.Equal("token_id,piece,bytes_hex,text,token_type,attributes,score,byte_length,utf8_status,roundtrip,roundtrip_ids,reachable,reachable_via,duplicate_of,category,magikarp_category", lines[0]);
        Assert.Equal(@"7,\xE2\x80,e280,t7,normal,normal,-0.7,2,partial,false,8 3,true,a{},,partial_utf8,partial_utf8", lines[1]);
    }

    [Fact]
    public void MagikarpCategoriesFollowTheirTables()
    {
        // Byte-level BPE (no byte-fallback tokens): every single byte is "bytes", whatever its fine category.
        Assert.Equal(MagikarpCategory.Bytes, MagikarpCategories.Classify(TokenCategory.Unreachable, 1, singleBytesAreBytes: true));
        Assert.Equal(MagikarpCategory.Bytes, MagikarpCategories.Classify(TokenCategory.PartialUtf8, 1, singleBytesAreBytes: true));
        Assert.Equal(MagikarpCategory.Bytes, MagikarpCategories.Classify(TokenCategory.Normal, 1, singleBytesAreBytes: true));
        Assert.Equal(MagikarpCategory.PartialUtf8, MagikarpCategories.Classify(TokenCategory.PartialUtf8, 2, singleBytesAreBytes: true));
        // SentencePiece: "a" is a piece, <0x61> the byte.
        Assert.Equal(MagikarpCategory.Normal, MagikarpCategories.Classify(TokenCategory.Normal, 1, singleBytesAreBytes: false));
        Assert.Equal(MagikarpCategory.Bytes, MagikarpCategories.Classify(TokenCategory.ByteFallback, 6, singleBytesAreBytes: false));
        // Reserved slots count as special; special wins over one byte.
        Assert.Equal(MagikarpCategory.Special, MagikarpCategories.Classify(TokenCategory.Unused, 7, singleBytesAreBytes: true));
        Assert.Equal(MagikarpCategory.Special, MagikarpCategories.Classify(TokenCategory.Special, 1, singleBytesAreBytes: true));
        Assert.True(MagikarpCategories.SingleBytesAreBytes([TokenCategory.Normal, TokenCategory.PartialUtf8]));
        Assert.False(MagikarpCategories.SingleBytesAreBytes([TokenCategory.Normal, TokenCategory.ByteFallback]));
    }

    [Fact]
    public void WritesSortedById()
    {
        var writer = new StringWriter();
        AuditCsv.Write(writer, [Record(5, "b"u8.ToArray()), Record(2, "a"u8.ToArray())]);
        Assert.Equal([2, 5], AuditCsv.Read(new StringReader(writer.ToString())).Select(r => r.TokenId));
    }

    public static TheoryData<string, Func<string, string>, string> Tampered => new()
    {
        { "category", csv => csv.Replace(",normal,normal\n", ",special,normal\n", StringComparison.Ordinal), "category" },
        { "magikarp", csv => csv.Replace(",normal,normal\n", ",normal,bytes\n", StringComparison.Ordinal), "column 16 (magikarp_category): the rules give 'normal'" },
        { "piece", csv => csv.Replace("\n1,\"a,b\"", "\n1,\"a;b\"", StringComparison.Ordinal), "piece" },
        { "length", csv => csv.Replace(",-0.1,3,valid,", ",-0.1,4,valid,", StringComparison.Ordinal), "byte_length" },
        { "ids", csv => csv.Replace(",false,1 3,", ",false,1 x,", StringComparison.Ordinal), "roundtrip_ids" },
        { "header", csv => csv.Replace("token_type", "type", StringComparison.Ordinal), "column 5 ('type'): expected 'token_type'" },
        { "order", csv => csv.Replace("\n1,", "\n0,", StringComparison.Ordinal), "token ids must increase" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void RejectsFilesThatContradictThemselves(string name, Func<string, string> tamper, string expected)
    {
        var writer = new StringWriter();
        AuditCsv.Write(writer, Awkward());
        string csv = tamper(writer.ToString());
        Assert.NotEqual(writer.ToString(), csv);
        var e = Assert.Throws<FormatException>(() => AuditCsv.Read(new StringReader(csv)));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");
        Assert.Contains("audit.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesInvalidRecordsBeforeWriting()
    {
        string path = _dir.File("bad.csv");
        Assert.Throws<ArgumentException>(() => AuditCsv.Write(path, [Record(1, [0x61]), Record(1, [0x62])]));
        Assert.Throws<ArgumentException>(() => AuditCsv.Write(path, [Record(1, [0x61]) with { Text = "\uD800" }]));
        Assert.Throws<ArgumentException>(() => AuditCsv.Write(path, [Record(1, [0x61]) with { RoundTripIds = [4] }]));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void SummaryCountsCategoriesWithExamples()
    {
        var report = new AuditResult
        {
            Vocabulary = new VocabularyDescription { Path = "/x/v.gguf", SizeBytes = 10, Sha256 = "ab", TokenizerType = "SPM", TokenCount = 11 },
            Records = Awkward(),
            Tool = new("anomalyprobe", "0"),
            LlamaCpp = "v",
            ReachabilityNotes = ["note one"],
        };
        var writer = new StringWriter();
        AuditMd.Write(writer, report);
        string md = writer.ToString();

        var counts = AuditMd.CountCategories(report.Records);
        Assert.Equal(report.Records.Count, counts.Values.Sum());
        foreach (var (category, n) in counts) Assert.Contains($"| {TokenCategories.Name(category)} | {n} |", md, StringComparison.Ordinal);
        Assert.Contains("# Tokenizer audit: v.gguf", md, StringComparison.Ordinal);
        Assert.Contains(@"7 `\xE2\x80`", md, StringComparison.Ordinal);
        Assert.Contains("- note one", md, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", md, StringComparison.Ordinal);
        Assert.Equal(Utf8Status.Partial, report.Records[7].Utf8);
    }
}
