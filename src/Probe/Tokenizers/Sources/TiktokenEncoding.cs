using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>
/// One of OpenAI's published tiktoken encodings: its ranks (from the Microsoft.ML.Tokenizers.Data
/// package that ships it), its pre-tokenizer pattern and its special tokens (from Microsoft.ML.Tokenizers).
/// </summary>
internal sealed partial class TiktokenEncoding
{
    private TiktokenEncoding(string name, string models, string dataPackage, string sha256, Regex pattern)
    {
        Name = name;
        Models = models;
        _dataPackage = dataPackage;
        PublishedSha256 = sha256;
        Pattern = pattern;
        _specialTokens = new(() => TiktokenTokenizer.CreateForEncoding(name).SpecialTokens ?? new Dictionary<string, int>());
    }

    private readonly string _dataPackage;

    // The library hands them out only with a whole tokenizer (the ranks loaded again): once per encoding.
    private readonly Lazy<IReadOnlyDictionary<string, int>> _specialTokens;

    /// <summary>The encoding's name: r50k_base, cl100k_base, o200k_base.</summary>
    public string Name { get; }

    /// <summary>The models that use it, for the summaries.</summary>
    public string Models { get; }

    /// <summary>
    /// The pre-tokenizer pattern, without special tokens (tiktoken's <c>encode_ordinary</c>): the
    /// library keeps its own copy private and always splits special-token text out of the text.
    /// </summary>
    public Regex Pattern { get; }

    /// <summary>The encoding's special tokens and their ids (<c>&lt;|endoftext|&gt;</c>, <c>&lt;|fim_prefix|&gt;</c>, …).</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens.Value;

    /// <summary>
    /// The SHA-256 tiktoken checks its download of the file against (openai_public.py): a .tiktoken
    /// file with this <see cref="TiktokenFile.Sha256"/> is this encoding, without reading the package.
    /// </summary>
    public string PublishedSha256 { get; }

    /// <summary>The encodings that can be named as <c>tiktoken:NAME</c> (and <c>--pre NAME</c> for a .tiktoken file).</summary>
    public static IReadOnlyList<TiktokenEncoding> All { get; } =
    [
        new("r50k_base", "GPT-2, GPT-3", "R50kBase", "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", R50kPattern()),
        new("cl100k_base", "GPT-3.5, GPT-4", "Cl100kBase", "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", Cl100kPattern()),
        new("o200k_base", "GPT-4o", "O200kBase", "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", O200kPattern()),
    ];

    /// <summary>The encoding called <paramref name="name"/>, or null.</summary>
    public static TiktokenEncoding? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>The encoding whose pattern a vocab.json directory's <c>--pre</c> names: an encoding, or gpt-2 (r50k_base's, GPT-2's own).</summary>
    public static TiktokenEncoding? FindPattern(string name) => Find(name == "gpt-2" ? "r50k_base" : name);

    /// <summary>The names, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(e => e.Name));

    /// <summary>The encoding's ranks as its data package holds them (<see cref="TiktokenFile"/>'s packaged form).</summary>
    public byte[] ReadFile()
    {
        var assembly = Assembly.Load($"Microsoft.ML.Tokenizers.Data.{_dataPackage}");
        string resource = $"{Name}.tiktoken.deflate";
        using Stream compressed = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource {resource}");
        using var deflate = new DeflateStream(compressed, CompressionMode.Decompress);
        using var file = new MemoryStream();
        deflate.CopyTo(file);
        return file.ToArray();
    }

    // tiktoken's published patterns (openai_public.py), in .NET syntax.
    [GeneratedRegex(@"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex R50kPattern();

    [GeneratedRegex(@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex Cl100kPattern();

    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
                    @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
                    @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex O200kPattern();
}
