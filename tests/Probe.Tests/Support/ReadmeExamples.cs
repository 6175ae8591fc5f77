using System.Text.RegularExpressions;

namespace AnomalyProbe.Probe.Tests.Support;

/// <summary>One <c>$ command</c> of a README code block and the output the README shows under it.</summary>
/// <param name="Line">1-based line of the command in the README.</param>
/// <param name="Command">The shell command after <c>$ </c>.</param>
/// <param name="Expected">The lines shown under it, up to the next command or the end of the block.</param>
/// <param name="Skip">Why the block is not run (a <c>&lt;!-- readme-test: skip … --&gt;</c> comment above it); null when it is.</param>
public sealed record ReadmeExample(int Line, string Command, IReadOnlyList<string> Expected, string? Skip);

/// <summary>
/// The README's shell examples, and how their shown output is matched against a real run: lines
/// in order and contiguous, a line <c>…</c> standing for any number of lines and a <c>…</c> inside a
/// line for any text, with timings (a number before <c>s</c>, <c>ms</c>, <c>probes/s</c>,
/// <c>tok/s</c>, or an <c>hh:mm:ss</c>) masked on both sides — everything else, counts and
/// probabilities included, must be what the command prints now.
/// </summary>
public static partial class ReadmeExamples
{
    private const string SkipMarker = "<!-- readme-test: skip";

    /// <summary>Every <c>$ </c> line inside a fenced block, with the output shown under it.</summary>
    public static List<ReadmeExample> Parse(IReadOnlyList<string> lines)
    {
        var examples = new List<ReadmeExample>();
        bool inBlock = false;
        string? skip = null;
        ReadmeExample? current = null;
        List<string> expected = [];
        void Flush()
        {
            if (current is not null) examples.Add(current with { Expected = expected });
            current = null;
            expected = [];
        }
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (inBlock) Flush();
                else skip = SkipReason(lines, i);
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock) continue;
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                Flush();
                current = new ReadmeExample(i + 1, line[2..], [], skip);
            }
            else if (current is not null && line.Length > 0)
            {
                expected.Add(line);
            }
        }
        return examples;
    }

    /// <summary>Null when <paramref name="expected"/> matches <paramref name="actual"/>; else what differs, in one message.</summary>
    public static string? Mismatch(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        string[] got = [.. actual.Where(l => l.Length > 0).Select(Mask)];
        return Match(expected, 0, got, 0) ? null
            : $"expected (masked):\n  {string.Join("\n  ", expected.Select(Mask))}\nactual (masked):\n  {string.Join("\n  ", got)}";
    }

    // Expected line e at actual line a: a "…" line skips any number of actual lines.
    private static bool Match(IReadOnlyList<string> expected, int e, string[] actual, int a)
    {
        if (e == expected.Count) return a == actual.Length;
        if (expected[e].Trim() == "…")
        {
            for (int skip = a; skip <= actual.Length; skip++)
            {
                if (Match(expected, e + 1, actual, skip)) return true;
            }
            return false;
        }
        return a < actual.Length && LineMatches(Mask(expected[e]), actual[a]) && Match(expected, e + 1, actual, a + 1);
    }

    private static bool LineMatches(string expected, string actual)
    {
        if (!expected.Contains('…', StringComparison.Ordinal)) return expected == actual;
        string pattern = "^" + string.Join(".*", expected.Split('…').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(actual, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    /// <summary>The line with its timings replaced by <c>#</c> and trailing space removed.</summary>
    public static string Mask(string line) => Clock().Replace(Timing().Replace(line.TrimEnd(), "#"), "#");

    private static string? SkipReason(IReadOnlyList<string> lines, int fence)
    {
        for (int i = fence - 1; i >= 0 && i >= fence - 3; i--)
        {
            if (lines[i].StartsWith(SkipMarker, StringComparison.Ordinal)) return lines[i][SkipMarker.Length..].Replace("-->", "", StringComparison.Ordinal).Trim(' ', ':');
            if (lines[i].Length > 0) break;
        }
        return null;
    }

    [GeneratedRegex(@"\d[\d.,]*(?= ?(s|ms|probes/s|tok/s)\b)")]
    private static partial Regex Timing();

    [GeneratedRegex(@"\b\d\d:\d\d:\d\d\b")]
    private static partial Regex Clock();
}
