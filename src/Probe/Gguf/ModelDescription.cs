using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>
/// What <c>inspect</c> reports: the file's structure from our reader, and the tokenizer as llama.cpp
/// sees it — when the model rules let llama.cpp read the file; otherwise the tokenizer facts come from
/// the metadata alone and <see cref="Problems"/> says why. Weights are never loaded.
/// </summary>
public sealed record ModelDescription(
    string Path,
    long FileSize,
    int GgufVersion,
    string? Architecture,
    string? Name,
    long ParameterCount,
    long? ContextLength,
    string? FileType,
    int VocabularySize,
    string VocabularyType,
    string? TokenizerModel,
    string? PreTokenizer,
    IReadOnlyList<SpecialToken> SpecialTokens,
    IReadOnlyList<TensorRow> Tensors,
    IReadOnlyList<MetadataRow> Metadata,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings,
    EngineInfo Engine)
{
    /// <summary>Describes the file at <paramref name="path"/>; <see cref="InputException"/> only when our reader refuses it.</summary>
    public static ModelDescription Build(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath)) throw new InputException($"'{path}' is a directory, not a model file");
        if (!File.Exists(fullPath)) throw new InputException($"model file not found: {path}");
        GgufFile gguf;
        try
        {
            gguf = GgufFile.Open(fullPath);
        }
        catch (GgufFormatException e)
        {
            throw new InputException($"'{path}' is not a valid GGUF file: {e.Message}", e);
        }
        using (gguf)
        {
            ModelCheck full = GgufModelRules.Check(gguf, weights: true);
            GgufMetadataEntry? nested = gguf.Metadata.FirstOrDefault(e => e.Value.ElementType == GgufValueType.Array);
            bool tokenizerReadable = GgufModelRules.Check(gguf, weights: false).Passed && nested is null;
            string? arch = gguf.Architecture;
            long? fileType = gguf.GetInt64("general.file_type");
            string? tokenizerModel = gguf.GetString("tokenizer.ggml.model");

            int vocabularySize = gguf.TokenCount ?? 0;
            string vocabularyType = tokenizerModel is null ? "-" : $"({GgufText.Printable(tokenizerModel)}, not read by llama.cpp)";
            var special = new List<SpecialToken>();
            var problems = full.Problems.ToList();
            if (nested is not null) problems.Add($"metadata '{GgufText.Printable(nested.Key)}' is an array of arrays, which llama.cpp cannot load");
            if (tokenizerReadable)
            {
                try
                {
                    using LlamaModel model = LlamaModel.Load(path, vocabOnly: true);
                    Vocabulary v = model.Vocabulary;
                    vocabularySize = v.Count;
                    vocabularyType = v.Type.ToString().ToUpperInvariant();
                    foreach (var (role, id) in new[] { ("bos", v.Bos), ("eos", v.Eos), ("eot", v.Eot), ("sep", v.Sep), ("pad", v.Pad), ("nl", v.NewLine) })
                    {
                        if (id >= 0) special.Add(new SpecialToken(role, id, PieceText.Escape(System.Text.Encoding.UTF8.GetBytes(v.GetText(id)))));
                    }
                }
                catch (LlamaException e)
                {
                    // What llama.cpp says about the file is part of the description, not a reason to fail.
                    problems.Add(e.Message);
                }
            }

            return new ModelDescription(
                fullPath,
                gguf.FileSize,
                gguf.Version,
                arch,
                gguf.GetString("general.name"),
                gguf.Tensors.Sum(t => t.ElementCount),
                arch is null ? null : gguf.GetInt64($"{arch}.context_length"),
                fileType is long ft ? LlamaModel.FileTypeNameOf((int)ft) : null,
                vocabularySize,
                vocabularyType,
                tokenizerModel,
                gguf.GetString("tokenizer.ggml.pre"),
                special,
                gguf.Tensors.Select(t => new TensorRow(t.Name, t.Type.ToString(), [.. t.Dimensions], t.ByteSize)).ToList(),
                gguf.Metadata.Select(m => new MetadataRow(m.Key, Summarize(m.Value))).ToList(),
                problems,
                full.Warnings,
                LlamaRuntime.Engine);
        }
    }

    private static string Summarize(GgufValue value) =>
        value.Type == GgufValueType.String ? PieceText.Escape(value.GetStringBytes()) : value.ToString();
}

/// <summary>A special token and the vocabulary's spelling of it.</summary>
public sealed record SpecialToken(string Role, int Id, string Text);

/// <summary>One tensor: name, ggml type, shape (ne0 first), bytes.</summary>
public sealed record TensorRow(string Name, string Type, long[] Shape, long Bytes);

/// <summary>One metadata key and a short rendering of its value.</summary>
public sealed record MetadataRow(string Key, string Value);
