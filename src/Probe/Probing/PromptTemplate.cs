using System.Text.RegularExpressions;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A probe prompt with exactly one <c>{token}</c> slot. A plain template (<c>*.txt</c>) is the text
/// itself; a chat template (<c>*.chat.txt</c>) is a user message and, after a line
/// <c>---assistant---</c>, the start of the assistant's answer, rendered with the model's chat
/// format (<see cref="TemplateTokens"/>). Either way the prompt ends where the model's faithful
/// answer is the token itself. A single trailing newline of the file is ignored (editors add one).
/// </summary>
/// <param name="Name">Names CSV columns: lowercase letters, digits, '_'.</param>
/// <param name="SourcePath">The file; empty for a built-in template.</param>
/// <param name="Text">The file's text.</param>
/// <param name="Prefix">The text before the slot (of the user message, for a chat template).</param>
/// <param name="Suffix">The text after the slot (of the user message, for a chat template).</param>
/// <param name="AssistantStart">A chat template's start of the answer; null for a plain template.</param>
public sealed partial record PromptTemplate(string Name, string SourcePath, string Text, string Prefix, string Suffix, string? AssistantStart = null)
{
    /// <summary>The slot the token id is inserted at.</summary>
    public const string Slot = "{token}";

    /// <summary>The line that ends a chat template's user message.</summary>
    public const string AssistantLine = "---assistant---";

    /// <summary>File name endings of chat and plain templates.</summary>
    public const string ChatExtension = ".chat.txt", PlainExtension = ".txt";

    /// <summary>Whether the template is rendered with a chat format.</summary>
    public bool IsChat => AssistantStart is not null;

    /// <summary>Whether a probe is the inserted token alone: a plain template that ends at its slot (induction).</summary>
    public bool ProbeIsOneToken => !IsChat && Suffix.Length == 0;

    /// <summary>Parses a template's text; <paramref name="name"/> becomes part of CSV column names.</summary>
    public static PromptTemplate Parse(string name, string text, string sourcePath = "", bool chat = false)
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
        string user = text;
        string? assistant = null;
        if (chat)
        {
            Match separator = AssistantPattern().Match(text);
            if (!separator.Success)
            {
                throw new InputException($"chat template '{Describe(name, sourcePath)}' has no line {AssistantLine} between the user message and the start of the answer");
            }
            user = text[..separator.Index];
            assistant = text[(separator.Index + separator.Length)..];
            if (!user.Contains(Slot, StringComparison.Ordinal))
            {
                throw new InputException($"chat template '{Describe(name, sourcePath)}' has its {Slot} slot in the answer; it belongs in the user message");
            }
        }
        int at = user.IndexOf(Slot, StringComparison.Ordinal);
        return new PromptTemplate(name, sourcePath, text, user[..at], user[(at + Slot.Length)..], assistant);
    }

    /// <summary>Loads a template file; its name is the file name without <c>.chat.txt</c> or its extension.</summary>
    public static PromptTemplate Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"template file not found: {path}");
        (string name, bool chat) = NameOf(Path.GetFileName(path));
        return Parse(name, File.ReadAllText(path), path, chat);
    }

    private static (string Name, bool Chat) NameOf(string fileName) =>
        fileName.EndsWith(ChatExtension, StringComparison.OrdinalIgnoreCase)
            ? (fileName[..^ChatExtension.Length].ToLowerInvariant(), true)
            : (Path.GetFileNameWithoutExtension(fileName).ToLowerInvariant(), false);

    /// <summary>
    /// Loads templates from files, directories (their *.txt, chat templates included) and simple globs
    /// (prompts/*.txt), in the order given, sorted by name within a directory or glob.
    /// <see cref="AutoSpec"/> stands for the default set, <see cref="BuiltInSpec"/> for every built-in
    /// template the model can take, <c>builtin:NAME</c> for one of them. <paramref name="chatAvailable"/>:
    /// whether the model has a chat format (its own template or <c>--chat-template</c>). Names must be unique.
    /// </summary>
    public static IReadOnlyList<PromptTemplate> LoadAll(IEnumerable<string> specs, bool chatAvailable)
    {
        var templates = new List<PromptTemplate>();
        foreach (string spec in specs)
        {
            if (spec == AutoSpec) templates.AddRange(DefaultSet(chatAvailable));
            else if (spec == BuiltInSpec) templates.AddRange(BuiltIn.Where(t => chatAvailable || !t.IsChat));
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

    /// <summary>
    /// The default set: a model with a chat format gets the built-in chat templates plus
    /// <c>completion</c> (its questions asked the way it was tuned to hear them); one without gets
    /// <c>completion</c> and <c>induction</c>, which need no instruction following.
    /// </summary>
    public static IReadOnlyList<PromptTemplate> DefaultSet(bool chatAvailable) =>
        chatAvailable
            ? [.. BuiltIn.Where(t => t.IsChat), .. BuiltIn.Where(t => t.Name == "completion")]
            : [.. BuiltIn.Where(t => t.Name is "completion" or "induction")];

    /// <summary>The spelling of the default set on the command line.</summary>
    public const string AutoSpec = "auto";

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
                (string name, bool chat) = NameOf(n["prompts/".Length..]);
                return Parse(name, reader.ReadToEnd(), chat: chat);
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

    // The separator line with the line break before it and the one after it (none when the answer starts empty).
    [GeneratedRegex(@"\r?\n---assistant---(\r?\n|$)")]
    private static partial Regex AssistantPattern();
}
