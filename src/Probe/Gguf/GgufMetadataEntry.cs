namespace AnomalyProbe.Probe.Gguf;

/// <summary>One metadata key/value pair of a GGUF file, with where it is stored.</summary>
public sealed class GgufMetadataEntry
{
    internal GgufMetadataEntry(int index, string key, GgufValue value, long offset, long valueOffset)
    {
        Index = index;
        Key = key;
        Value = value;
        Offset = offset;
        ValueOffset = valueOffset;
    }

    /// <summary>Position among the file's metadata entries.</summary>
    public int Index { get; }

    /// <summary>The key, e.g. <c>general.architecture</c>.</summary>
    public string Key { get; }

    public GgufValue Value { get; }

    /// <summary>File offset of the entry (its key's length field).</summary>
    public long Offset { get; }

    /// <summary>File offset of the value, just after its u32 type id: the scalar, the string's
    /// length field, or an array's element type (followed by its u64 count).</summary>
    public long ValueOffset { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Key} = {Value}";

    /// <summary>An exception for a problem with this entry, found at <paramref name="offset"/>.</summary>
    internal GgufFormatException Error(string problem, long offset) =>
        new($"metadata {Index} ('{GgufText.Printable(Key)}'): {problem} at byte {offset}", offset);
}
