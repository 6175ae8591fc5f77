using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>Where a glitch token of A came from.</summary>
[Flags]
public enum GlitchSource
{
    /// <summary>None (not used for a row).</summary>
    None = 0,
    /// <summary>It failed in the scan of A (<c>--scan-a</c>).</summary>
    ScanA = 1,
    /// <summary>It is in the user's list (<c>--glitch-list</c>).</summary>
    List = 2,
}

/// <summary>What became of a glitch token of A in B.</summary>
public enum GlitchFate
{
    /// <summary>B has a token with the same bytes under the same id.</summary>
    SameId,
    /// <summary>B has a token with the same bytes under another id.</summary>
    Moved,
    /// <summary>No token of B has these bytes: B spells them with several tokens.</summary>
    Gone,
    /// <summary>A listed text that is no token of A but is one of B.</summary>
    Added,
}

/// <summary>One known glitch token of A and its fate in B.</summary>
/// <param name="Bytes">Its bytes.</param>
/// <param name="Source">Where it is known from.</param>
/// <param name="IdA">Its id in A, or null when a listed text is not a single token of A.</param>
/// <param name="ScanA">A's scan verdict, when A was scanned and the scan probed it.</param>
/// <param name="Fate">What became of it in B.</param>
/// <param name="IdB">B's token with the same bytes, or null when gone.</param>
/// <param name="ScanB">B's scan verdict on it, when B was scanned and probed it.</param>
/// <param name="TokensB">How B tokenizes its bytes mid-text (one id when it survives).</param>
public sealed record GlitchToken(ReadOnlyMemory<byte> Bytes, GlitchSource Source, int? IdA, ScanValue? ScanA, GlitchFate Fate, int? IdB, ScanValue? ScanB, IReadOnlyList<int> TokensB)
{
    /// <summary>"same-id", "moved", "gone" or "added", as glitch.csv writes it.</summary>
    public static string FateName(GlitchFate fate) => fate switch
    {
        GlitchFate.SameId => "same-id",
        GlitchFate.Moved => "moved",
        GlitchFate.Gone => "gone",
        GlitchFate.Added => "added",
        _ => throw new ArgumentOutOfRangeException(nameof(fate), fate, "unknown fate"),
    };

    /// <summary>"scan-a", "list" or "scan-a+list".</summary>
    public static string SourceName(GlitchSource source) => source switch
    {
        GlitchSource.ScanA => "scan-a",
        GlitchSource.List => "list",
        GlitchSource.ScanA | GlitchSource.List => "scan-a+list",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown source"),
    };

    /// <inheritdoc/>
    public bool Equals(GlitchToken? other) =>
        other is not null && Bytes.Span.SequenceEqual(other.Bytes.Span) && Source == other.Source && IdA == other.IdA && ScanA == other.ScanA
        && Fate == other.Fate && IdB == other.IdB && ScanB == other.ScanB && TokensB.SequenceEqual(other.TokensB);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Source, IdA, Fate, IdB);
}

/// <summary>
/// The known glitch tokens of A — those its scan failed and/or a list of texts — and whether each
/// survives in B: a token of B with the same bytes (the same id or moved) or gone. Matched by bytes,
/// whatever the spelling; where several ids of B have the bytes (a byte-fallback and a normal token),
/// the one of the same type as A's counts (a listed text: the normal one).
/// </summary>
public static class GlitchSurvival
{
    /// <summary>Follows every glitch token of A into B, in A's id order (listed texts A lacks last).</summary>
    /// <param name="a">A's tokens.</param>
    /// <param name="b">B's tokens.</param>
    /// <param name="scanA">A's scan: each token it failed is a glitch token; null for none.</param>
    /// <param name="scanB">B's scan, for whether survivors still fail; or null.</param>
    /// <param name="listed">The bytes of listed glitch texts (duplicates are merged).</param>
    /// <param name="tokenizeB">B's tokenization of bytes as a continuation of text.</param>
    public static IReadOnlyList<GlitchToken> Follow(IReadOnlyList<VocabularyEntry> a, IReadOnlyList<VocabularyEntry> b, ScanResults? scanA, ScanResults? scanB,
        IReadOnlyList<byte[]> listed, Func<byte[], IReadOnlyList<int>> tokenizeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(listed);
        ArgumentNullException.ThrowIfNull(tokenizeB);
        Dictionary<string, List<VocabularyEntry>> byBytesA = ByBytes(a), byBytesB = ByBytes(b);

        // One glitch per failed id of A, then one per listed text not already among them.
        var glitches = new List<(byte[] Bytes, GlitchSource Source, VocabularyEntry? A)>();
        var failedIds = new Dictionary<int, int>();
        foreach (int id in scanA?.FailedIds ?? [])
        {
            if ((uint)id >= (uint)a.Count || a[id].Bytes.IsEmpty) continue;
            failedIds[id] = glitches.Count;
            glitches.Add((a[id].Bytes.ToArray(), GlitchSource.ScanA, a[id]));
        }
        var listedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (byte[] bytes in listed)
        {
            string key = Key(bytes);
            if (bytes.Length == 0 || !listedKeys.Add(key)) continue;
            VocabularyEntry? entry = Choose(byBytesA.GetValueOrDefault(key), TokenType.Normal);
            if (entry is not null && failedIds.TryGetValue(entry.Id, out int index)) glitches[index] = glitches[index] with { Source = GlitchSource.ScanA | GlitchSource.List };
            else glitches.Add((bytes, GlitchSource.List, entry));
        }

        return glitches
            .OrderBy(g => g.A?.Id ?? int.MaxValue)
            .Select(g =>
            {
                int? idA = g.A?.Id;
                VocabularyEntry? inB = Choose(byBytesB.GetValueOrDefault(Key(g.Bytes)), g.A?.TokenType ?? TokenType.Normal);
                int? idB = inB?.Id;
                GlitchFate fate = idB is null ? GlitchFate.Gone : idA is null ? GlitchFate.Added : idB == idA ? GlitchFate.SameId : GlitchFate.Moved;
                return new GlitchToken(g.Bytes, g.Source, idA, idA is int ia ? scanA?.Find(ia) : null, fate, idB,
                    idB is int ib ? scanB?.Find(ib) : null, idB is int single ? [single] : tokenizeB(g.Bytes));
            })
            .ToList();
    }

    private static string Key(ReadOnlySpan<byte> bytes) => Text.PieceText.ToHex(bytes);

    // Several ids can decode alike (a byte-fallback <0x41> and a normal "A"): the one of the wanted
    // type stands for the bytes, else a normal one, else the lowest id.
    private static VocabularyEntry? Choose(List<VocabularyEntry>? candidates, TokenType wanted) =>
        candidates?.FirstOrDefault(e => e.TokenType == wanted) ?? candidates?.FirstOrDefault(e => e.TokenType == TokenType.Normal) ?? candidates?.FirstOrDefault();

    private static Dictionary<string, List<VocabularyEntry>> ByBytes(IReadOnlyList<VocabularyEntry> entries)
    {
        var map = new Dictionary<string, List<VocabularyEntry>>(entries.Count, StringComparer.Ordinal);
        foreach (VocabularyEntry e in entries.OrderBy(e => e.Id))
        {
            if (e.Bytes.IsEmpty) continue;
            string key = Key(e.Bytes.Span);
            if (!map.TryGetValue(key, out var list)) map[key] = list = [];
            list.Add(e);
        }
        return map;
    }
}
