using System.Reflection;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tokenizers.Sources;

/// <summary>An opened vocabulary and what the summaries say about it; disposing frees what holds it.</summary>
public sealed class OpenedVocabulary(ITokenVocabulary vocabulary, VocabularyDescription description, IDisposable? owner = null) : IDisposable
{
    public ITokenVocabulary Vocabulary { get; } = vocabulary;

    public VocabularyDescription Description { get; } = description;

    public void Dispose() => owner?.Dispose();
}

/// <summary>
/// Opens what <c>tokenizer audit</c> and <c>compare</c> are given, by its form: <c>tiktoken:NAME</c>
/// (an encoding shipped with Microsoft.ML.Tokenizers), a <c>.tiktoken</c> file, or a GGUF file
/// (through llama.cpp, vocabulary only). Every source is one <see cref="ITokenVocabulary"/>.
/// </summary>
public static class VocabularySource
{
    /// <summary>The prefix that names a published tiktoken encoding.</summary>
    public const string TiktokenPrefix = "tiktoken:";

    private static string LibraryVersion { get; } = typeof(Microsoft.ML.Tokenizers.Tokenizer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    /// <summary>The forms, for help texts.</summary>
    public static string Forms => $"a GGUF file, {TiktokenPrefix}NAME ({TiktokenEncoding.Names}), a .tiktoken file, " +
        $"a directory with {BpeDirectorySource.VocabFile} + {BpeDirectorySource.MergesFile}, or a SentencePiece .model";

    /// <summary>Opens <paramref name="source"/>; <paramref name="preTokenizer"/> overrides its pre-tokenizer.</summary>
    /// <exception cref="InputException">The source is missing, invalid, or the override does not apply to it.</exception>
    public static OpenedVocabulary Open(string source, string? preTokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith(TiktokenPrefix, StringComparison.Ordinal))
        {
            string name = source[TiktokenPrefix.Length..];
            TiktokenEncoding encoding = TiktokenEncoding.Find(name)
                ?? throw new InputException($"unknown tiktoken encoding '{name}': known are {TiktokenEncoding.Names}");
            if (preTokenizer is not null && preTokenizer != name)
                throw new InputException($"{source} has its own pre-tokenizer; --pre applies to GGUF and .tiktoken files");
            return OpenTiktoken(source, TiktokenFile.Parse(encoding.ReadFile(), source), contents: null, encoding);
        }
        if (source.EndsWith(".tiktoken", StringComparison.OrdinalIgnoreCase)) return OpenTiktokenFile(source, preTokenizer);
        if (BpeDirectorySource.Holds(source)) return OpenBpeDirectory(source, preTokenizer);
        if (Directory.Exists(source))
        {
            throw new InputException($"'{source}' is a directory without {BpeDirectorySource.VocabFile} and {BpeDirectorySource.MergesFile}: " +
                $"a vocabulary is {Forms}");
        }
        if (source.EndsWith(".model", StringComparison.OrdinalIgnoreCase)) return OpenSentencePiece(source, preTokenizer);
        return OpenGguf(source, preTokenizer);
    }

