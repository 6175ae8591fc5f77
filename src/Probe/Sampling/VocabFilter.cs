using System.Security.Cryptography;
using System.Text.Json.Serialization;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// <c>--vocab-filter</c>: the tokens sampling may choose from. A comma-separated list of token
/// classes (<see cref="TokenClasses.Names"/>) and at most one <c>file:PATH</c> of ids; a token must
/// satisfy every item (so <c>alpha,ascii</c> = ASCII words). With it, T → 0⁻ picks the least likely
/// token <i>of the class</i>: the least likely word rather than byte garbage.
/// </summary>
public sealed class VocabFilter
{
    private readonly IReadOnlyList<TokenClass> _classes;
    private readonly int[]? _ids;
    private readonly bool _readBack;

    private VocabFilter(string spec, IReadOnlyList<TokenClass> classes, int[]? ids, string? idsSha256)
    {
        Spec = spec;
        _classes = classes;
        _ids = ids;
        IdsSha256 = idsSha256;
    }

    /// <summary>
    /// A filter read back from a journal's settings (merge): it describes the harvest that ran, and
    /// cannot filter again, as its ids file may have changed or gone since.
    /// </summary>
    [JsonConstructor]
    internal VocabFilter(string spec, string? idsSha256) : this(spec, [], null, idsSha256) => _readBack = true;

    /// <summary>The filter as given, normalised (trimmed items, lower-case class names).</summary>
    public string Spec { get; }

    /// <summary>SHA-256 of the ids file, so a scan's fingerprint changes when the file does; null without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdsSha256 { get; }

    /// <summary>Parses <c>--vocab-filter</c>; reads the ids file now. Throws <see cref="InputException"/> with the reason.</summary>
    public static VocabFilter Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var classes = new List<TokenClass>();
        var normalised = new List<string>();
        int[]? ids = null;
        string? sha = null;
        foreach (string item in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TokenClasses.TryParse(item, out TokenClass c))
            {
                if (!classes.Contains(c)) classes.Add(c);
                normalised.Add(TokenClasses.Name(c));
            }
            else if (item.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                if (ids is not null) throw new InputException($"'{spec}' gives more than one file of ids") { Parameter = "vocab-filter" };
                string path = item["file:".Length..];
                (ids, sha) = ReadIds(path);
                normalised.Add("file:" + path);
            }
            else
            {
                throw new InputException(
                    $"'{item}' is not a token class ({string.Join(", ", TokenClasses.Names)}) or file:PATH") { Parameter = "vocab-filter" };
            }
        }
        if (normalised.Count == 0) throw new InputException("empty; give a class such as no-bytes or file:PATH") { Parameter = "vocab-filter" };
        return new VocabFilter(string.Join(",", normalised), classes, ids, sha);
    }

    /// <summary>The admitted ids of <paramref name="vocabulary"/>, ascending; throws when none is left or a listed id does not exist.</summary>
    public int[] Candidates(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (_readBack) throw new InvalidOperationException($"the filter '{Spec}' was read back from a journal; parse it again to filter");
        if (_ids is not null && _ids.Length > 0 && _ids[^1] >= vocabulary.Count)
        {
            throw new InputException($"{Spec}: id {_ids[^1]} is not in the vocabulary (ids 0-{vocabulary.Count - 1})") { Parameter = "vocab-filter" };
        }
        IEnumerable<int> ids = _ids ?? Enumerable.Range(0, vocabulary.Count);
        int[] admitted = _classes.Count == 0 ? [.. ids] : [.. ids.Where(id => Admits(vocabulary, id))];
        if (admitted.Length == 0) throw new InputException($"{Spec} admits no token of the {vocabulary.Count} in this vocabulary") { Parameter = "vocab-filter" };
        return admitted;
    }

    private bool Admits(Vocabulary vocabulary, int id)
    {
        TokenFacts token = vocabulary.Facts(id);
        return _classes.All(token.IsIn);
    }

    // One or more ids or ranges (100-199) per line, separated by commas or white space; '#' starts a comment.
    private static (int[] Ids, string Sha256) ReadIds(string path)
    {
        if (path.Length == 0) throw new InputException("file: needs a path (file:ids.txt)") { Parameter = "vocab-filter" };
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"cannot read '{path}': {e.Message}", e) { Parameter = "vocab-filter" };
        }
        var ids = new SortedSet<int>();
        string[] lines = System.Text.Encoding.UTF8.GetString(content).Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            foreach (string part in line.Split([',', ' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TokenIdRange.TryParse(part, out int first, out int last) || last - first >= 1 << 24)
                {
                    throw new InputException($"{path}:{n + 1}: '{part}' is not a token id or a range like 100-199") { Parameter = "vocab-filter" };
                }
                for (int id = first; id <= last; id++) ids.Add(id);
            }
        }
        if (ids.Count == 0) throw new InputException($"file '{path}' lists no token id") { Parameter = "vocab-filter" };
        return ([.. ids], Convert.ToHexStringLower(SHA256.HashData(content)));
    }
}
