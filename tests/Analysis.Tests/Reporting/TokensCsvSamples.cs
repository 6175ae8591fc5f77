using System.Text;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Reporting;

/// <summary>Rows that stress CSV: every single byte, awkward text, awkward doubles.</summary>
internal static class TokensCsvSamples
{
    public static readonly string[] Templates = ["chat", "completion", "induction"];

    public static readonly string[] Extras = ["embedding_norm", "centroid_distance"];

    /// <summary>Text that CSV has to quote or that naive readers mangle.</summary>
    public static readonly string[] AwkwardText =
    [
        "\"", ",", "a\r\nb", "\t", "🙂", "\r", "\n", " leading", "trailing ", "", "=1+2", "\"q\",\"r\"",
        "日本語 é", "\\x00", "x\"\"y", "-5", "\r\n", "  ", "@SUM(A1)", "tab\tand, comma\n\"quote\"",
    ];

    /// <summary>Doubles whose shortest text is easy to get wrong.</summary>
    public static readonly double[] AwkwardDoubles =
    [
        1e-300, 0.1, 1.0 / 3, double.Epsilon, 2.2250738585072014E-308 / 3, 0, 1, Math.BitDecrement(1.0),
        0.1 + 0.2, 2.2250738585072014E-308, 123456789.123456789, -0.0, 5e-324 * 7,
    ];

    public static TokensTable Table()
    {
        var rows = new List<TokenRow>();
        for (int b = 0; b < 256; b++) rows.Add(Row(b, [(byte)b]));
        byte[][] pieces =
        [
            Encoding.UTF8.GetBytes("\"quoted\""), Encoding.UTF8.GetBytes("a,b"), Encoding.UTF8.GetBytes("line\r\nbreak"),
            Encoding.UTF8.GetBytes("tab\there"), Encoding.UTF8.GetBytes("🙂 emoji"), Encoding.UTF8.GetBytes(" leading space"),
            Encoding.UTF8.GetBytes("trailing "), [0xE2, 0x96], [0xFF, 0x22, 0x2C, 0x0D, 0x0A], [], Encoding.UTF8.GetBytes("▁the"),
        ];
        for (int i = 0; i < pieces.Length; i++) rows.Add(Row(1000 + i, pieces[i]));
        return new TokensTable { Templates = Templates, ExtraColumns = Extras, Rows = rows };
    }

    /// <summary>A row whose fields all depend on <paramref name="id"/>, cycling through the awkward values.</summary>
    public static TokenRow Row(int id, byte[] bytes)
    {
        var results = new Dictionary<string, TemplateResult>();
        for (int t = 0; t < Templates.Length; t++)
        {
            int k = id * 3 + t;
            results[Templates[t]] = new TemplateResult(
                AwkwardDoubles[k % AwkwardDoubles.Length],
                1 + k % 1000,
                AwkwardText[k % AwkwardText.Length] + (k % 2 == 0 ? "" : AwkwardText[(k + 7) % AwkwardText.Length]),
                k % 5 == 0,
                (k % 9) / 8.0);
        }
        string best = results.MaxBy(r => r.Value.RepeatProb).Key;
        return new TokenRow
        {
            TokenId = id,
            Bytes = bytes,
            TokenType = (id % 4) switch { 0 => TokenType.Normal, 1 => TokenType.Byte, 2 => TokenType.Control, _ => TokenType.UserDefined },
            Reachable = id % 3 != 0,
            BestTemplate = best,
            Failed = id % 2 == 0,
            NegAnswer = (id * 7919) % 32000,
            ArgminHits = id % 11,
            NegTempHits = id % 13,
            Templates = results,
            Extras = id % 4 == 0
                ? new Dictionary<string, double?> { ["centroid_distance"] = AwkwardDoubles[id % AwkwardDoubles.Length] }
                : new Dictionary<string, double?> { ["embedding_norm"] = id * 0.01, ["centroid_distance"] = id % 3 == 0 ? null : 1.0 / (id + 1) },
        };
    }
}
