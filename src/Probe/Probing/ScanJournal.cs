using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The scan's durable, append-only record (<c>journal.jsonl</c>): a header with the settings'
/// fingerprint, then per probe group its result lines followed by a commit line carrying their
/// count and SHA-256. Each group is written with one write and flushed to disk before the scan
/// moves on, so a crash, kill -9 or power loss loses at most the group in flight. On reopening,
/// everything after the last intact commit (a torn or partial group) is cut off and redone.
/// </summary>
public sealed class ScanJournal : IDisposable
{
    /// <summary>File name inside the output directory.</summary>
    public const string FileName = "journal.jsonl";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly FileStream _stream;

    private ScanJournal(FileStream stream, JournalContents contents)
    {
        _stream = stream;
        Contents = contents;
    }

    /// <summary>Sees every group just before it is written (<see cref="CrashHook"/>); null in normal runs.</summary>
    internal ICommitObserver? Observer { get; set; }

    /// <summary>What the journal held when opened (empty for a new scan).</summary>
    public JournalContents Contents { get; }

    /// <summary>Path of the journal file.</summary>
    public string Path => _stream.Name;

    /// <summary>
    /// Opens <paramref name="directory"/>'s journal. A new scan refuses an existing journal unless
    /// <paramref name="resume"/>; resuming refuses a journal made with other settings: its fingerprint is
    /// neither the header's nor the one older versions wrote for <paramref name="settings"/>
    /// (<see cref="ScanSettings.LegacyFingerprint"/>, with the harvest the journal was started with).
    /// </summary>
    public static ScanJournal Open(string directory, JournalHeader header, bool resume, ScanSettings? settings = null)
    {
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, FileName);
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists && !resume)
        {
            throw new InputException($"'{directory}' already holds a scan journal: resume it, or choose another directory") { Parameter = "out" };
        }
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (!exists)
            {
                stream.SetLength(0);
                var journal = new ScanJournal(stream, JournalContents.Empty(header));
                journal.WriteDurably(Line(header) + "\n");
                return journal;
            }
            JournalContents contents = Read(stream, path);
            if (contents.Header.Fingerprint != header.Fingerprint && !IsLegacyOf(contents.Header, settings))
            {
                string what = Describe(contents.Header, header) is { Length: > 0 } d ? d : "model, templates, tokens, batch, answer tokens or runner";
                throw new InputException($"'{directory}' holds a journal made with other settings ({what} differ); use another directory or the original settings") { Parameter = "out" };
            }
            if (contents.Header.Shard != header.Shard)
            {
                throw new InputException($"the journal in '{directory}' is shard {contents.Header.Shard}, not {header.Shard}");
            }
            stream.SetLength(contents.ValidLength); // drop a torn tail
            stream.Seek(0, SeekOrigin.End);
            return new ScanJournal(stream, contents);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // A journal of an older version, whose fingerprint held the harvest settings it was started with.
    private static bool IsLegacyOf(JournalHeader found, ScanSettings? settings) =>
        settings is not null && found.ReadSettings() is { } earlier && (settings with { Harvest = earlier.Harvest }).LegacyFingerprint() == found.Fingerprint;

    // Which settings differ, when both headers' settings can be read.
    private static string Describe(JournalHeader found, JournalHeader wanted)
    {
        ScanSettings? there = found.ReadSettings(), here = wanted.ReadSettings();
        return there is null || here is null ? "" : string.Join("; ", here.Differences(there));
    }

    /// <summary>The header of the journal at <paramref name="path"/>, reading only its first line (not its groups).</summary>
    public static JournalHeader ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new InputException($"no scan journal at '{path}'");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ParseHeader(Encoding.UTF8.GetBytes(reader.ReadLine() ?? ""), path);
    }

    /// <summary>Reads a journal without opening it for writing (merge).</summary>
    public static JournalContents ReadOnly(string path)
    {
        if (!File.Exists(path)) throw new InputException($"no scan journal at '{path}'");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Read(stream, path);
    }

    /// <summary>Durably appends one probe group under <paramref name="key"/>, or a harvest with the settings it was made with.</summary>
    public void Commit(string key, IReadOnlyList<ProbeResult> results, HarvestCounts? harvest = null)
    {
        var body = new StringBuilder();
        foreach (ProbeResult r in results)
        {
            body.Append(Line(new JournalProbe(r.TemplateIndex, r.Token, r.Stats.LogProb, r.Stats.Rank, r.Stats.Argmax, r.Stats.Argmin, r.Answer, r.Attempts))).Append('\n');
        }
        if (harvest is not null)
        {
            body.Append(Line(new JournalHarvest(harvest.Counts.OrderBy(kv => kv.Key).Select(kv => new[] { kv.Key, kv.Value }).ToArray(), harvest.Settings))).Append('\n');
        }
        string lines = body.ToString();
        int count = results.Count + (harvest is null ? 0 : 1);
        string commit = Line(new JournalCommit(key, count, Hash(lines))) + "\n";

        Observer?.BeforeCommit(lines, WriteDurably);
        WriteDurably(lines + commit);
    }

    private void WriteDurably(string text)
    {
        _stream.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    private static JournalHeader ParseHeader(ReadOnlySpan<byte> firstLine, string path)
    {
        JournalHeader? header = firstLine.IsEmpty ? null : TryParse<JournalHeader>(firstLine);
        if (header is null || header.Type != "header" || header.Version != JournalHeader.CurrentVersion)
        {
            throw new InputException($"'{path}' is not a version {JournalHeader.CurrentVersion} scan journal");
        }
        return header;
    }

    private static JournalContents Read(FileStream stream, string path)
    {
        byte[] data = new byte[stream.Length];
        stream.Seek(0, SeekOrigin.Begin);
        stream.ReadExactly(data);

        int firstEnd = Array.IndexOf(data, (byte)'\n');
        JournalHeader header = ParseHeader(firstEnd < 0 ? [] : data.AsSpan(0, firstEnd), path);

        var contents = JournalContents.Empty(header);
        contents.ValidLength = firstEnd + 1;
        int position = firstEnd + 1;
        int groupStart = position;
        var pendingProbes = new List<ProbeResult>();
        HarvestCounts? pendingHarvest = null;
        // A harvest of an older version names no settings: it was made with the header's.
        string? headerHarvest = null;
        while (position < data.Length)
        {
            int end = Array.IndexOf(data, (byte)'\n', position);
            if (end < 0) break; // torn last line
            ReadOnlySpan<byte> line = data.AsSpan(position, end - position);
            int lineStart = position;
            position = end + 1;
            if (line.IndexOf("\"type\":\"commit\""u8) >= 0)
            {
                JournalCommit? commit = TryParse<JournalCommit>(line);
                int expected = pendingProbes.Count + (pendingHarvest is null ? 0 : 1);
                if (commit is null || commit.Count != expected || commit.Sha256 != Hash(data.AsSpan(groupStart, lineStart - groupStart))) break;
                contents.Add(commit.Key, pendingProbes, pendingHarvest);
                pendingProbes = [];
                pendingHarvest = null;
                groupStart = position;
                contents.ValidLength = position;
            }
            else if (line.IndexOf("\"type\":\"probe\""u8) >= 0 && TryParse<JournalProbe>(line) is { } p)
            {
                pendingProbes.Add(new ProbeResult(p.T, p.Id, new LogitStats(p.Lp, p.Rank, p.Argmax, p.Argmin), p.Answer, p.Attempts));
            }
            else if (line.IndexOf("\"type\":\"harvest\""u8) >= 0 && TryParse<JournalHarvest>(line) is { } h)
            {
                string settings = h.Settings ?? (headerHarvest ??= header.ReadSettings()?.Harvest.Canonical() ?? "");
                pendingHarvest = new HarvestCounts(h.Counts.ToDictionary(pair => pair[0], pair => pair[1]), settings);
            }
            else
            {
                break; // garbage: everything from the current group on is redone
            }
        }
        return contents;
    }

    private static string Line<T>(T record) => JsonSerializer.Serialize(record, s_json);

    private static string Hash(string lines) => Hash(Encoding.UTF8.GetBytes(lines));

    private static string Hash(ReadOnlySpan<byte> lines) => Convert.ToHexStringLower(SHA256.HashData(lines));

    private static T? TryParse<T>(ReadOnlySpan<byte> line) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, s_json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The journal's first line.</summary>
public sealed record JournalHeader(string Fingerprint, string Shard, string Settings)
{
    public const int CurrentVersion = 1;

    /// <summary>The settings the journal was started with, or null when unreadable.</summary>
    public ScanSettings? ReadSettings()
    {
        try
        {
            return JsonSerializer.Deserialize<ScanSettings>(Settings);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string Type { get; init; } = "header";

    /// <summary>Format version of the file.</summary>
    public int Version { get; init; } = CurrentVersion;
}

internal sealed record JournalProbe(int T, int Id, double Lp, int Rank, int Argmax, int Argmin, int[] Answer, int[][]? Attempts = null)
{
    public string Type { get; init; } = "probe";
}

internal sealed record JournalHarvest(int[][] Counts, string? Settings = null)
{
    public string Type { get; init; } = "harvest";
}

internal sealed record JournalCommit(string Key, int Count, string Sha256)
{
    public string Type { get; init; } = "commit";
}

/// <summary>The intact part of a journal.</summary>
public sealed class JournalContents
{
    private readonly HashSet<string> _keys = [];
    private readonly List<ProbeResult> _probes = [];

    private JournalContents(JournalHeader header) => Header = header;

    public JournalHeader Header { get; }

    /// <summary>Every committed probe, in commit order.</summary>
    public IReadOnlyList<ProbeResult> Probes => _probes;

    /// <summary>The last committed T → 0⁻ harvest, null when none was.</summary>
    public HarvestCounts? Harvest { get; private set; }

    /// <summary>The harvest's counts when it was made with <paramref name="settings"/>, else null.</summary>
    public IReadOnlyDictionary<int, int>? HarvestFor(HarvestSettings settings) =>
        Harvest is { } h && h.Settings == settings.Canonical() ? h.Counts : null;

    /// <summary>Bytes up to the end of the last intact commit.</summary>
    public long ValidLength { get; internal set; }

    public bool IsCommitted(string key) => _keys.Contains(key);

    public int CommittedGroups => _keys.Count;

    internal static JournalContents Empty(JournalHeader header) => new(header);

    internal void Add(string key, IReadOnlyList<ProbeResult> probes, HarvestCounts? harvest)
    {
        _keys.Add(key);
        _probes.AddRange(probes);
        if (harvest is not null) Harvest = harvest;
    }
}

/// <summary>A harvest: emission counts per token id and the settings (<see cref="HarvestSettings.Canonical"/>) that made them.</summary>
public sealed record HarvestCounts(IReadOnlyDictionary<int, int> Counts, string Settings);
