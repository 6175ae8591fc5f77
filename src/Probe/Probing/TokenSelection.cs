using System.Globalization;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// Which token ids a scan probes: <c>--tokens all</c> or ranges like <c>0-999,2048,30000-30010</c>,
/// optionally a seeded random sample of N of them, always in ascending order.
/// </summary>
public sealed record TokenSelection(string Spec, int? Sample, int Seed)
{
    /// <summary>The selected ids for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public int[] Resolve(int vocabularySize)
    {
        var ids = new SortedSet<int>();
        if (Spec.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            for (int i = 0; i < vocabularySize; i++) ids.Add(i);
        }
        else
        {
            foreach (string part in Spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                (int first, int last) = ParseRange(part);
                if (last >= vocabularySize) throw new InputException($"--tokens {part}: the vocabulary has ids 0-{vocabularySize - 1}");
                for (int i = first; i <= last; i++) ids.Add(i);
            }
        }
        if (ids.Count == 0) throw new InputException($"--tokens '{Spec}' selects no token");
        int[] result = [.. ids];
        if (Sample is int n)
        {
            if (n < 1) throw new InputException("--sample must be at least 1");
            if (n < result.Length)
            {
                // Seeded partial Fisher–Yates, then back to ascending order.
                var random = new Random(Seed);
                for (int i = 0; i < n; i++)
                {
                    int j = random.Next(i, result.Length);
                    (result[i], result[j]) = (result[j], result[i]);
                }
                result = result[..n];
                Array.Sort(result);
            }
        }
        return result;
    }

    private static (int First, int Last) ParseRange(string part)
    {
        int dash = part.IndexOf('-', 1);
        string a = dash < 0 ? part : part[..dash], b = dash < 0 ? part : part[(dash + 1)..];
        if (!int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out int first) ||
            !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int last) || last < first)
        {
            throw new InputException($"--tokens: '{part}' is not an id or a range like 100-199");
        }
        return (first, last);
    }
}

/// <summary>
/// A deterministic 1/n share of a scan: shard i takes the probe groups g with g mod n = i. Groups
/// are the same B-token groups an unsharded scan forms, so merged shards are bit-identical to it.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole scan.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses "i/n".</summary>
    public static Shard Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 ||
            !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
        {
            throw new InputException($"--shard '{text}' must be i/n with 0 <= i < n, e.g. 0/4");
        }
        return new Shard(i, n);
    }

    /// <summary>Whether this shard runs group <paramref name="group"/>.</summary>
    public bool Owns(int group) => group % Count == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
