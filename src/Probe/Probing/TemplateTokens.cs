using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A template tokenized for one vocabulary: the prefix (with BOS as the model expects) and the
/// suffix (as a continuation, no space prefix). A probe is prefix + [token id] + suffix: the id is
/// inserted directly, never re-tokenized from its text.
/// </summary>
public sealed record TemplateTokens(PromptTemplate Template, int[] Prefix, int[] Suffix)
{
    /// <summary>Tokenizes <paramref name="template"/> with <paramref name="vocabulary"/>.</summary>
    public static TemplateTokens Create(PromptTemplate template, Vocabulary vocabulary)
    {
        int[] prefix = vocabulary.Tokenize(template.Prefix, addSpecial: true);
        if (vocabulary.AddsEos && prefix.Length > 0 && prefix[^1] == vocabulary.Eos) prefix = prefix[..^1];
        if (prefix.Length == 0)
        {
            if (vocabulary.Bos < 0) throw new InputException($"template '{template.Name}' starts with its slot and the model has no BOS token: add text before {PromptTemplate.Slot}");
            prefix = [vocabulary.Bos];
        }
        int[] suffix = new Tokenizers.ContinuationTokenizer(vocabulary).Tokenize(System.Text.Encoding.UTF8.GetBytes(template.Suffix))
            ?? throw new InputException($"template '{template.Name}': this vocabulary cannot spell its text after {PromptTemplate.Slot} (llama.cpp would abort on it)");
        return new TemplateTokens(template, prefix, suffix);
    }

    /// <summary>Tokens decoded per probe: the inserted id plus the suffix.</summary>
    public int TokensPerProbe => 1 + Suffix.Length;

    /// <summary>The whole prompt for one token (what the naive runner decodes).</summary>
    public int[] PromptFor(int token) => [.. Prefix, token, .. Suffix];
}
