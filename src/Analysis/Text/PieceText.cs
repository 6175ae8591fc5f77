using System.Globalization;
using System.Text;

namespace AnomalyProbe.Analysis.Text;

/// <summary>
/// Renders raw token bytes as readable text without losing information: valid UTF-8 stays as is,
/// every invalid byte and every control character becomes a visible escape (\xNN, \n, \t, ...).
/// </summary>
public static class PieceText
{
    /// <summary>
    /// Escapes <paramref name="bytes"/>. With <paramref name="keepLayout"/> newlines and tabs stay
    /// literal and backslashes are not escaped (for terminal text); without it the result is one
    /// unambiguous line (for tables and CSV), with backslash written as \\.
    /// </summary>
    public static string Escape(ReadOnlySpan<byte> bytes, bool keepLayout = false)
    {
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{bytes[0]:X2}");
                bytes = bytes[1..];
                continue;
            }
            AppendRune(sb, rune, keepLayout);
            bytes = bytes[consumed..];
        }
        return sb.ToString();
    }

    /// <summary>
    /// The bytes an escaped piece stands for — the inverse of <see cref="Escape"/> (one-line form):
    /// \n, \t, \r, \\, \xNN (that byte, as invalid bytes are written) and \uNNNN (that character).
    /// </summary>
    /// <exception cref="FormatException">A backslash starts none of those.</exception>
    public static byte[] Unescape(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var bytes = new List<byte>(piece.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < piece.Length; i++)
        {
            if (piece[i] != '\\')
            {
                Rune.DecodeFromUtf16(piece.AsSpan(i), out Rune rune, out int used);
                int n = rune.EncodeToUtf8(utf8);
                for (int k = 0; k < n; k++) bytes.Add(utf8[k]);
                i += used - 1;
                continue;
            }
            char next = i + 1 < piece.Length ? piece[i + 1] : '\0';
            int digits = next switch { 'x' => 2, 'u' => 4, _ => 0 };
            if (digits > 0 && i + 2 + digits <= piece.Length
                && int.TryParse(piece.AsSpan(i + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            {
                if (digits == 2) bytes.Add((byte)value);
                else
                {
                    if (!Rune.IsValid(value)) throw new FormatException($"'\\u{value:X4}' at {i + 1} is not a character");
                    int n = new Rune(value).EncodeToUtf8(utf8);
                    for (int k = 0; k < n; k++) bytes.Add(utf8[k]);
                }
                i += 1 + digits;
                continue;
            }
            bytes.Add(next switch
            {
                'n' => (byte)'\n',
                't' => (byte)'\t',
                'r' => (byte)'\r',
                '\\' => (byte)'\\',
                _ => throw new FormatException($"'\\{next}' at {i + 1} is not an escape (\\n, \\t, \\r, \\\\, \\xNN, \\uNNNN)"),
            });
            i++;
        }
        return [.. bytes];
    }

    /// <summary>Lowercase hex of the bytes, e.g. "e2968120" (empty for no bytes).</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Inverse of <see cref="ToHex"/>.</summary>
    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);

    /// <summary>
    /// UTF-8 validity of a piece on its own. <see cref="Utf8Status.Partial"/> means the bytes can
    /// join a neighbouring token's into valid text: they start with continuation bytes or end
    /// inside a multi-byte character.
    /// </summary>
    public static Utf8Status ClassifyUtf8(ReadOnlySpan<byte> bytes)
    {
        int leading = 0;
        while (leading < bytes.Length && leading < 3 && (bytes[leading] & 0xC0) == 0x80) leading++;
        bytes = bytes[leading..];
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out _, out int consumed);
            if (status == System.Buffers.OperationStatus.NeedMoreData) return Utf8Status.Partial;
            if (status != System.Buffers.OperationStatus.Done) return Utf8Status.Invalid;
            bytes = bytes[consumed..];
        }
        return leading > 0 ? Utf8Status.Partial : Utf8Status.Valid;
    }

    private static void AppendRune(StringBuilder sb, Rune rune, bool keepLayout)
    {
        switch (rune.Value)
        {
            case '\n' when keepLayout:
                sb.Append('\n');
                return;
            case '\t' when keepLayout:
                sb.Append('\t');
                return;
            case '\n':
                sb.Append("\\n");
                return;
            case '\t':
                sb.Append("\\t");
                return;
            case '\r':
                sb.Append("\\r");
                return;
            case '\\' when !keepLayout:
                sb.Append("\\\\");
                return;
        }
        if (Rune.IsControl(rune))
        {
            if (rune.Value <= 0xFF) sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:X2}");
            else sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            return;
        }
        sb.Append(rune.ToString());
    }
}

/// <summary>Whether a token's bytes are UTF-8 on their own.</summary>
public enum Utf8Status
{
    /// <summary>Complete, valid UTF-8.</summary>
    Valid,
    /// <summary>Part of a multi-byte character (needs bytes from a neighbouring token).</summary>
    Partial,
    /// <summary>Bytes that can never be valid UTF-8 (e.g. 0xC0, 0xF5–0xFF).</summary>
    Invalid,
}
