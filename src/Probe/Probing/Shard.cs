using System.Globalization;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A deterministic 1/n share of a scan: shard i takes the blocks k of selected ids with k mod n = i
/// (a block: as many ids as the largest B), and every template's groups in them. Groups are the same
/// groups an unsharded scan forms, so merged shards are bit-identical to it.
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
            throw new InputException($"'{text}' must be i/n with 0 <= i < n, e.g. 0/4") { Parameter = "shard" };
        }
        return new Shard(i, n);
    }

    /// <summary>Whether this shard runs block <paramref name="block"/> of the selected ids (<see cref="Scanner.Plan"/>).</summary>
    public bool Owns(int block) => block % Count == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
