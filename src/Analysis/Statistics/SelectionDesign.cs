using System.Globalization;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>One stratum of a two-stage scan's control sample: the tokens of the rest (not candidates) it holds and those sampled.</summary>
/// <param name="Name">e.g. "d3/normal": indicator decile and token category (merged strata name their parts).</param>
/// <param name="Size">Tokens of the rest in the stratum (N_h).</param>
/// <param name="Sampled">The sampled token ids (n_h of them), ascending.</param>
public sealed record Stratum(string Name, int Size, int[] Sampled);

/// <summary>
/// Which tokens a two-stage scan probes and why: the candidates (the K lowest by the ranking measure)
/// and a stratified random control sample of the rest, from which the failures of the unprobed tokens
/// are estimated (<see cref="StratifiedEstimate"/>).
/// </summary>
/// <param name="RankBy">The measure the candidates are the lowest of.</param>
/// <param name="Population">Tokens the design covers (the scan's selection, usually the whole vocabulary).</param>
/// <param name="Candidates">The candidate ids, ascending.</param>
/// <param name="Strata">The control sample's strata.</param>
/// <param name="Seed">The control sample's seed.</param>
public sealed record SelectionDesign(string RankBy, int Population, int[] Candidates, IReadOnlyList<Stratum> Strata, int Seed)
{
    /// <summary>Every probed id, ascending.</summary>
    public int[] ProbedIds() => [.. Candidates.Concat(Strata.SelectMany(s => s.Sampled)).Order()];

    /// <summary>The control sample's size.</summary>
    public int ControlSize => Strata.Sum(s => s.Sampled.Length);

    /// <summary>How many tokens each probed one stands for: 1 for a candidate, N_h / n_h for a control token of stratum h.</summary>
    public IReadOnlyDictionary<int, double> Weights()
    {
        var weights = Candidates.ToDictionary(id => id, _ => 1.0);
        foreach (Stratum s in Strata)
        {
            foreach (int id in s.Sampled) weights[id] = (double)s.Size / s.Sampled.Length;
        }
        return weights;
    }

    /// <summary>Minimum expected control tokens per stratum: smaller strata are merged (a stratum of one sample has no variance to estimate).</summary>
    public const int MinimumPerStratum = 2;

    /// <summary>
    /// Builds the design over <paramref name="population"/> (distinct ids): the <paramref name="candidates"/>
    /// lowest by <paramref name="values"/> (ties by id), then <paramref name="control"/> of the rest,
    /// stratified by decile of <paramref name="values"/> (over the whole population) and
    /// <paramref name="categories"/>, allocated in proportion to stratum size (largest remainders),
    /// strata expecting fewer than <see cref="MinimumPerStratum"/> merged — first the categories within
    /// a decile, then neighbouring deciles — and drawn without replacement with <paramref name="seed"/>.
    /// </summary>
    public static SelectionDesign Build(string rankBy, IReadOnlyList<int> population, Func<int, double> values, Func<int, string> categories,
        int candidates, int control, int seed)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(categories);
        int n = population.Count;
        if (candidates < 0 || control < 0 || candidates + control > n)
        {
            throw new ArgumentOutOfRangeException(nameof(candidates), $"{candidates} candidates and {control} control tokens do not fit a population of {n}");
        }
        int[] byValue = [.. population.OrderBy(values).ThenBy(id => id)];
        int[] chosen = [.. byValue.Take(candidates).Order()];
        var decile = new Dictionary<int, int>(n);
        for (int rank = 0; rank < n; rank++) decile[byValue[rank]] = (int)((long)rank * 10 / n);
        int[] rest = byValue.Skip(candidates).ToArray();
        if (control == 0 || rest.Length == 0) return new SelectionDesign(rankBy, n, chosen, [], seed);

        // Cells: decile × category, in decile order; small ones merged within a decile, then with the next decile.
        double share = (double)control / rest.Length;
        var cells = new List<(string Name, List<int> Ids)>();
        foreach (var inDecile in rest.GroupBy(id => decile[id]).OrderBy(g => g.Key))
        {
            var small = new List<int>();
            foreach (var cell in inDecile.GroupBy(categories).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (cell.Count() * share >= MinimumPerStratum) cells.Add(($"d{inDecile.Key}/{cell.Key}", cell.ToList()));
                else small.AddRange(cell);
            }
            if (small.Count > 0) cells.Add(($"d{inDecile.Key}/other", small));
        }
        var strata = new List<(string Name, List<int> Ids)>();
        foreach (var cell in cells)
        {
            if (strata.Count > 0 && strata[^1].Ids.Count * share < MinimumPerStratum)
            {
                strata[^1] = (strata[^1].Name + "+" + cell.Name, [.. strata[^1].Ids, .. cell.Ids]);
            }
            else strata.Add((cell.Name, [.. cell.Ids]));
        }
        if (strata.Count > 1 && strata[^1].Ids.Count * share < MinimumPerStratum)
        {
            var last = strata[^1];
            strata.RemoveAt(strata.Count - 1);
            strata[^1] = (strata[^1].Name + "+" + last.Name, [.. strata[^1].Ids, .. last.Ids]);
        }

        int[] allocation = Allocate(strata.Select(s => s.Ids.Count).ToArray(), control);
        var random = new Random(seed);
        var result = new List<Stratum>(strata.Count);
        for (int h = 0; h < strata.Count; h++)
        {
            int[] ids = [.. strata[h].Ids.Order()];
            // Seeded partial Fisher–Yates.
            for (int i = 0; i < allocation[h]; i++)
            {
                int j = random.Next(i, ids.Length);
                (ids[i], ids[j]) = (ids[j], ids[i]);
            }
            result.Add(new Stratum(strata[h].Name, ids.Length, [.. ids.Take(allocation[h]).Order()]));
        }
        return new SelectionDesign(rankBy, n, chosen, result, seed);
    }

    // Proportional allocation by largest remainders: Σ = total, each at most its size.
    private static int[] Allocate(int[] sizes, int total)
    {
        int population = sizes.Sum();
        var exact = sizes.Select(s => (double)s * total / population).ToArray();
        int[] allocation = exact.Select(x => (int)Math.Floor(x)).ToArray();
        int left = total - allocation.Sum();
        foreach (int h in Enumerable.Range(0, sizes.Length).OrderByDescending(h => exact[h] - allocation[h]).ThenBy(h => h))
        {
            if (left == 0) break;
            if (allocation[h] < sizes[h])
            {
                allocation[h]++;
                left--;
            }
        }
        return allocation;
    }

    /// <summary>Parses a count or a percentage of <paramref name="population"/> ("500", "10%", "2.5%"; a percentage is rounded down).</summary>
    public static int ParseCount(string text, int population, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent is >= 0 and <= 100)
        {
            return (int)Math.Floor(population * percent / 100 + 1e-9); // rounded down: P% of the probes is never exceeded
        }
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int count)) return count;
        throw new FormatException($"'{text}' is not a count or a percentage like 10% ({what})");
    }
}
