using System.Globalization;

namespace AnomalyProbe.Probe.Runtime;

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
}
