using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>What the summaries say about a vocabulary file: from llama.cpp (type, size, special ids) and the GGUF metadata.</summary>
public static class VocabularyFacts
{
    /// <summary>Describes the loaded <paramref name="model"/>; <paramref name="pathAsGiven"/> is how the user named it.</summary>
    public static VocabularyDescription Describe(LlamaModel model, string pathAsGiven)
    {
        ArgumentNullException.ThrowIfNull(model);
        Vocabulary v = model.Vocabulary;
        using GgufFile gguf = GgufFile.Open(model.Path);
        var special = new List<SpecialTokenRole>();
        foreach (var (role, id) in new[] { ("bos", v.Bos), ("eos", v.Eos), ("eot", v.Eot), ("sep", v.Sep), ("pad", v.Pad), ("nl", v.NewLine) })
        {
            if (id >= 0 && id < v.Count) special.Add(new SpecialTokenRole(role, id, v.GetText(id)));
        }
        return new VocabularyDescription
        {
            Path = pathAsGiven,
            SizeBytes = gguf.FileSize,
            Sha256 = ToolIdentity.Sha256(model.Path),
            Name = gguf.GetString("general.name"),
            TokenizerType = v.Type.ToString().ToUpperInvariant(),
            TokenizerModel = gguf.GetString("tokenizer.ggml.model"),
            PreTokenizer = gguf.GetString("tokenizer.ggml.pre"),
            TokenCount = v.Count,
            SpecialTokens = special,
        };
    }
}
