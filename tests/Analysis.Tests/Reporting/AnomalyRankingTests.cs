using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Reporting;

public sealed class AnomalyRankingTests
{
    private static TokenRow Row(int id, double p, string answer, TokenType type = TokenType.Byte, int harvest = 0, bool repeated = false) =>
        Tokenizers.VocabularyMatcherTests.ScanRow(id, $"t{id}", failed: true, p) with
        {
            TokenType = type,
            NegTempHits = harvest,
            Templates = new Dictionary<string, TemplateResult> { ["t"] = new(p, 1, answer, repeated, repeated ? 1 : 0) },
        };

    [Fact]
    public void TiedLookalikesShareALineAndTheRestOfTheEvidenceBreaksTies()
    {
        var rows = new List<TokenRow>();
        for (int id = 0; id < 10; id++) rows.Add(Row(id, 1.1e-9 + id * 1e-14, "mant"));
        rows.Add(Row(20, 1.1e-9, "mant", TokenType.Control));
        rows.Add(Row(21, 1.1e-9, "mant", harvest: 7));
        rows.Add(Row(22, 5e-9, "x"));

        var top = AnomalyRanking.Top(rows, 5);
        // The byte token the harvest emitted leads its tie; the other nine byte tokens saying "mant" join its line.
        Assert.Equal(21, top[0].First.TokenId);
        Assert.Equal(11, top[0].Tokens.Count);
        Assert.Equal(20, top[1].First.TokenId);
        Assert.Equal(22, top[2].First.TokenId);
        Assert.Equal(3, top.Count);
        Assert.Equal("21, 0, … 9 (11 tokens)", AnomalyRanking.Ids(top[0]));
    }

    [Fact]
    public void AnAnswerThatSpellsTheTokenRanksAfterOneThatDoesNot()
    {
        var top = AnomalyRanking.Top([Row(1, 1e-6, "a", repeated: true), Row(2, 1e-6, "b")], 2);
        Assert.Equal([2, 1], top.Select(g => g.First.TokenId));
    }

    [Fact]
    public void CountLimitsLinesNotTokens()
    {
        var rows = Enumerable.Range(0, 30).Select(id => Row(id, 1e-3 * (id % 3 + 1), $"a{id % 3}")).ToList();
        var top = AnomalyRanking.Top(rows, 2);
        Assert.Equal(2, top.Count);
        Assert.Equal(10, top[0].Tokens.Count);
    }
}
