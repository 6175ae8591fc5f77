using System.Diagnostics;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers.Sources;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// The static audit of a vocabulary, through its own tokenizer (llama.cpp's for a GGUF file): for every token id its
/// bytes, spelling, type, attributes, score, UTF-8 status, round trip, reachability, duplicates and
/// category (<see cref="TokenCategories"/>). Works on vocab-only files. Tokens are audited in
/// parallel (llama.cpp's tokenizer is thread-safe); the result does not depend on the thread count.
/// </summary>
public static class TokenizerAudit
{
    /// <summary>How reachability was searched, for audit.md.</summary>
    public static IReadOnlyList<string> ReachabilityNotes => ReachabilitySearch.Notes;

    /// <summary>Audits every token of <paramref name="vocabulary"/>, sorted by id.</summary>
    /// <param name="vocabulary">The vocabulary.</param>
    /// <param name="threads">Worker threads; 0 = all cores.</param>
    public static IReadOnlyList<AuditRecord> Run(ITokenVocabulary vocabulary, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var tokenizer = new ContinuationTokenizer(vocabulary);
        var search = new ReachabilitySearch(tokenizer);
        var records = new AuditRecord[vocabulary.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = ThreadCount.Resolve(threads) };
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, vocabulary.Count, 256), options, range =>
        {
            for (int id = range.Item1; id < range.Item2; id++) records[id] = Audit(vocabulary, tokenizer, search, id);
        });
        return WithDuplicates(records);
    }

    /// <summary>Audits a vocabulary (<see cref="VocabularySource"/>) and returns the report audit.md is written from.</summary>
    /// <param name="source">A vocabulary in any of <see cref="VocabularySource.Forms"/>.</param>
    /// <param name="threads">Worker threads; 0 = all cores.</param>
    /// <param name="preTokenizer">Overrides the source's pre-tokenizer, or null.</param>
    public static AuditResult Run(string source, int threads = 0, string? preTokenizer = null)
    {
        var clock = Stopwatch.StartNew();
        using OpenedVocabulary opened = VocabularySource.Open(source, preTokenizer);
        IReadOnlyList<AuditRecord> records = Run(opened.Vocabulary, threads);
        return new AuditResult
        {
            Vocabulary = opened.Description,
            Records = records,
            Tool = ToolIdentity.Tool,
            LlamaCpp = LlamaRuntime.Engine.Summary,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            ReachabilityNotes = ReachabilityNotes,
        };
    }

    private static AuditRecord Audit(ITokenVocabulary v, ContinuationTokenizer tokenizer, ReachabilitySearch search, int id)
    {
        TokenAttributes attributes = v.GetAttributes(id);
        byte[] bytes = v.TokenToPiece(id, special: true);
        int[] ids = tokenizer.Tokenize(bytes) ?? [];
        bool roundTrip = ids.Length == 1 && ids[0] == id;
        // A round trip proves reachability only from valid text (see ReachabilitySearch).
        (bool reachable, string via) = roundTrip && PieceText.ClassifyUtf8(bytes) == Utf8Status.Valid ? (true, "roundtrip")
            : (attributes & TokenAttributes.Control) != 0 ? (false, "")
            : search.Search(id, bytes, ids, (attributes & TokenAttributes.Unknown) != 0);
        return new AuditRecord
        {
            TokenId = id,
            Bytes = bytes,
            Text = v.GetText(id),
            TokenType = TokenTypes.FromAttributes(attributes),
            Attributes = TokenAttributeNames.Join(attributes),
            Score = v.GetScore(id),
            RoundTrip = roundTrip,
            RoundTripIds = roundTrip ? [] : ids,
            Reachable = reachable,
            ReachableVia = via,
        };
    }

    /// <summary>Sets <see cref="AuditRecord.DuplicateOf"/>: the smallest other id with the same non-empty bytes.</summary>
    private static AuditRecord[] WithDuplicates(AuditRecord[] records)
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (AuditRecord r in records)
        {
            if (r.Bytes.IsEmpty) continue;
            string key = PieceText.ToHex(r.Bytes.Span);
            if (!groups.TryGetValue(key, out var ids)) groups[key] = ids = [];
            ids.Add(r.TokenId);
        }
        foreach (List<int> ids in groups.Values)
        {
            if (ids.Count < 2) continue;
            foreach (int id in ids) records[id] = records[id] with { DuplicateOf = ids[0] != id ? ids[0] : ids[1] };
        }
        return records;
    }

}
