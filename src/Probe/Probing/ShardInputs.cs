namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The shard directories a merge was given: each argument is a shard's output directory, a parent
/// directory of shard directories (<c>OUT/shards</c>), or a pattern in its last part
/// (<c>OUT/shards/*</c>, for callers without a shell to expand it: a Kubernetes command line).
/// </summary>
public static class ShardInputs
{
    /// <summary>The shard directories, in the order given (a parent's or a pattern's in ordinal order).</summary>
    public static List<string> Expand(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var shards = new List<string>();
        foreach (string argument in arguments)
        {
            string name = Path.GetFileName(argument.TrimEnd('/'));
            if (name.Contains('*') || name.Contains('?'))
            {
                string parent = Path.GetDirectoryName(argument.TrimEnd('/')) is { Length: > 0 } p ? p : ".";
                string[] matches = Directory.Exists(parent) ? Directory.GetDirectories(parent, name).Where(HoldsJournal).Order(StringComparer.Ordinal).ToArray() : [];
                if (matches.Length == 0) throw new InputException($"'{argument}' matches no directory holding a {ScanJournal.FileName}");
                shards.AddRange(matches);
            }
            else if (HoldsJournal(argument))
            {
                shards.Add(argument);
            }
            else if (Directory.Exists(argument) && Directory.GetDirectories(argument).Where(HoldsJournal).Order(StringComparer.Ordinal).ToArray() is { Length: > 0 } children)
            {
                shards.AddRange(children);
            }
            else
            {
                throw new InputException(Directory.Exists(argument)
                    ? $"'{argument}' holds no {ScanJournal.FileName}, nor do its subdirectories: not a shard's --out (has that task started?)"
                    : $"'{argument}' is not a directory");
            }
        }
        return shards;
    }

    private static bool HoldsJournal(string directory) => File.Exists(Path.Combine(directory, ScanJournal.FileName));
}
