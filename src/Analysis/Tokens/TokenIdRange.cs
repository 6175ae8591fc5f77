using System.Globalization;

namespace AnomalyProbe.Analysis.Tokens;

/// <summary>The one spelling of token ids on the command line: an id ("2048") or an inclusive range ("100-199").</summary>
public static class TokenIdRange
{
    /// <summary>Parses "N" or "A-B" (A ≤ B, no signs, no spaces); false for anything else.</summary>
    public static bool TryParse(string part, out int first, out int last)
    {
        ArgumentNullException.ThrowIfNull(part);
        int dash = part.IndexOf('-', Math.Min(1, part.Length));
        string a = dash < 0 ? part : part[..dash], b = dash < 0 ? part : part[(dash + 1)..];
        last = 0;
        return int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out first) &&
               int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out last) && last >= first;
    }

    /// <summary>"3-5,9,12-40": sorted ids as runs, the first <paramref name="most"/> runs ("…" after them).</summary>
    public static string Format(IEnumerable<int> sortedIds, int most = 20)
    {
        ArgumentNullException.ThrowIfNull(sortedIds);
        var runs = new List<string>();
        int? start = null, previous = null;
        foreach (int id in sortedIds.Append(int.MinValue))
        {
            if (start is null)
            {
                start = previous = id;
                continue;
            }
            if (id == previous + 1)
            {
                previous = id;
                continue;
            }
            runs.Add(start == previous ? $"{start}" : $"{start}-{previous}");
            start = previous = id;
        }
        return string.Join(",", runs.Take(most)) + (runs.Count > most ? ",…" : "");
    }
}
