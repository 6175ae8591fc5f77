using AnomalyProbe.Analysis.Tokenizers;
using CsvHelper;
using static AnomalyProbe.Analysis.Reporting.CsvFormat;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>
/// Writes and reads glitch.csv (<c>tokenizer compare</c> with <c>--scan-a</c> or <c>--glitch-list</c>): one row
/// per known glitch token of A, in the conventions of <see cref="CsvFormat"/>. Columns: bytes_hex,
/// piece, source (scan-a, list, scan-a+list), id_a (empty for a listed text that is not a single token
/// of A), failed_a, repeat_prob_a, fate (same-id, moved, gone; added for a listed text that is a token of B only), id_b, failed_b, repeat_prob_b (empty
/// where B was not scanned or the token is gone), tokens_b (how B tokenizes the bytes mid-text: its id
/// alone when it survives).
/// </summary>
public static class GlitchCsv
{
    public const string FileName = "glitch.csv";

    private enum Column { BytesHex, Piece, Source, IdA, FailedA, RepeatProbA, Fate, IdB, FailedB, RepeatProbB, TokensB }

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

    /// <summary>Reads a glitch.csv file.</summary>
    /// <exception cref="FormatException">The file is not a valid glitch.csv; the message names the line and column.</exception>
    public static IReadOnlyList<GlitchToken> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, ReaderOptions);
        return ReadAll(path, csv);
    }

    /// <summary>Reads glitch.csv text from <paramref name="reader"/>, which stays open.</summary>
    /// <exception cref="FormatException">The text is not a valid glitch.csv.</exception>
    public static IReadOnlyList<GlitchToken> Read(TextReader reader)
    {
        using var csv = CsvReader.Create(reader, ReaderOptions, leaveOpen: true);
        return ReadAll(FileName, csv);
    }

    // Every derived cell is checked against what it derives from: the piece against the bytes, the
    // fate against the two ids, tokens_b against id_b (a survivor is its own tokenization).
    private static List<GlitchToken> ReadAll(string file, CsvReader csv)
    {
        ExpectHeader(file, csv.Headers, Columns);
        var rows = new List<GlitchToken>();
        while (csv.Read())
        {
            var f = new Fields(file, csv, Columns);
            byte[] bytes = f.Hex((int)Column.BytesHex);
            if (bytes.Length == 0) throw f.Error((int)Column.BytesHex, "a glitch token has bytes");
            if (f.Text((int)Column.Piece) != Text.PieceText.Escape(bytes)) throw f.Error((int)Column.Piece, "differs from the rendering of bytes_hex");
            GlitchSource source = f.Text((int)Column.Source) switch
            {
                "scan-a" => GlitchSource.ScanA,
                "list" => GlitchSource.List,
                "scan-a+list" => GlitchSource.ScanA | GlitchSource.List,
                _ => throw f.Error((int)Column.Source, "expected scan-a, list or scan-a+list"),
            };
            int? idA = f.IntOrNull((int)Column.IdA), idB = f.IntOrNull((int)Column.IdB);
            if (idA is null && source.HasFlag(GlitchSource.ScanA)) throw f.Error((int)Column.IdA, "a token failed in the scan of A has an id there");
            GlitchFate fate = idB is null ? GlitchFate.Gone : idA is null ? GlitchFate.Added : idA == idB ? GlitchFate.SameId : GlitchFate.Moved;
            if (f.Text((int)Column.Fate) != GlitchToken.FateName(fate)) throw f.Error((int)Column.Fate, $"the ids give '{GlitchToken.FateName(fate)}'");
            int[] tokensB = f.Ids((int)Column.TokensB);
            if (idB is int b && (tokensB is not [var only] || only != b)) throw f.Error((int)Column.TokensB, "a token of B is its own tokenization (id_b alone)");
            ScanValue? scanA = Scan(f, Column.FailedA, Column.RepeatProbA, idA);
            ScanValue? scanB = Scan(f, Column.FailedB, Column.RepeatProbB, idB);
            rows.Add(new GlitchToken(bytes, source, idA, scanA, fate, idB, scanB, tokensB));
        }
        return rows;
    }

    private static ScanValue? Scan(Fields f, Column failed, Column prob, int? id)
    {
        bool? isFailed = f.BoolOrNull((int)failed);
        double? p = f.RealOrNull((int)prob);
        if (isFailed.HasValue != p.HasValue) throw f.Error((int)prob, "failed and repeat_prob must be both given or both empty");
        if (isFailed.HasValue && id is null) throw f.Error((int)failed, "a scan verdict needs the token's id");
        return isFailed is bool fv && p is double pv ? new ScanValue(fv, pv) : null;
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