    private static OpenedVocabulary OpenGguf(string path, string? preTokenizer)
    {
        LlamaModel model;
        try
        {
            model = LlamaModel.Load(path, vocabOnly: true, preTokenizer: preTokenizer);
        }
        catch (LlamaException e) when (preTokenizer is not null && e.Message.Contains("unknown pre-tokenizer", StringComparison.Ordinal))
        {
            throw new InputException($"--pre {preTokenizer}: llama.cpp {LlamaRuntime.Engine.Summary} has no pre-tokenizer of that name (it uses the names of tokenizer.ggml.pre: gpt-2, llama3, qwen2, …)", e);
        }
        try
        {
            VocabularyDescription description = VocabularyFacts.Describe(model, path);
            if (preTokenizer is not null)
            {
                description = description with
                {
                    PreTokenizer = preTokenizer,
                    Notes = [$"pre-tokenizer `{preTokenizer}` from --pre (the file has {(description.PreTokenizer is { } own ? $"`{own}`" : "none")}): llama.cpp split the text as that model family's tokenizer does"],
                };
            }
            return new OpenedVocabulary(model.Vocabulary, description, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static OpenedVocabulary OpenBpeDirectory(string directory, string? preTokenizer)
    {
        TiktokenEncoding pattern = TiktokenEncoding.FindPattern(preTokenizer ?? "gpt-2")
            ?? throw new InputException($"--pre {preTokenizer}: a vocab.json directory takes gpt-2 (the default) or the pattern of one of {TiktokenEncoding.Names}");
        var (vocabulary, hasTypes) = BpeDirectorySource.Open(directory, pattern.Pattern);
        string vocabPath = Path.Combine(directory, BpeDirectorySource.VocabFile);
        var notes = new List<string>
        {
            hasTypes ? $"token types: {BpeDirectorySource.ConfigFile}'s added_tokens_decoder (special → control, others user-defined); every other entry normal"
                     : $"token types: the files have none (no {BpeDirectorySource.ConfigFile} with added_tokens_decoder) — every entry is counted normal",
            "scores: none (a BPE's merges are ordered, not scored)",
            preTokenizer is null
                ? "pre-tokenizer: the files do not name one; GPT-2's split is used (--pre cl100k_base or o200k_base for a Llama 3- or GPT-4o-style one)"
                : $"pre-tokenizer: {pattern.Name}'s split, from --pre",
        };
        if (vocabulary.UnassignedIds > 0) notes.Add($"{vocabulary.UnassignedIds} ids below the largest have no token: counted unused (no bytes)");
        long size = new FileInfo(vocabPath).Length + new FileInfo(Path.Combine(directory, BpeDirectorySource.MergesFile)).Length;
        return new OpenedVocabulary(vocabulary, ReadByLibrary(directory, "vocab.json + merges.txt", size, ToolIdentity.Sha256(vocabPath), ("BPE", "byte-level BPE"), vocabulary.Count, notes) with
        {
            PreTokenizer = pattern.Name,
        });
    }

    private static OpenedVocabulary OpenSentencePiece(string path, string? preTokenizer)
    {
        if (preTokenizer is not null) throw new InputException("--pre does not apply to a SentencePiece model (it splits text by its own rules)");
        if (!File.Exists(path)) throw new InputException($"SentencePiece model not found: {path}");
        var (vocabulary, removesWhitespace) = SentencePieceSource.Open(path);
        var notes = new List<string>
        {
            "token types: Microsoft.ML.Tokenizers exposes only <unk> (unknown), BOS/EOS (control) and, with byte fallback, the <0xNN> byte pieces; " +
            "user-defined, unused and other control pieces count normal (the unused category still catches reserved names such as <pad>)",
            "scores: not exposed by the library (0)",
        };
        if (removesWhitespace)
        {
            notes.Add("**this model removes extra whitespace** (spm_train's default normalization), and Microsoft.ML.Tokenizers then tokenizes differently " +
                "from SentencePiece's spm_encode — short texts and texts with leading or trailing spaces come out as no tokens, runs such as 0000 split " +
                "from the other end (measured) — so round trips and reachability here are not SentencePiece's. Llama-style models (no whitespace " +
                "removal: Llama 2, Mistral, Gemma) tokenize exactly as spm_encode does (a test checks)");
            Warnings.Write($"'{path}' removes extra whitespace; Microsoft.ML.Tokenizers tokenizes such models differently from SentencePiece (see the audit's notes)");
        }
        return new OpenedVocabulary(vocabulary, ReadByLibrary(path, "SentencePiece .model", new FileInfo(path).Length, ToolIdentity.Sha256(path), ("SPM", "sentencepiece"), vocabulary.Count, notes));
    }

    private static OpenedVocabulary OpenTiktokenFile(string path, string? preTokenizer)
    {
        if (Directory.Exists(path)) throw new InputException($"'{path}' is a directory, not a .tiktoken file");
        if (!File.Exists(path)) throw new InputException($"tiktoken file not found: {path}");
        byte[] contents;
        try
        {
            contents = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InputException($"cannot read '{path}': {e.Message}", e);
        }
        TiktokenFile file = TiktokenFile.Parse(contents, path);
        TiktokenEncoding? published = TiktokenEncoding.All.FirstOrDefault(e => e.PublishedSha256 == file.Sha256);
        TiktokenEncoding? pattern = preTokenizer is null ? published : TiktokenEncoding.Find(preTokenizer)
            ?? throw new InputException($"--pre {preTokenizer}: a .tiktoken file takes the pre-tokenizer of one of {TiktokenEncoding.Names}");
        if (pattern is null)
        {
            throw new InputException($"'{path}' is not one of the published encodings ({TiktokenEncoding.Names}): " +
                "a .tiktoken file holds no pre-tokenizer, so name the one to use with --pre");
        }
        return OpenTiktoken(path, file, contents, pattern, published == pattern);
    }

    // contents: the user's file, or null for an encoding from its data package; published: the
    // file holds the encoding's very ranks (its special tokens apply).
    private static OpenedVocabulary OpenTiktoken(string source, TiktokenFile file, byte[]? contents, TiktokenEncoding encoding, bool published = true)
    {
        bool fromPackage = contents is null;
        IReadOnlyDictionary<string, int> special = published ? encoding.SpecialTokens : new Dictionary<string, int>();
        PublishedVocabulary vocabulary = TiktokenSource.Create(file, encoding.Pattern, special);
        var notes = new List<string>
        {
            "token types: the format has none — ranks are counted normal, the encoding's special tokens control" + (vocabulary.UnassignedIds > 0
                ? $", and the {vocabulary.UnassignedIds} ids between them that no token has unused (no bytes)" : ""),
            "spelling: the format holds bytes only; `text` is byte-level BPE's spelling of them (Ġ = space), as in GGUF conversions",
            "scores: none (a rank is its merge priority and its id)",
            special.Count == 0
                ? "special tokens: none (a .tiktoken file lists ranks only; its encoding's special tokens are not known)"
                : "special tokens: " + string.Join(", ", special.OrderBy(s => s.Value).Select(s => $"`{s.Key}` {s.Value}")),
        };
        if (!fromPackage)
        {
            notes.Add(published ? $"the file is the published {encoding.Name} (the same ranks), so its pattern and special tokens are used"
                                : $"pre-tokenizer: {encoding.Name}'s pattern, from --pre");
        }
        return new OpenedVocabulary(vocabulary, ReadByLibrary(source, "tiktoken", contents?.Length ?? file.Contents.Length, file.Sha256, ("BPE", "tiktoken"), vocabulary.Count, notes) with
        {
            Name = published ? $"{encoding.Name} ({encoding.Models})" : null,
            PreTokenizer = encoding.Name,
        });
    }

    // What every source read through Microsoft.ML.Tokenizers says alike; kind: tokenizer.ggml's type and model names for it.
    private static VocabularyDescription ReadByLibrary(string path, string format, long sizeBytes, string sha256, (string Type, string Model) kind,
        int tokenCount, IReadOnlyList<string> notes) => new()
    {
        Path = path,
        Format = format,
        SizeBytes = sizeBytes,
        Sha256 = sha256,
        TokenizerType = kind.Type,
        TokenizerModel = kind.Model,
        TokenCount = tokenCount,
        Notes = notes,
        TokenizedBy = $"Microsoft.ML.Tokenizers {LibraryVersion}",
    };
}
