using System.Text;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>Formatting of untrusted names and strings for one-line error messages.</summary>
internal static class GgufText
{
    /// <summary>The text with control characters replaced by '?' and cut to <paramref name="maxLength"/> characters.</summary>
    public static string Printable(string text, int maxLength = 80)
    {
        bool cut = text.Length > maxLength;
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 3);
        foreach (char c in cut ? text.AsSpan(0, maxLength) : text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }
        return cut ? builder.Append("...").ToString() : builder.ToString();
    }

    /// <summary>Raw bytes shown as lossy UTF-8, printable and cut.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int maxLength = 80) =>
        Printable(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, maxLength * 4)]), maxLength);
}
