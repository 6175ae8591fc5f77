using System.Text;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// A user's list of known glitch tokens (<c>--glitch-list FILE</c>): UTF-8, one token per line, written
/// as the <c>piece</c> column of the tool's CSVs writes it — text as it is (a leading space counts),
/// with \n, \t, \r, \\, \xNN (a raw byte) and \uNNNN escapes — so a piece column can be pasted in.
/// Empty lines are skipped; nothing else is trimmed.
/// </summary>
public static class GlitchList
{
    /// <summary>The bytes of each listed token, in file order.</summary>
    /// <exception cref="InputException">The file is missing, not UTF-8, has a bad escape, or lists nothing.</exception>
    public static IReadOnlyList<byte[]> Load(string path)
    {
        if (Directory.Exists(path)) throw new InputException($"'{path}' is a directory, not a glitch list") { Parameter = "glitch-list" };
        if (!File.Exists(path)) throw new InputException($"glitch list not found: {path}") { Parameter = "glitch-list" };
        string content;
        try
        {
            content = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new InputException($"glitch list '{path}' is not valid UTF-8 (write raw bytes as \\xNN): {e.Message}", e) { Parameter = "glitch-list" };
        }
        if (content.Length > 0 && content[0] == '\uFEFF') content = content[1..];
        var tokens = new List<byte[]>();
        int lineNumber = 0;
        foreach (string raw in content.Split('\n'))
        {
            lineNumber++;
            string line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.Length == 0) continue;
            try
            {
                tokens.Add(PieceText.Unescape(line));
            }
            catch (FormatException e)
            {
                throw new InputException($"glitch list '{path}' line {lineNumber}: {e.Message}", e) { Parameter = "glitch-list" };
            }
        }
        if (tokens.Count == 0) throw new InputException($"glitch list '{path}' lists no token (one per line)") { Parameter = "glitch-list" };
        return tokens;
    }
}
