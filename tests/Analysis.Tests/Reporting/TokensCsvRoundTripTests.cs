using System.Globalization;
using System.Text;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;
using Microsoft.VisualBasic.FileIO;

namespace AnomalyProbe.Analysis.Tests.Reporting;

public sealed class TokensCsvRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EveryFieldReadsBack()
    {
        var table = TokensCsvSamples.Table();
        string path = _dir.File("tokens.csv");
        TokensCsv.Write(path, table);

        var back = TokensCsv.Read(path);

        Assert.Equal(table.Templates, back.Templates);
        Assert.Equal(table.ExtraColumns, back.ExtraColumns);
        Assert.Equal(table.Rows, back.Rows);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            Assert.Equal(table.Rows[i].Bytes.ToArray(), PieceText.FromHex(back.Rows[i].BytesHex));
            Assert.Equal(table.Rows[i].Piece, back.Rows[i].Piece);
        }
    }

    [Fact]
    public void DoublesReadBackBitForBit()
    {
        var table = TokensCsvSamples.Table();
        string path = _dir.File("tokens.csv");
        TokensCsv.Write(path, table);
        var back = TokensCsv.Read(path);

        var seen = new HashSet<long>();
        for (int i = 0; i < table.Rows.Count; i++)
        {
            TokenRow a = table.Rows[i], b = back.Rows[i];
            Assert.Equal(Bits(a.RepeatProb), Bits(b.RepeatProb));
            foreach (string t in table.Templates)
            {
                Assert.Equal(Bits(a.Templates[t].RepeatProb), Bits(b.Templates[t].RepeatProb));
                seen.Add(Bits(a.Templates[t].RepeatProb));
            }
            foreach (string e in table.ExtraColumns)
            {
                Assert.Equal(a.Extra(e) is double x ? Bits(x) : (long?)null, b.Extra(e) is double y ? Bits(y) : (long?)null);
            }
        }
        // The sample really contains every awkward double (denormals, -0, 1e-300, ...).
        Assert.All(TokensCsvSamples.AwkwardDoubles, d => Assert.Contains(Bits(d), seen));
    }

    [Fact]
    public void IndependentParserSeesTheSameRecords()
    {
        var table = TokensCsvSamples.Table();
        string path = _dir.File("tokens.csv");
        TokensCsv.Write(path, table);

        using var parser = new TextFieldParser(path, new UTF8Encoding(false))
        {
            TextFieldType = FieldType.Delimited,
            HasFieldsEnclosedInQuotes = true,
            TrimWhiteSpace = false,
        };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData) records.Add(parser.ReadFields()!);

        Assert.Equal(table.Rows.Count + 1, records.Count);
        string[] header = records[0];
        Assert.Equal(15 + 3 * 5 + 2, header.Length);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            string[] fields = records[i + 1];
            Assert.Equal(header.Length, fields.Length);
            Assert.Equal(row.TokenId.ToString(CultureInfo.InvariantCulture), fields[Array.IndexOf(header, "token_id")]);
            Assert.Equal(PieceText.Escape(row.Bytes.Span), fields[Array.IndexOf(header, "piece")]);
            Assert.Equal(row.Bytes.ToArray(), PieceText.FromHex(fields[Array.IndexOf(header, "bytes_hex")]));
            Assert.Equal(row.GreedyAnswer, fields[Array.IndexOf(header, "greedy_answer")]);
            foreach (string t in table.Templates)
            {
                Assert.Equal(row.Templates[t].GreedyAnswer, fields[Array.IndexOf(header, "greedy_answer_" + t)]);
                Assert.Equal(Bits(row.Templates[t].RepeatProb), Bits(double.Parse(fields[Array.IndexOf(header, "repeat_prob_" + t)], CultureInfo.InvariantCulture)));
            }
        }
    }

    [Fact]
    public void FileIsStrictRfc4180WithLfLineEndsAndNoBom()
    {
        var table = TokensCsvSamples.Table();
        string path = _dir.File("tokens.csv");
        TokensCsv.Write(path, table);
        byte[] raw = File.ReadAllBytes(path);

        Assert.False(raw.AsSpan().StartsWith(Encoding.UTF8.Preamble), "UTF-8 BOM");
        string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);

        // A hand scan of the grammar: a field is either unquoted (no quote, comma, CR or LF inside) or
        // quoted with inner quotes doubled; records end with a bare LF.
        int records = 0, fieldsInRecord = 0, pos = 0;
        int? expectedFields = null;
        while (pos < text.Length)
        {
            if (text[pos] == '"')
            {
                pos++;
                while (true)
                {
                    Assert.True(pos < text.Length, "unterminated quoted field");
                    if (text[pos] == '"')
                    {
                        if (pos + 1 < text.Length && text[pos + 1] == '"') pos += 2;
                        else { pos++; break; }
                    }
                    else pos++;
                }
            }
            else
            {
                while (pos < text.Length && text[pos] is not (',' or '\n'))
                {
                    Assert.False(text[pos] is '"' or '\r', $"bare {(text[pos] == '"' ? "quote" : "CR")} at offset {pos}");
                    pos++;
                }
            }
            fieldsInRecord++;
            Assert.True(pos < text.Length, "the last record must end with LF");
            if (text[pos] == ',') { pos++; continue; }
            Assert.Equal('\n', text[pos]);
            pos++;
            expectedFields ??= fieldsInRecord;
            Assert.Equal(expectedFields, fieldsInRecord);
            fieldsInRecord = 0;
            records++;
        }
        Assert.Equal(table.Rows.Count + 1, records);
    }

    [Fact]
    public void WritingIsDeterministicAndSortsById()
    {
        var table = TokensCsvSamples.Table();
        var shuffled = table with { Rows = table.Rows.OrderBy(r => (r.TokenId * 7919) % 263).ToList() };
        Assert.NotEqual(table.Rows, shuffled.Rows);

        TokensCsv.Write(_dir.File("a.csv"), table);
        TokensCsv.Write(_dir.File("b.csv"), shuffled);
        Assert.Equal(File.ReadAllBytes(_dir.File("a.csv")), File.ReadAllBytes(_dir.File("b.csv")));

        // The TextWriter path writes the same text.
        var text = new StringWriter(CultureInfo.InvariantCulture);
        TokensCsv.Write(text, shuffled);
        Assert.Equal(File.ReadAllText(_dir.File("a.csv")), text.ToString());
        Assert.Equal(table.Rows, TokensCsv.Read(new StringReader(text.ToString())).Rows);
    }

    [Fact]
    public void HeaderIsTheDocumentedLayout()
    {
        var table = new TokensTable
        {
            Templates = ["chat", "completion"],
            ExtraColumns = ["embedding_norm"],
            Rows = [TokensCsvSamples.Row(0, [0x41]) with { Templates = TwoTemplates(), BestTemplate = "chat", Extras = new Dictionary<string, double?>() }],
        };
        var text = new StringWriter(CultureInfo.InvariantCulture);
        TokensCsv.Write(text, table);

        Assert.Equal(
            "token_id,piece,bytes_hex,token_type,reachable,repeat_prob,repeat_rank,best_template,greedy_answer,"
            + "text_repeated,repeat_rate,failed,neg_answer,argmin_hits,neg_temp_hits,"
            + "repeat_prob_chat,repeat_rank_chat,greedy_answer_chat,text_repeated_chat,repeat_rate_chat,"
            + "repeat_prob_completion,repeat_rank_completion,greedy_answer_completion,text_repeated_completion,repeat_rate_completion,"
            + "embedding_norm\n"
            + "0,A,41,normal,false,0.25,3,chat,\" A\",true,0.75,true,0,0,0,0.25,3,\" A\",true,0.75,1E-09,70000,\"a, b\",false,0,\n",
            text.ToString());
    }

    [Fact]
    public void ExtraColumnsComeFromTheHeaderAndEmptyCellsAreNull()
    {
        var table = TokensCsvSamples.Table();
        var back = TokensCsv.Read(new StringReader(WriteToString(table)));

        Assert.Equal(["embedding_norm", "centroid_distance"], back.ExtraColumns);
        var row0 = back.Rows.Single(r => r.TokenId == 0);
        Assert.True(row0.Extras.ContainsKey("embedding_norm"));
        Assert.Null(row0.Extras["embedding_norm"]);
        Assert.Equal(1e-300, row0.Extras["centroid_distance"]);
        Assert.Null(back.Rows.Single(r => r.TokenId == 3).Extras["centroid_distance"]);
    }

    internal static IReadOnlyDictionary<string, TemplateResult> TwoTemplates() => new Dictionary<string, TemplateResult>
    {
        ["chat"] = new(0.25, 3, " A", true, 0.75),
        ["completion"] = new(1e-9, 70000, "a, b", false, 0),
    };

    internal static string WriteToString(TokensTable table)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        TokensCsv.Write(text, table);
        return text.ToString();
    }

    private static long Bits(double d) => BitConverter.DoubleToInt64Bits(d);
}
