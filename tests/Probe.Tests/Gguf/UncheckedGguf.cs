using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Tests.Gguf;

/// <summary>The writer's unchecked seam (<see cref="IUncheckedGgufWriter"/>) as chainable calls, for building invalid files.</summary>
internal static class UncheckedGguf
{
    public static GgufWriter AddRawEntry(this GgufWriter writer, ReadOnlySpan<byte> key, uint valueType, ReadOnlySpan<byte> payload) =>
        ((IUncheckedGgufWriter)writer).AddRawEntry(key, valueType, payload);

    public static GgufWriter AddRawTensor(this GgufWriter writer, ReadOnlySpan<byte> name, uint type, ReadOnlySpan<ulong> dimensions, ReadOnlySpan<byte> data, ulong? offset = null) =>
        ((IUncheckedGgufWriter)writer).AddRawTensor(name, type, dimensions, data, offset);
}
