using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>What <c>inspect</c> reports: the file's structure from our reader, the tokenizer from llama.cpp.</summary>
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
    EngineInfo Engine)
{
    public static ModelDescription Build(string path)
    {
        using LlamaModel model = LlamaModel.Load(path, vocabOnly: true);
        using GgufFile gguf = GgufFile.Open(model.Path);
        Vocabulary v = model.Vocabulary;
        string? arch = gguf.Architecture;

        var special = new List<SpecialToken>();
        foreach (var (role, id) in new[] { ("bos", v.Bos), ("eos", v.Eos), ("eot", v.Eot), ("sep", v.Sep), ("pad", v.Pad), ("nl", v.NewLine) })
        {
            if (id >= 0) special.Add(new SpecialToken(role, id, PieceText.Escape(System.Text.Encoding.UTF8.GetBytes(v.GetText(id)))));
        }
        long? fileType = gguf.GetInt64("general.file_type");

        return new ModelDescription(
            model.Path,
            gguf.FileSize,
            gguf.Version,
            arch,
            gguf.GetString("general.name"),
            gguf.Tensors.Sum(t => t.ElementCount),
            arch is null ? null : gguf.GetInt64($"{arch}.context_length"),
            fileType is long ft ? LlamaModel.FileTypeNameOf((int)ft) : null,
            v.Count,
            v.Type.ToString().ToUpperInvariant(),
            gguf.GetString("tokenizer.ggml.model"),
            gguf.GetString("tokenizer.ggml.pre"),
            special,
            gguf.Tensors.Select(t => new TensorRow(t.Name, t.Type.ToString(), [.. t.Dimensions], t.ByteSize)).ToList(),
            gguf.Metadata.Select(m => new MetadataRow(m.Key, Summarize(m.Value))).ToList(),
            LlamaRuntime.Engine);
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
