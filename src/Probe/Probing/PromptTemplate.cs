using System.Text.RegularExpressions;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A probe prompt: plain text with exactly one <c>{token}</c> slot. The prompt ends where the
/// model's faithful answer is the token itself, so the answer position is the end of the text.
/// A single trailing newline of the file is ignored (editors add one).
/// </summary>
public sealed partial record PromptTemplate(string Name, string SourcePath, string Text, string Prefix, string Suffix)
{
    /// <summary>The slot the token id is inserted at.</summary>
    public const string Slot = "{token}";

    /// <summary>Parses a template's text; <paramref name="name"/> becomes part of CSV column names.</summary>
    public static PromptTemplate Parse(string name, string text, string sourcePath = "")
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new InputException($"template name '{name}' ({sourcePath}) must be lowercase letters, digits or '_' (it names CSV columns)");
        }
        if (text.EndsWith("\r\n", StringComparison.Ordinal)) text = text[..^2];
        else if (text.EndsWith('\n')) text = text[..^1];

        int slots = CountSlots(text);
        if (slots != 1)
        {
            throw new InputException($"template '{Describe(name, sourcePath)}' has {slots} {Slot} slots; it needs exactly one");
        }
        int at = text.IndexOf(Slot, StringComparison.Ordinal);
        return new PromptTemplate(name, sourcePath, text, text[..at], text[(at + Slot.Length)..]);
    }

    /// <summary>Loads a template file; its name is the file name without extension.</summary>
    public static PromptTemplate Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"template file not found: {path}");
        return Parse(Path.GetFileNameWithoutExtension(path).ToLowerInvariant(), File.ReadAllText(path), path);
    }

    /// <summary>
    /// Loads templates from files, directories (their *.txt) and simple globs (prompts/*.txt), in the
    /// order given, sorted by name within a directory or glob. Names must be unique.
    /// </summary>
    public static IReadOnlyList<PromptTemplate> LoadAll(IEnumerable<string> specs)
    {
        var templates = new List<PromptTemplate>();
        foreach (string spec in specs)
        {
            foreach (string path in Expand(spec)) templates.Add(Load(path));
        }
        if (templates.Count == 0) throw new InputException("no templates given");
        var duplicate = templates.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InputException($"two templates are named '{duplicate.Key}'");
        return templates;
    }

    /// <summary>The templates shipped with the tool (prompts/*.txt next to the app).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "prompts");

    private static IEnumerable<string> Expand(string spec)
    {
        if (Directory.Exists(spec)) return Directory.GetFiles(spec, "*.txt").Order(StringComparer.Ordinal);
        string file = Path.GetFileName(spec);
        if (file.Contains('*') || file.Contains('?'))
        {
            string dir = Path.GetDirectoryName(spec) is { Length: > 0 } d ? d : ".";
            string[] matches = Directory.Exists(dir) ? Directory.GetFiles(dir, file).Order(StringComparer.Ordinal).ToArray() : [];
            return matches.Length > 0 ? matches : throw new InputException($"no template matches '{spec}'");
        }
        return [spec];
    }

    private static int CountSlots(string text)
    {
        int count = 0;
        for (int at = text.IndexOf(Slot, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Slot, at + Slot.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static string Describe(string name, string path) => path.Length > 0 ? path : name;

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex NamePattern();
}
