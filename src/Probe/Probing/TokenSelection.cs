using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;

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
                if (last >= vocabularySize) throw new InputException($"'{part}' is outside the vocabulary (ids 0-{vocabularySize - 1})") { Parameter = "tokens" };
                for (int i = first; i <= last; i++) ids.Add(i);
            }
        }
        if (ids.Count == 0) throw new InputException($"'{Spec}' selects no token") { Parameter = "tokens" };
        int[] result = [.. ids];
        if (Sample is int n)
        {
            if (n < 1) throw new InputException("must be at least 1") { Parameter = "sample" };
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

    private static (int First, int Last) ParseRange(string part) =>
        TokenIdRange.TryParse(part, out int first, out int last)
            ? (first, last)
            : throw new InputException($"'{part}' is not an id or a range like 100-199") { Parameter = "tokens" };
}
