using System.Globalization;
using CsvHelper;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// The conventions of every CSV the tool writes (tokens.csv, summary.csv, audit.csv, compare.csv,
/// sweep.csv): RFC 4180 (comma, double-quote quoting), "\n" line ends, UTF-8 without BOM, invariant
/// culture, floating point in round-trip format, booleans as true/false, raw bytes as lowercase hex
/// next to an escaped piece. Reading is strict: a wrong header, a malformed field or a field-count
/// mismatch is a <see cref="FormatException"/> naming the file, line and column.
/// </summary>
internal static class CsvFormat
{
    /// <summary>Strict RFC 4180 writing.</summary>
    public static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with
    {
        Mode = CsvMode.Rfc4180,
        Separator = ',',
        NewLine = "\n",
        // Also quote leading/trailing spaces (common in pieces) so that trimming readers keep them.
        Quoting = CsvQuoting.WhenNeededOrWhitespace,
        Injection = CsvInjection.None,
        WriteByteOrderMark = false,
    };

    /// <summary>Strict RFC 4180 reading.</summary>
    public static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Mode = CsvMode.Rfc4180,
        Separator = ',',
        DetectSeparatorHint = false,
        TrimWhitespace = false,
        SkipEmptyLines = false,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        MissingField = CsvMissingFieldHandling.Throw,
    };

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Int(int? value) => value is int v ? Int(v) : "";

    public static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Real(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Ids(IReadOnlyList<int> ids) => string.Join(' ', ids.Select(i => Int(i)));

    public static string Utf8Name(Utf8Status status) => status switch
    {
        Utf8Status.Valid => "valid",
        Utf8Status.Partial => "partial",
        Utf8Status.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown UTF-8 status"),
    };

    /// <summary>Checks that a header is exactly <paramref name="expected"/>.</summary>
    public static void ExpectHeader(string file, IReadOnlyList<string> header, IReadOnlyList<string> expected)
    {
        if (header.Count == 0) throw new FormatException($"{file} is empty: no header.");
        for (int i = 0; i < Math.Max(header.Count, expected.Count); i++)
        {
            string found = i < header.Count ? $"'{header[i]}'" : "missing";
            if (i >= expected.Count) throw new FormatException($"{file} header (line 1), column {i + 1} ({found}): unexpected column.");
            if (i >= header.Count || header[i] != expected[i])
                throw new FormatException($"{file} header (line 1), column {i + 1} ({found}): expected '{expected[i]}'.");
        }
    }

    /// <summary>Checks that text has a UTF-8 form (a lone surrogate would be written as U+FFFD and not read back).</summary>
    public static string? SurrogateProblem(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return $"has a lone surrogate at index {i}";
        }
        return null;
    }

    /// <summary>Strict parsing of the current record's fields, with errors that name the file, line and column.</summary>
    /// <summary>"FILE line N, column I (NAME): PROBLEM." — the one form every CSV reader's errors take.</summary>
    public static FormatException LineError(string file, long line, int column, IReadOnlyList<string> header, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{file} line {line}, column {column + 1} ({header[column]}): {problem}."));

    public readonly struct Fields(string file, CsvReader csv, IReadOnlyList<string> header)
    {
        public string Text(int i) => csv.GetString(i);

        public int Int(int i) =>
            int.TryParse(Text(i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : throw NotA(i, "an integer");

        public int? IntOrNull(int i) => Text(i).Length == 0 ? null : Int(i);

        public double Real(int i) => RealOrNull(i) ?? throw NotA(i, "a number");

        public double? RealOrNull(int i)
        {
            string text = Text(i);
            if (text.Length == 0) return null;
            const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
            return double.TryParse(text, style, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : throw NotA(i, "a finite number");
        }

        /// <summary>A float; NaN and ±Infinity are accepted (vocabulary scores can be anything).</summary>
        public float Single(int i) =>
            float.TryParse(Text(i), NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ? value : throw NotA(i, "a number");

        public bool Bool(int i) => BoolOrNull(i) ?? throw NotA(i, "true or false");

        public bool? BoolOrNull(int i) => Text(i) switch
        {
            "true" => true,
            "false" => false,
            "" => null,
            _ => throw NotA(i, "true or false"),
        };

        public byte[] Hex(int i)
        {
            try
            {
                return PieceText.FromHex(Text(i));
            }
            catch (FormatException)
            {
                throw NotA(i, "hex bytes");
            }
        }

        public int[] Ids(int i)
        {
            string text = Text(i);
            if (text.Length == 0) return [];
            string[] parts = text.Split(' ');
            var ids = new int[parts.Length];
            for (int k = 0; k < parts.Length; k++)
            {
                if (!int.TryParse(parts[k], NumberStyles.None, CultureInfo.InvariantCulture, out ids[k])) throw NotA(i, "space-separated token ids");
            }
            return ids;
        }

        public Utf8Status Utf8(int i) => Text(i) switch
        {
            "valid" => Utf8Status.Valid,
            "partial" => Utf8Status.Partial,
            "invalid" => Utf8Status.Invalid,
            _ => throw NotA(i, "valid, partial or invalid"),
        };

        public TokenCategory Category(int i) => TokenCategories.TryParse(Text(i), out var c) ? c : throw NotA(i, "a category");

        public TokenCategory? CategoryOrNull(int i) => Text(i).Length == 0 ? null : Category(i);

        public TokenType TokenType(int i) => TokenTypes.TryParse(Text(i), out var t) ? t : throw NotA(i, "a token type");

        public FormatException Error(int i, string problem) => LineError(file, csv.LineNumber, i, header, problem);

        /// <summary>The line the reader is on (for a check made after the whole file is read, <see cref="LineError"/>).</summary>
        public long Line => csv.LineNumber;

        private FormatException NotA(int i, string what) => Error(i, $"'{Text(i)}' is not {what}");
    }
}
