using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using CsvHelper;
using static AnomalyProbe.Analysis.Reporting.CsvFormat;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>compare.csv as read back: its rows and whether it carries the scan columns.</summary>
public sealed record CompareTable(IReadOnlyList<CompareRow> Rows, bool HasScanColumns);

/// <summary>
/// Writes and reads compare.csv, one row per matched piece, in the conventions of
/// <see cref="CsvFormat"/>. Columns: bytes_hex, piece, id_a, id_b, status (shared-same-id,
/// shared-moved, only-a, only-b), change (for a shared piece: none, id — moved, same bytes —, bytes —
/// same id and text, other bytes — or id+bytes; empty otherwise), type_a, type_b, category_a, category_b, text_a, text_b (each
/// vocabulary's spelling), collision (several ids of one vocabulary decode to these bytes); with
/// scan results also failed_a, failed_b, repeat_prob_a, repeat_prob_b. A side's cells are empty when
/// the piece is not in that vocabulary, the scan columns when the scan did not probe the token.
/// </summary>
public static class CompareCsv
{
    public const string FileName = "compare.csv";

    private enum Column
    {
        BytesHex, Piece, IdA, IdB, Status, Change, TypeA, TypeB, CategoryA, CategoryB, TextA, TextB, Collision,
        FailedA, FailedB, RepeatProbA, RepeatProbB,
    }

    /// <summary>The header without scan results.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["bytes_hex", "piece", "id_a", "id_b", "status", "change", "type_a", "type_b", "category_a", "category_b", "text_a", "text_b", "collision"];

    /// <summary>The extra columns when scan results are given.</summary>
    public static IReadOnlyList<string> ScanColumns { get; } = ["failed_a", "failed_b", "repeat_prob_a", "repeat_prob_b"];

    /// <summary>Writes the rows, in the given order, to a new file at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">A row is invalid; nothing is written.</exception>
    public static void Write(string path, IReadOnlyList<CompareRow> rows, bool scanColumns)
    {
        Validate(rows);
        using var stream = File.Create(path);
        using var csv = CsvWriter.Create(stream, WriterOptions);
        WriteAll(csv, rows, scanColumns);
    }

    /// <summary>Writes the rows to <paramref name="writer"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">A row is invalid; nothing is written.</exception>
    public static void Write(TextWriter writer, IReadOnlyList<CompareRow> rows, bool scanColumns)
    {
        Validate(rows);
        using var csv = CsvWriter.Create(writer, WriterOptions, leaveOpen: true);
        WriteAll(csv, rows, scanColumns);
    }

