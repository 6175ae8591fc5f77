using AnomalyProbe.Analysis.Tokenizers;
using CsvHelper;
using static AnomalyProbe.Analysis.Reporting.CsvFormat;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>
/// Writes glitch.csv (<c>tokenizer compare</c> with <c>--scan-a</c> or <c>--glitch-list</c>): one row
/// per known glitch token of A, in the conventions of <see cref="CsvFormat"/>. Columns: bytes_hex,
/// piece, source (scan-a, list, scan-a+list), id_a (empty for a listed text that is not a single token
/// of A), failed_a, repeat_prob_a, fate (same-id, moved, gone; added for a listed text that is a token of B only), id_b, failed_b, repeat_prob_b (empty
/// where B was not scanned or the token is gone), tokens_b (how B tokenizes the bytes mid-text: its id
/// alone when it survives).
/// </summary>
public static class GlitchCsv
{
    public const string FileName = "glitch.csv";

    public static IReadOnlyList<string> Columns { get; } =
        ["bytes_hex", "piece", "source", "id_a", "failed_a", "repeat_prob_a", "fate", "id_b", "failed_b", "repeat_prob_b", "tokens_b"];

    /// <summary>Writes the rows, in the given order, to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<GlitchToken> rows)
    {
        using var stream = File.Create(path);
        using var csv = CsvWriter.Create(stream, WriterOptions);
        WriteAll(csv, rows);
    }

    /// <summary>Writes the rows to <paramref name="writer"/>, which stays open.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<GlitchToken> rows)
    {
        using var csv = CsvWriter.Create(writer, WriterOptions, leaveOpen: true);
        WriteAll(csv, rows);
    }

    private static void WriteAll(CsvWriter csv, IReadOnlyList<GlitchToken> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        csv.WriteHeader(Columns.ToArray());
        foreach (GlitchToken g in rows)
        {
            csv.WriteField(Text.PieceText.ToHex(g.Bytes.Span));
            csv.WriteField(Text.PieceText.Escape(g.Bytes.Span));
            csv.WriteField(GlitchToken.SourceName(g.Source));
            csv.WriteField(Int(g.IdA));
            csv.WriteField(g.ScanA is { } a ? Bool(a.Failed) : "");
            csv.WriteField(g.ScanA is { } pa ? Real(pa.RepeatProb) : "");
            csv.WriteField(GlitchToken.FateName(g.Fate));
            csv.WriteField(Int(g.IdB));
            csv.WriteField(g.ScanB is { } b ? Bool(b.Failed) : "");
            csv.WriteField(g.ScanB is { } pb ? Real(pb.RepeatProb) : "");
            csv.WriteField(Ids(g.TokensB));
            csv.EndRecord();
        }
    }
}
