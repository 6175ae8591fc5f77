using System.Globalization;

namespace AnomalyProbe.Probe.TemperatureStudies;

/// <summary>One generation as token ids: the prompt it started from and the tokens sampled after it.</summary>
public sealed record TokenIdsRun(int[] Prompt, int[] Generated)
{
    /// <summary>The whole sequence the model saw.</summary>
    public int[] Sequence => [.. Prompt, .. Generated];
}

/// <summary>
/// The file <c>generate --save-ids</c> appends to and <c>temperature fit --ids</c> reads: one line per
/// generation, "prompt ids | generated ids" (decimal, space-separated; '#' starts a comment line).
/// The ids are what was sampled, so a fit on them needs no re-tokenization of the text.
/// </summary>
public static class TokenIdsFile
{
    /// <summary>Appends <paramref name="run"/> as one line.</summary>
    public static void Append(string path, TokenIdsRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        File.AppendAllText(path, string.Join(' ', run.Prompt) + " | " + string.Join(' ', run.Generated) + "\n");
    }

    /// <summary>Reads every run; an <see cref="InputException"/> names the line that is not "ids | ids" or holds an id outside the vocabulary.</summary>
    public static List<TokenIdsRun> Read(string path, int vocabularySize)
    {
        if (!File.Exists(path)) throw new InputException($"'{path}' does not exist") { Parameter = "ids" };
        var runs = new List<TokenIdsRun>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] parts = line.Split('|');
            if (parts.Length != 2) throw new InputException($"'{path}' line {number}: expected \"prompt ids | generated ids\"") { Parameter = "ids" };
            runs.Add(new TokenIdsRun(Ids(parts[0], path, number, vocabularySize), Ids(parts[1], path, number, vocabularySize)));
            if (runs[^1].Prompt.Length == 0) throw new InputException($"'{path}' line {number}: the prompt has no id (a generation starts from at least BOS)") { Parameter = "ids" };
        }
        if (runs.Count == 0) throw new InputException($"'{path}' holds no generation") { Parameter = "ids" };
        return runs;
    }

    private static int[] Ids(string text, string path, int line, int vocabularySize) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < vocabularySize
                ? id
                : throw new InputException($"'{path}' line {line}: '{s}' is not a token id of this model (0-{vocabularySize - 1})") { Parameter = "ids" })];
}
