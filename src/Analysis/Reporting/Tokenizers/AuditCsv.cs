using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using CsvHelper;
using static AnomalyProbe.Analysis.Reporting.CsvFormat;

namespace AnomalyProbe.Analysis.Reporting.Tokenizers;

/// <summary>
/// Writes and reads audit.csv, one row per token id, sorted by id, in the conventions of
/// <see cref="CsvFormat"/>. Columns: token_id, piece, bytes_hex, text, token_type, attributes,
/// score, byte_length, utf8_status, roundtrip, roundtrip_ids, reachable, reachable_via,
/// duplicate_of, category, magikarp_category. The derived columns (piece, byte_length, utf8_status,
/// category, magikarp_category) are checked against the facts when read back.
/// </summary>
public static class AuditCsv
{
    public const string FileName = "audit.csv";

    private enum Column
    {
        TokenId, Piece, BytesHex, Text, TokenType, Attributes, Score, ByteLength, Utf8Status,
        RoundTrip, RoundTripIds, Reachable, ReachableVia, DuplicateOf, Category, MagikarpCategory,
    }

    /// <summary>The header, in column order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "token_id", "piece", "bytes_hex", "text", "token_type", "attributes", "score", "byte_length", "utf8_status",
        "roundtrip", "roundtrip_ids", "reachable", "reachable_via", "duplicate_of", "category", "magikarp_category",
    ];

    /// <summary>Writes the records to a new file at <paramref name="path"/> (replacing it).</summary>
    /// <exception cref="ArgumentException">Duplicate or negative ids, or text without a UTF-8 form; nothing is written.</exception>
    public static void Write(string path, IReadOnlyList<AuditRecord> records)
    {
        var rows = Validate(records);
        using var stream = File.Create(path);
        using var csv = CsvWriter.Create(stream, WriterOptions);
        WriteAll(csv, rows);
    }

    /// <summary>Writes the records to <paramref name="writer"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">The records are invalid; nothing is written.</exception>
    public static void Write(TextWriter writer, IReadOnlyList<AuditRecord> records)
    {
        var rows = Validate(records);
        using var csv = CsvWriter.Create(writer, WriterOptions, leaveOpen: true);
        WriteAll(csv, rows);
    }

    /// <summary>Reads an audit.csv file.</summary>
    /// <exception cref="FormatException">The file is not a valid audit.csv; the message names the line and column.</exception>
    public static IReadOnlyList<AuditRecord> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var csv = CsvReader.Create(stream, ReaderOptions);
        return ReadAll(path, csv);
    }

    /// <summary>Reads audit.csv text from <paramref name="reader"/>, which stays open.</summary>
    /// <exception cref="FormatException">The text is not a valid audit.csv.</exception>
    public static IReadOnlyList<AuditRecord> Read(TextReader reader)
    {
        using var csv = CsvReader.Create(reader, ReaderOptions, leaveOpen: true);
        return ReadAll(FileName, csv);
    }

    private static List<AuditRecord> Validate(IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = records.OrderBy(r => r.TokenId).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            AuditRecord r = rows[i];
            if (r.TokenId < 0) throw Invalid(r, "negative token id");
            if (i > 0 && rows[i - 1].TokenId == r.TokenId) throw Invalid(r, "duplicate token id");
            if (r.RoundTrip && r.RoundTripIds.Count > 0) throw Invalid(r, "roundtrip_ids must be empty when the round trip succeeds");
            foreach (var (column, text) in new[] { ("text", r.Text), ("attributes", r.Attributes), ("reachable_via", r.ReachableVia) })
            {
                if (SurrogateProblem(text) is string problem) throw Invalid(r, $"{column} {problem}");
            }
        }
        return rows;
    }

    private static void WriteAll(CsvWriter csv, List<AuditRecord> rows)
    {
        MagikarpCategory[] magikarp = AuditRecord.MagikarpCategoriesOf(rows);
        csv.WriteHeader(Columns.ToArray());
        for (int i = 0; i < rows.Count; i++)
        {
            AuditRecord r = rows[i];
            csv.WriteField(Int(r.TokenId));
            csv.WriteField(r.Piece);
            csv.WriteField(r.BytesHex);
            csv.WriteField(r.Text);
            csv.WriteField(TokenTypes.Name(r.TokenType));
            csv.WriteField(r.Attributes);
            csv.WriteField(Real(r.Score));
            csv.WriteField(Int(r.ByteLength));
            csv.WriteField(Utf8Name(r.Utf8));
            csv.WriteField(Bool(r.RoundTrip));
            csv.WriteField(Ids(r.RoundTripIds));
            csv.WriteField(Bool(r.Reachable));
            csv.WriteField(r.ReachableVia);
            csv.WriteField(Int(r.DuplicateOf));
            csv.WriteField(TokenCategories.Name(r.Category));
            csv.WriteField(MagikarpCategories.Name(magikarp[i]));
            csv.EndRecord();
        }
    }

    private static List<AuditRecord> ReadAll(string file, CsvReader csv)
    {
        ExpectHeader(file, csv.Headers, Columns);
        var rows = new List<AuditRecord>();
        var magikarp = new List<(string Name, long Line)>();
        int previous = -1;
        while (csv.Read())
        {
            var f = new Fields(file, csv, Columns);
            int id = f.Int((int)Column.TokenId);
            if (id <= previous) throw f.Error((int)Column.TokenId, previous < 0 ? "token ids must not be negative" : $"token ids must increase (previous {previous})");
            previous = id;
            bool roundTrip = f.Bool((int)Column.RoundTrip);
            int[] roundTripIds = f.Ids((int)Column.RoundTripIds);
            if (roundTrip && roundTripIds.Length > 0) throw f.Error((int)Column.RoundTripIds, "must be empty when roundtrip is true");
            var record = new AuditRecord
            {
                TokenId = id,
                Bytes = f.Hex((int)Column.BytesHex),
                Text = f.Text((int)Column.Text),
                TokenType = f.TokenType((int)Column.TokenType),
                Attributes = f.Text((int)Column.Attributes),
                Score = f.Single((int)Column.Score),
                RoundTrip = roundTrip,
                RoundTripIds = roundTripIds,
                Reachable = f.Bool((int)Column.Reachable),
                ReachableVia = f.Text((int)Column.ReachableVia),
                DuplicateOf = f.IntOrNull((int)Column.DuplicateOf),
            };
            // The derived columns must agree with the facts they are derived from.
            if (f.Text((int)Column.Piece) != record.Piece) throw f.Error((int)Column.Piece, "differs from the rendering of bytes_hex");
            if (f.Int((int)Column.ByteLength) != record.ByteLength) throw f.Error((int)Column.ByteLength, "differs from the length of bytes_hex");
            if (f.Utf8((int)Column.Utf8Status) != record.Utf8) throw f.Error((int)Column.Utf8Status, "differs from the UTF-8 status of bytes_hex");
            if (f.Category((int)Column.Category) != record.Category)
                throw f.Error((int)Column.Category, $"the rules give '{TokenCategories.Name(record.Category)}' for these facts");
            magikarp.Add((f.Text((int)Column.MagikarpCategory), f.Line));
            rows.Add(record);
        }
        // magikarp_category depends on the whole vocabulary (has it byte-fallback tokens?): checked once all rows are read.
        MagikarpCategory[] rules = AuditRecord.MagikarpCategoriesOf(rows);
        for (int i = 0; i < rows.Count; i++)
        {
            string expected = MagikarpCategories.Name(rules[i]);
            if (magikarp[i].Name != expected)
            {
                throw LineError(file, magikarp[i].Line, (int)Column.MagikarpCategory, Columns, $"the rules give '{expected}' for these facts");
            }
        }
        return rows;
    }

    private static ArgumentException Invalid(AuditRecord r, string problem) => new($"{FileName}: token {r.TokenId}: {problem}.");
}
