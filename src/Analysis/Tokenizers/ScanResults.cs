using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>
/// A scan's per-token verdicts (from its tokens.csv, read with <see cref="TokensCsv.Read(string)"/>),
/// for the compare.csv columns failed_a/b and repeat_prob_a/b.
/// </summary>
public sealed class ScanResults
{
    private readonly Dictionary<int, (ScanValue Value, ReadOnlyMemory<byte> Bytes)> _byId;

    private ScanResults(string path, Dictionary<int, (ScanValue, ReadOnlyMemory<byte>)> byId)
    {
        Path = path;
        _byId = byId;
    }

    /// <summary>The tokens.csv it was read from.</summary>
    public string Path { get; }

    /// <summary>Number of tokens the scan covered.</summary>
    public int Count => _byId.Count;

    /// <summary>Number of those that failed.</summary>
    public int FailedCount => _byId.Values.Count(v => v.Value.Failed);

    /// <summary>Reads a scan's tokens.csv.</summary>
    /// <exception cref="FormatException">The file is not a valid tokens.csv.</exception>
    public static ScanResults Read(string path) => From(path, TokensCsv.Read(path));

    /// <summary>Wraps an already-read table.</summary>
    public static ScanResults From(string path, TokensTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new ScanResults(path, table.Rows.ToDictionary(r => r.TokenId, r => (new ScanValue(r.Failed, r.RepeatProb), r.Bytes)));
    }

    /// <summary>The ids that failed, in order.</summary>
    public IEnumerable<int> FailedIds => _byId.Where(kv => kv.Value.Value.Failed).Select(kv => kv.Key).Order();

    /// <summary>The scan's verdict on <paramref name="id"/>, or null when it did not probe it.</summary>
    public ScanValue? Find(int id) => _byId.TryGetValue(id, out var v) ? v.Value : null;

    /// <summary>
    /// Why this scan cannot belong to the vocabulary of <paramref name="entries"/> (an id outside it,
    /// or a token whose bytes differ), or null when it fits.
    /// </summary>
    public string? Mismatch(IReadOnlyList<VocabularyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byId = entries.ToDictionary(e => e.Id);
        foreach (var (id, (_, bytes)) in _byId.OrderBy(kv => kv.Key))
        {
            if (!byId.TryGetValue(id, out VocabularyEntry? entry)) return $"token id {id} is not in the vocabulary ({entries.Count} tokens)";
            if (!entry.Bytes.Span.SequenceEqual(bytes.Span))
                return $"token {id} is '{PieceText.Escape(bytes.Span)}' in the scan but '{PieceText.Escape(entry.Bytes.Span)}' in the vocabulary";
        }
        return null;
    }
}