    /// <summary>Reads a compare.csv file.</summary>
    /// <exception cref="FormatException">The file is not a valid compare.csv; the message names the line and column.</exception>
    public static CompareTable Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, ReaderOptions);
        return ReadAll(path, csv);
    }

    /// <summary>Reads compare.csv text from <paramref name="reader"/>, which stays open.</summary>
    /// <exception cref="FormatException">The text is not a valid compare.csv.</exception>
    public static CompareTable Read(TextReader reader)
    {
        using var csv = CsvReader.Create(reader, ReaderOptions, leaveOpen: true);
        return ReadAll(FileName, csv);
    }

    private static void Validate(IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (int i = 0; i < rows.Count; i++)
        {
            CompareRow r = rows[i];
            if (r.A is null && r.B is null) throw new ArgumentException($"{FileName}: row {i}: neither side is present.");
            foreach (CompareSide? side in new[] { r.A, r.B })
            {
                if (side is null) continue;
                if (side.Id < 0) throw new ArgumentException($"{FileName}: row {i}: negative token id.");
                if (SurrogateProblem(side.Text) is string problem) throw new ArgumentException($"{FileName}: row {i}: text {problem}.");
                if (side.Scan is { } s && !double.IsFinite(s.RepeatProb)) throw new ArgumentException($"{FileName}: row {i}: repeat_prob is {s.RepeatProb}.");
            }
        }
    }

    private static void WriteAll(CsvWriter csv, IReadOnlyList<CompareRow> rows, bool scanColumns)
    {
        csv.WriteHeader((scanColumns ? Columns.Concat(ScanColumns) : Columns).ToArray());
        foreach (CompareRow r in rows)
        {
            csv.WriteField(r.BytesHex);
            csv.WriteField(r.Piece);
            csv.WriteField(Int(r.A?.Id));
            csv.WriteField(Int(r.B?.Id));
            csv.WriteField(CompareRow.StatusName(r.Status));
            csv.WriteField(r.Change);
            csv.WriteField(r.A is null ? "" : TokenTypes.Name(r.A.TokenType));
            csv.WriteField(r.B is null ? "" : TokenTypes.Name(r.B.TokenType));
            csv.WriteField(r.A is null ? "" : TokenCategories.Name(r.A.Category));
            csv.WriteField(r.B is null ? "" : TokenCategories.Name(r.B.Category));
            csv.WriteField(r.A?.Text ?? "");
            csv.WriteField(r.B?.Text ?? "");
            csv.WriteField(Bool(r.Collision));
            if (scanColumns)
            {
                csv.WriteField(r.A?.Scan is { } fa ? Bool(fa.Failed) : "");
                csv.WriteField(r.B?.Scan is { } fb ? Bool(fb.Failed) : "");
                csv.WriteField(r.A?.Scan is { } pa ? Real(pa.RepeatProb) : "");
                csv.WriteField(r.B?.Scan is { } pb ? Real(pb.RepeatProb) : "");
            }
            csv.EndRecord();
        }
    }

    private static CompareTable ReadAll(string file, CsvReader csv)
    {
        IReadOnlyList<string> header = csv.Headers;
        bool scans = header.Count > Columns.Count;
        IReadOnlyList<string> expected = scans ? [.. Columns, .. ScanColumns] : Columns;
        ExpectHeader(file, header, expected);
        var rows = new List<CompareRow>();
        while (csv.Read())
        {
            var f = new Fields(file, csv, expected);
            CompareSide? a = Side(f, Column.IdA, Column.TypeA, Column.CategoryA, Column.TextA, scans ? Column.FailedA : null, Column.RepeatProbA);
            CompareSide? b = Side(f, Column.IdB, Column.TypeB, Column.CategoryB, Column.TextB, scans ? Column.FailedB : null, Column.RepeatProbB);
            if (a is null && b is null) throw f.Error((int)Column.IdA, "neither id_a nor id_b is given");
            string change = f.Text((int)Column.Change);
            var row = new CompareRow
            {
                Bytes = f.Hex((int)Column.BytesHex), A = a, B = b, Collision = f.Bool((int)Column.Collision),
                BytesChanged = change is "bytes" or "id+bytes",
            };
            if (change != row.Change)
                throw f.Error((int)Column.Change, row.Change.Length == 0 ? "must be empty for a piece in one vocabulary" : $"the ids give '{row.Change}' or '{(row.A!.Id == row.B!.Id ? "bytes" : "id+bytes")}'");
            if (f.Text((int)Column.Piece) != row.Piece) throw f.Error((int)Column.Piece, "differs from the rendering of bytes_hex");
            if (f.Text((int)Column.Status) != CompareRow.StatusName(row.Status))
                throw f.Error((int)Column.Status, $"the ids give '{CompareRow.StatusName(row.Status)}'");
            rows.Add(row);
        }
        return new CompareTable(rows, scans);
    }

    private static CompareSide? Side(Fields f, Column id, Column type, Column category, Column text, Column? failed, Column prob)
    {
        int? tokenId = f.IntOrNull((int)id);
        if (tokenId is null)
        {
            foreach (Column c in new[] { type, category, text })
            {
                if (f.Text((int)c).Length > 0) throw f.Error((int)c, "must be empty when the token id is");
            }
            return null;
        }
        ScanValue? scan = null;
        if (failed is Column fc)
        {
            bool? isFailed = f.BoolOrNull((int)fc);
            double? p = f.RealOrNull((int)prob);
            if (isFailed.HasValue != p.HasValue) throw f.Error((int)prob, "failed and repeat_prob must be both given or both empty");
            if (isFailed is bool fv && p is double pv) scan = new ScanValue(fv, pv);
        }
        return new CompareSide(tokenId.Value, f.Text((int)text), f.TokenType((int)type), f.Category((int)category), scan);
    }
}
