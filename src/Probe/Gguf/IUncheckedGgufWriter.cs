namespace AnomalyProbe.Probe.Gguf;

/// <summary>
/// Writing GGUF files that break the format on purpose: the seam the hostile-file tests build their
/// inputs through. <see cref="GgufWriter"/> implements it explicitly, so it is not part of its public surface.
/// </summary>
internal interface IUncheckedGgufWriter
{
    /// <summary>Adds an entry exactly as given: key bytes, a value type id and the bytes that follow it.</summary>
    GgufWriter AddRawEntry(ReadOnlySpan<byte> key, uint valueType, ReadOnlySpan<byte> payload);

    /// <summary>
    /// Adds a tensor info exactly as given. The data is placed where a valid tensor would go;
    /// <paramref name="offset"/>, when set, replaces the data offset written in the info.
    /// </summary>
    GgufWriter AddRawTensor(ReadOnlySpan<byte> name, uint type, ReadOnlySpan<ulong> dimensions, ReadOnlySpan<byte> data, ulong? offset = null);
}
