namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>What the Markdown summaries say about a vocabulary file.</summary>
public sealed record VocabularyDescription
{
    /// <summary>Path (or <c>tiktoken:NAME</c>) as given.</summary>
    public required string Path { get; init; }

    /// <summary>The format it was read from: GGUF, tiktoken, ….</summary>
    public string Format { get; init; } = "GGUF";

    /// <summary>
    /// What the source does not hold and how the audit fills it in, or what was overridden — one
    /// sentence each, for audit.md and compare.md (empty for a GGUF file read as it is).
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>What tokenized it when not llama.cpp (e.g. "Microsoft.ML.Tokenizers 3.0.0"), else null.</summary>
    public string? TokenizedBy { get; init; }

    public required long SizeBytes { get; init; }

    /// <summary>SHA-256 of the file, lowercase hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary><c>general.name</c>, or null.</summary>
    public string? Name { get; init; }

    /// <summary>The tokenizer family as llama.cpp sees it: SPM, BPE, WPM, UGM, ...</summary>
    public required string TokenizerType { get; init; }

    /// <summary><c>tokenizer.ggml.model</c>, or null.</summary>
    public string? TokenizerModel { get; init; }

    /// <summary><c>tokenizer.ggml.pre</c> (the pre-tokenizer), or null when the file has none (llama.cpp then uses its default).</summary>
    public string? PreTokenizer { get; init; }

    /// <summary>Number of token ids.</summary>
    public required int TokenCount { get; init; }

    /// <summary>The special-token roles the vocabulary defines (bos, eos, eot, sep, pad, nl).</summary>
    public IReadOnlyList<SpecialTokenRole> SpecialTokens { get; init; } = [];

    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>
    /// For a BPE vocabulary without <c>tokenizer.ggml.pre</c>, what that means for the audit (one
    /// line); null otherwise. llama.cpp then splits text with its default pre-tokenizer rather than
    /// the model's own, and tokens only the real one produces look unreachable (gpt-neox: 1,807 here
    /// against 221 in Magikarp's table).
    /// </summary>
    public string? MissingPreTokenizer => TokenizerType == "BPE" && PreTokenizer is null
        ? $"{FileName} has no tokenizer.ggml.pre: llama.cpp splits text with its default pre-tokenizer, not the model's own, " +
          "so tokens only the model's own produces count as unreachable (the count is an upper bound)"
        : null;

    /// <summary>The pre-tokenizer as the summaries show it ("- (llama.cpp default)" for a GGUF without one).</summary>
    public string PreTokenizerShown => PreTokenizer ?? (Format == "GGUF" ? "- (llama.cpp default)" : "-");

    /// <summary>"BPE (gpt2, pre gpt-2)".</summary>
    public string TokenizerSummary => $"{TokenizerType} (model {TokenizerModel ?? "-"}, pre {PreTokenizerShown})";
}

/// <summary>A special-token role and the token that fills it.</summary>
/// <param name="Role">bos, eos, eot, sep, pad or nl.</param>
/// <param name="Id">Token id.</param>
/// <param name="Text">The vocabulary's spelling of it.</param>
public sealed record SpecialTokenRole(string Role, int Id, string Text);
