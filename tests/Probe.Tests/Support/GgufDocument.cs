using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Tests.Gguf;

namespace AnomalyProbe.Probe.Tests.Support;

/// <summary>One tensor as stored: name, ggml type id, shape (ne, innermost first) and data bytes.</summary>
internal sealed record TensorData(string Name, uint Type, ulong[] Dimensions, byte[] Data);

/// <summary>
/// A GGUF file as an editable list of metadata entries and tensors, written back through the
/// writer's unchecked seam so any edit — a valid one or a hostile one — round-trips to bytes.
/// </summary>
internal sealed class GgufDocument
{
    public List<KeyValuePair<string, GgufValue>> Metadata { get; } = [];
    public List<TensorData> Tensors { get; } = [];

    /// <summary>The layout's alignment (the writer pads with it); general.alignment may say something else.</summary>
    public uint Alignment { get; set; } = GgufFormat.DefaultAlignment;

    public string? Architecture => Get(GgufFormat.ArchitectureKey)?.AsString();

    public static GgufDocument Load(string path)
    {
        using GgufFile file = GgufFile.Open(path);
        var document = new GgufDocument { Alignment = (uint)file.Alignment };
        foreach (GgufMetadataEntry entry in file.Metadata) document.Metadata.Add(new(entry.Key, entry.Value));
        foreach (GgufTensorInfo t in file.Tensors)
        {
            byte[] data = file.ReadRows(t, 0, checked((int)t.RowCount));
            document.Tensors.Add(new TensorData(t.Name, (uint)t.Type, [.. t.Dimensions.Select(d => (ulong)d)], data));
        }
        return document;
    }

    public GgufDocument Clone()
    {
        var copy = new GgufDocument { Alignment = Alignment };
        copy.Metadata.AddRange(Metadata);
        copy.Tensors.AddRange(Tensors.Select(t => t with { Dimensions = [.. t.Dimensions], Data = [.. t.Data] }));
        return copy;
    }

    public GgufValue? Get(string key) => Metadata.FirstOrDefault(e => e.Key == key).Value;

    public GgufDocument Set(string key, GgufValue value)
    {
        int at = Metadata.FindIndex(e => e.Key == key);
        if (at >= 0) Metadata[at] = new(key, value);
        else Metadata.Add(new(key, value));
        return this;
    }

    public GgufDocument Remove(string key)
    {
        Metadata.RemoveAll(e => e.Key == key);
        return this;
    }

    public TensorData? Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    public GgufDocument Replace(string name, Func<TensorData, TensorData> change)
    {
        int at = Tensors.FindIndex(t => t.Name == name);
        if (at >= 0) Tensors[at] = change(Tensors[at]);
        return this;
    }

    public byte[] ToBytes()
    {
        var writer = new GgufWriter { Alignment = Alignment };
        foreach (var (key, value) in Metadata)
        {
            if (key == GgufFormat.AlignmentKey && value.Type != GgufValueType.UInt32) continue; // written raw below
            writer.Add(key, value);
        }
        if (Get(GgufFormat.AlignmentKey) is { Type: not GgufValueType.UInt32 } odd)
        {
            using var payload = new MemoryStream();
            odd.WritePayload(payload);
            writer.AddRawEntry(System.Text.Encoding.UTF8.GetBytes(GgufFormat.AlignmentKey), (uint)odd.Type, payload.ToArray());
        }
        foreach (TensorData t in Tensors) writer.AddRawTensor(System.Text.Encoding.UTF8.GetBytes(t.Name), t.Type, t.Dimensions, t.Data);
        return writer.ToArray();
    }
}
