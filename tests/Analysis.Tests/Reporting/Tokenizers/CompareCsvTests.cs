using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tests.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using static AnomalyProbe.Analysis.Tests.Tokenizers.TokenizerSamples;

namespace AnomalyProbe.Analysis.Tests.Tokenizers;

public sealed class CompareCsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<CompareRow> Rows() => VocabularyMatcher.Match(Spm(), Bpe()).Rows;

    [Fact]
    public void RowsReadBackWithoutScans()
    {
        IReadOnlyList<CompareRow> rows = Rows();
        string path = _dir.File("compare.csv");
        CompareCsv.Write(path, rows, scanColumns: false);

        CompareTable back = CompareCsv.Read(path);

        Assert.False(back.HasScanColumns);
        Assert.Equal(rows, back.Rows);
        Assert.Equal(rows.Select(r => r.Status), back.Rows.Select(r => r.Status));
        Assert.StartsWith("bytes_hex,piece,id_a,id_b,status,change,type_a,type_b,category_a,category_b,text_a,text_b,collision\n", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void RowsReadBackWithScans()
    {
        IReadOnlyList<CompareRow> rows = Rows().Select((r, i) => r with
        {
            A = r.A is null ? null : r.A with { Scan = i % 3 == 0 ? null : new ScanValue(i % 2 == 0, Math.Pow(10, -i) / 3) },
            B = r.B is null ? null : r.B with { Scan = new ScanValue(true, 4.9e-324) },
        }).ToList();
        var writer = new StringWriter();
        CompareCsv.Write(writer, rows, scanColumns: true);

        CompareTable back = CompareCsv.Read(new StringReader(writer.ToString()));

        Assert.True(back.HasScanColumns);
        Assert.Equal(rows, back.Rows);
        Assert.EndsWith(",collision,failed_a,failed_b,repeat_prob_a,repeat_prob_b", writer.ToString().Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void StatusColumnMustAgreeWithTheIds()
    {
        var writer = new StringWriter();
        CompareCsv.Write(writer, Rows(), scanColumns: false);
        string tampered = writer.ToString().Replace(",shared-moved,", ",shared-same-id,", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => CompareCsv.Read(new StringReader(tampered)));
        Assert.Contains("(status): the ids give 'shared-moved'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeSaysWhetherTheIdOrTheBytesChanged()
    {
        // Text-matched: "Ġx" decodes to " x" in A but to "x" in B (same id), "Ġy" keeps its bytes but moves.
        List<VocabularyEntry> a = [Entry(0, "Ġx", " x"), Entry(1, "Ġy", " y"), Entry(2, "Ġz", " z")];
        List<VocabularyEntry> b = [Entry(0, "Ġx", "x"), Entry(1, "Ġz", " y2"), Entry(2, "Ġy", " y")];
        VocabularyDiff diff = VocabularyMatcher.Match(a, b, MatchKey.Text);
        Assert.Equal(["bytes", "id", "id+bytes"], diff.Rows.Select(r => r.Change));
        Assert.Equal((1, 1, 1, 2), (diff.CountChange("bytes"), diff.CountChange("id"), diff.CountChange("id+bytes"), diff.SharedWithDifferentBytes));

        var writer = new StringWriter();
        CompareCsv.Write(writer, diff.Rows, scanColumns: false);
        Assert.Equal(diff.Rows, CompareCsv.Read(new StringReader(writer.ToString())).Rows);
        string tampered = writer.ToString().Replace(",shared-moved,id,", ",shared-moved,none,", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => CompareCsv.Read(new StringReader(tampered)));
        Assert.Contains("(change): the ids give 'id' or 'id+bytes'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsWithoutSidesAreRefused() =>
        Assert.Throws<ArgumentException>(() => CompareCsv.Write(new StringWriter(), [new CompareRow { Bytes = new byte[] { 1 } }], scanColumns: false));
}
