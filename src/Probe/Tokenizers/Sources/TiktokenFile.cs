using System.Security.Cryptography;
using System.Text;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>
/// The ranks of a .tiktoken file (one "base64-bytes rank" per line; or Microsoft.ML.Tokenizers'
/// packaged form: a "Capacity: N" line, then one base64 per line in rank order), read here because
/// the library keeps its byte table private: the audit needs every token's bytes, including the
/// partial-UTF-8 ones no string can hold. Untrusted input: every line is checked.
/// </summary>
internal sealed class TiktokenFile
{
    /// <summary>Ranks above this many lines past the last one are refused (a gap that size is not a vocabulary).</summary>
    public const int MaxGap = 1 << 16;

    private TiktokenFile(byte[] contents, byte[]?[] ranks)
    {
        Contents = contents;
        Ranks = ranks;
        var canonical = new StringBuilder();
        for (int rank = 0; rank < ranks.Length; rank++)
        {
            if (ranks[rank] is { } bytes) canonical.Append(Convert.ToBase64String(bytes)).Append(' ').Append(rank.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    /// <summary>The file's bytes (the tokenizer is built from them).</summary>
    public byte[] Contents { get; }

    /// <summary>Bytes by rank; null where no line has that rank.</summary>
    public byte[]?[] Ranks { get; }

    /// <summary>
    /// SHA-256 of the ranks written as a published .tiktoken file ("base64 rank" lines in rank order),
    /// lowercase hex: the hash tiktoken publishes for its files, whichever form they were read from.
    /// </summary>
    public string Sha256 { get; }

    /// <summary>Parses <paramref name="contents"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InputException">A line is not "base64 rank", a rank repeats, or the bytes of two ranks are the same.</exception>
    public static TiktokenFile Parse(byte[] contents, string name)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var byRank = new Dictionary<int, byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = Encoding.UTF8.GetString(contents).Split('\n');
        bool packaged = lines[0].StartsWith("Capacity: ", StringComparison.Ordinal);
        int lineNumber = packaged ? 1 : 0, maxRank = -1;
        foreach (string line in packaged ? lines[1..] : lines)
        {
            lineNumber++;
            string trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0) continue;
            string[] fields = packaged ? [trimmed, byRank.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)] : trimmed.Split(' ');
            if (fields.Length != 2 || !int.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int rank))
            {
                throw new InputException($"'{name}' line {lineNumber}: expected \"<base64 bytes> <rank>\", got '{Analysis.Text.PieceText.Escape(Encoding.UTF8.GetBytes(trimmed[..Math.Min(trimmed.Length, 40)]))}'");
            }
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(fields[0]);
            }
            catch (FormatException)
            {
                throw new InputException($"'{name}' line {lineNumber}: '{fields[0][..Math.Min(fields[0].Length, 40)]}' is not base64");
            }
            if (bytes.Length == 0) throw new InputException($"'{name}' line {lineNumber}: a token of no bytes");
            if (!byRank.TryAdd(rank, bytes)) throw new InputException($"'{name}' line {lineNumber}: rank {rank} appears twice");
            if (!seen.Add(fields[0])) throw new InputException($"'{name}' line {lineNumber}: the bytes of rank {rank} appear twice");
            if (rank > byRank.Count + MaxGap) throw new InputException($"'{name}' line {lineNumber}: rank {rank} is far beyond the {byRank.Count:N0} lines read");
            maxRank = Math.Max(maxRank, rank);
        }
        if (byRank.Count == 0) throw new InputException($"'{name}' holds no tokens (expected one \"<base64 bytes> <rank>\" per line)");
        var ranks = new byte[]?[maxRank + 1];
        foreach (var (rank, bytes) in byRank) ranks[rank] = bytes;
        return new TiktokenFile(contents, ranks);
    }
}
