using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Reporting;

public sealed class TokensCsvErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TokensTable Small() => new()
    {
        Templates = ["chat", "completion"],
        ExtraColumns = ["embedding_norm"],
        Rows = [Row(1), Row(2), Row(3)],
    };

    private static TokenRow Row(int id) => TokensCsvSamples.Row(id, [(byte)('a' + id)]) with
    {
        Templates = TokensCsvRoundTripTests.TwoTemplates(),
        BestTemplate = "chat",
        Extras = new Dictionary<string, double?> { ["embedding_norm"] = id },
    };

    private static TokensTable WithRow(TokenRow row) => Small() with { Rows = [Row(1), row] };

    public static TheoryData<string, TokensTable, string> InvalidTables => new()
    {
        { "NaN probability", WithRow(Row(2) with { Templates = new Dictionary<string, TemplateResult> { ["chat"] = new(double.NaN, 1, "", false, 0), ["completion"] = new(0.1, 1, "", false, 0) } }), "repeat_prob_chat is NaN" },
        { "rate outside [0, 1]", WithRow(Row(2) with { Templates = new Dictionary<string, TemplateResult> { ["chat"] = new(0.5, 1, "", true, 1.5), ["completion"] = new(0.1, 1, "", false, 0) } }), "repeat_rate_chat is 1.5, not a share in [0, 1]" },
        { "infinite extra", WithRow(Row(2) with { Extras = new Dictionary<string, double?> { ["embedding_norm"] = double.PositiveInfinity } }), "embedding_norm is Infinity" },
        { "duplicate id", WithRow(Row(1)), "token 1: duplicate token id" },
        { "negative id", WithRow(Row(2) with { TokenId = -4 }), "negative token id" },
        { "missing template", WithRow(Row(2) with { Templates = new Dictionary<string, TemplateResult> { ["chat"] = new(0.5, 1, "", false, 0) } }), "has results for templates [chat]" },
        { "best not a template", WithRow(Row(2) with { BestTemplate = "induction" }), "best template 'induction'" },
        { "extra without column", WithRow(Row(2) with { Extras = new Dictionary<string, double?> { ["norm"] = 1 } }), "extra value 'norm' has no column" },
        { "no template", Small() with { Templates = [], Rows = [] }, "at least one template" },
        { "template name", Small() with { Templates = ["chat", "a b"] }, "'a b' may only contain" },
        { "duplicate template", Small() with { Templates = ["chat", "chat"] }, "repeat a name" },
        { "reserved extra", Small() with { ExtraColumns = ["repeat_rank_x"] }, "clashes" },
        { "fixed extra", Small() with { ExtraColumns = ["failed"] }, "clashes" },
    };

    [Theory]
    [MemberData(nameof(InvalidTables))]
    public void WriteRejectsInvalidTablesBeforeWritingAnything(string what, TokensTable table, string message)
    {
        string path = _dir.File(what + ".csv");
        var e = Assert.Throws<ArgumentException>(() => TokensCsv.Write(path, table));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Theory]
    // header
    [InlineData("bytes_hex,", "bytes,", "column 3 ('bytes'): expected 'bytes_hex'")]
    [InlineData("neg_temp_hits,repeat_prob_chat", "neg_temp_hits,prob_chat", "column 16 ('prob_chat'): expected the columns of a template")]
    [InlineData("repeat_rank_completion", "repeat_rank_other", "column 22 ('repeat_rank_other'): expected 'repeat_rank_completion'")]
    [InlineData("repeat_rate_chat", "repeat_rate_x", "column 20 ('repeat_rate_x'): expected 'repeat_rate_chat'")]
    [InlineData("greedy_answer,text_repeated,repeat_rate,", "greedy_answer,answer_starts_with_token,", "from an AnomalyProbe before text_repeated")]
    [InlineData(",embedding_norm\n", ",repeat_prob_chat\n", "column 26 ('repeat_prob_chat'): names a template that repeats")]
    [InlineData(",embedding_norm\n", ",failed\n", "column 26 ('failed'): is a fixed or template column out of place")]
    [InlineData(",embedding_norm\n", ",embedding norm\n", "may only contain")]
    // records
    [InlineData("\n1,b,", "\nx1,b,", "line 2, column 1 (token_id): 'x1' is not an integer")]
    [InlineData("\n2,c,", "\n1,c,", "line 3, column 1 (token_id): token ids must increase (previous 1)")]
    [InlineData("\n1,b,", "\n-1,b,", "token ids must not be negative")]
    [InlineData(",62,", ",6g,", "line 2, column 3 (bytes_hex): '6g' is not hex bytes")]
    [InlineData(",byte,true,", ",byte,True,", "column 5 (reachable): 'True' is not true or false")]
    [InlineData(",0.25,3,chat,", ",NaN,3,chat,", "column 6 (repeat_prob): 'NaN' is not a finite number")]
    [InlineData(",0.25,3,chat,", ",0.5,3,chat,", "column 6 (repeat_prob): differs from repeat_prob_chat")]
    [InlineData(",0.25,3,chat,", ",0.25,4,chat,", "column 7 (repeat_rank): differs from repeat_rank_chat")]
    [InlineData(",0.25,3,chat,", ",0.25,3,induction,", "column 8 (best_template): 'induction' is not one of the templates")]
    [InlineData(",1\n", ",1e999\n", "line 2, column 26 (embedding_norm): '1e999' is not a finite number")]
    [InlineData(",1\n", ",1,2\n", "line 2")]
    [InlineData(",1\n", ",\"1\n", "Malformed CSV in record 2 (line 2)")]
    [InlineData(",1\n", ",1\"\n", "Malformed CSV in record 2 (line 2): a quote inside an unquoted field")]
    public void ReadNamesTheLineAndColumnOfBadInput(string find, string replace, string message)
    {
        string text = TokensCsvRoundTripTests.WriteToString(Small());
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the sample");
        string bad = text[..at] + replace + text[(at + find.Length)..];

        var e = Assert.ThrowsAny<FormatException>(() => TokensCsv.Read(new StringReader(bad)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRejectsAnEmptyFile() =>
        Assert.Contains("empty", Assert.Throws<FormatException>(() => TokensCsv.Read(new StringReader(""))).Message, StringComparison.Ordinal);

    [Fact]
    public void ReadFromAFileNamesTheFile()
    {
        string path = _dir.File("broken.csv");
        File.WriteAllText(path, "token_id\n");
        var e = Assert.Throws<FormatException>(() => TokensCsv.Read(path));
        Assert.StartsWith(path + ": tokens.csv header (line 1), column 2 (missing): expected 'piece'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSmallSampleIsValid() => Assert.Equal(Small().Rows, TokensCsv.Read(new StringReader(TokensCsvRoundTripTests.WriteToString(Small()))).Rows);
}
