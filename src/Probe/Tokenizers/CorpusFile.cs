using System.Text;
using AnomalyProbe.Analysis.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// A user's corpus (<c>--corpus FILE</c>): UTF-8 text, one text per paragraph (paragraphs are
/// separated by blank lines; line breaks inside a paragraph are kept).
/// </summary>
public static class CorpusFile
{
    /// <summary>Reads and splits the file.</summary>
    /// <exception cref="InputException">The file is missing, not UTF-8, or holds no text.</exception>
    public static IReadOnlyList<CorpusText> Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"corpus file not found: {path}");
        string content;
        try
        {
            content = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new InputException($"corpus file '{path}' is not valid UTF-8: {e.Message}", e);
        }
        if (content.Length > 0 && content[0] == '\uFEFF') content = content[1..];

        var texts = new List<CorpusText>();
        var paragraph = new List<string>();
        int lineNumber = 0, firstLine = 0;
        foreach (string line in content.ReplaceLineEndings("\n").Split('\n').Append(""))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                if (paragraph.Count > 0) texts.Add(new CorpusText("file", $"paragraph {texts.Count + 1} (line {firstLine})", string.Join('\n', paragraph)));
                paragraph.Clear();
                continue;
            }
            if (paragraph.Count == 0) firstLine = lineNumber;
            paragraph.Add(line);
        }
        if (texts.Count == 0) throw new InputException($"corpus file '{path}' holds no text");
        return texts;
    }
}
