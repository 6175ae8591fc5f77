using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Geometry;

/// <summary>
/// Tokens known to be untrained, whose mean unembedding row anchors the Magikarp indicator, chosen
/// in this order: (1) the tokens the tokenizer audit categorises unused/padding or unreachable;
/// (2) if there are none, byte-fallback tokens for bytes that can never occur in UTF-8 (0xC0, 0xC1,
/// 0xF5–0xFF); (3) a file of ids given by the user overrides both. A vocabulary with none of them
/// gets no reference (an empty set, and the indicator is left empty), not an error.
/// </summary>
public static class ReferenceTokens
{
    /// <summary>The chosen ids and a description of how they were chosen.</summary>
    public static (int[] Ids, string Source) Choose(Vocabulary vocabulary, string? idsFile = null)
    {
        if (idsFile is not null) return (ReadIds(idsFile, vocabulary.Count), $"ids from {idsFile}");

        int[] unusedOrUnreachable = TokenizerAudit.Run(vocabulary)
            .Where(r => r.Category is TokenCategory.Unused or TokenCategory.Unreachable).Select(r => r.TokenId).ToArray();
        if (unusedOrUnreachable.Length > 0) return (unusedOrUnreachable, $"{unusedOrUnreachable.Length} tokens the tokenizer audit finds unused or unreachable");

        var neverUtf8 = new List<int>();
        for (int id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary.GetTokenType(id) != TokenType.Byte) continue;
            byte[] piece = vocabulary.TokenToPiece(id);
            if (piece.Length == 1 && piece[0] is 0xC0 or 0xC1 or >= 0xF5) neverUtf8.Add(id);
        }
        if (neverUtf8.Count > 0) return ([.. neverUtf8], $"{neverUtf8.Count} byte tokens for bytes that never occur in UTF-8");
        return ([], "none — the vocabulary has no unused, unreachable or never-UTF-8 byte tokens to anchor it, so magikarp_indicator is empty " +
            "(analyze --reference FILE gives known-untrained ids, one per line)");
    }

    private static int[] ReadIds(string path, int vocabularySize)
    {
        if (!File.Exists(path)) throw new InputException($"reference file not found: {path}");
        var ids = new SortedSet<int>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            string t = text.Trim();
            if (t.Length == 0 || t.StartsWith('#')) continue;
            if (!int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id) || id >= vocabularySize)
            {
                throw new InputException($"{path}:{line}: '{t}' is not a token id in [0, {vocabularySize})");
            }
            ids.Add(id);
        }
        return ids.Count > 0 ? [.. ids] : throw new InputException($"{path} lists no token ids");
    }
}
