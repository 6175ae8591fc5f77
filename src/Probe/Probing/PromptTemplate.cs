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
    /// order given, sorted by name within a directory or glob; <see cref="BuiltInSpec"/> stands for the
    /// built-in templates, <c>builtin:NAME</c> for one of them. Names must be unique.
    /// </summary>
    public static IReadOnlyList<PromptTemplate> LoadAll(IEnumerable<string> specs)
    {
        var templates = new List<PromptTemplate>();
        foreach (string spec in specs)
        {
            if (spec == BuiltInSpec) templates.AddRange(BuiltIn);
            else if (spec.StartsWith(BuiltInSpec + ":", StringComparison.Ordinal))
            {
                string name = spec[(BuiltInSpec.Length + 1)..];
                templates.Add(BuiltIn.FirstOrDefault(t => t.Name == name)
                    ?? throw new InputException($"no built-in template '{name}' (there are {string.Join(", ", BuiltIn.Select(t => t.Name))})") { Parameter = "templates" });
            }
            else foreach (string path in Expand(spec)) templates.Add(Load(path));
        }
        if (templates.Count == 0) throw new InputException("no templates given");
        var duplicate = templates.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InputException($"two templates are named '{duplicate.Key}'");
        return templates;
    }

    /// <summary>The spelling of the built-in templates on the command line.</summary>
    public const string BuiltInSpec = "builtin";

    /// <summary>
    /// The templates built into the tool (compiled from the repository's prompts/*.txt, so a build
    /// carries them wherever it runs), sorted by name. Their <see cref="SourcePath"/> is empty.
    /// </summary>
    public static IReadOnlyList<PromptTemplate> BuiltIn => s_builtIn.Value;

    private static readonly Lazy<IReadOnlyList<PromptTemplate>> s_builtIn = new(() =>
    {
        var assembly = typeof(PromptTemplate).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("prompts/", StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using Stream stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
                return Parse(n["prompts/".Length..^".txt".Length], reader.ReadToEnd());
            })
            .ToList();
    });

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
