using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AnomalyProbe.Probe.Gguf;

// Factories, and the encoding used by the writer.
public sealed partial class GgufValue
{
    public static GgufValue FromUInt8(byte value) => new(GgufValueType.UInt8, value, null);

    public static GgufValue FromInt8(sbyte value) => new(GgufValueType.Int8, unchecked((ulong)value), null);

    public static GgufValue FromUInt16(ushort value) => new(GgufValueType.UInt16, value, null);

    public static GgufValue FromInt16(short value) => new(GgufValueType.Int16, unchecked((ulong)value), null);

    public static GgufValue FromUInt32(uint value) => new(GgufValueType.UInt32, value, null);

    public static GgufValue FromInt32(int value) => new(GgufValueType.Int32, unchecked((ulong)value), null);

    public static GgufValue FromFloat32(float value) => new(GgufValueType.Float32, BitConverter.SingleToUInt32Bits(value), null);

    public static GgufValue FromBool(bool value) => new(GgufValueType.Bool, value ? 1u : 0u, null);

    public static GgufValue FromUInt64(ulong value) => new(GgufValueType.UInt64, value, null);

    public static GgufValue FromInt64(long value) => new(GgufValueType.Int64, unchecked((ulong)value), null);

    public static GgufValue FromFloat64(double value) => new(GgufValueType.Float64, BitConverter.DoubleToUInt64Bits(value), null);

    /// <summary>A STRING holding <paramref name="value"/> as UTF-8.</summary>
    public static GgufValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(GgufValueType.String, 0, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A STRING holding arbitrary bytes (e.g. a tokenizer piece that is not valid UTF-8).</summary>
    public static GgufValue FromStringBytes(ReadOnlySpan<byte> value) => new(GgufValueType.String, 0, value.ToArray());

    /// <summary>An array of a fixed-size type: T is one of byte, sbyte, ushort, short, uint, int,
    /// float, bool, ulong, long, double.</summary>
    /// <exception cref="NotSupportedException">T has no GGUF counterpart.</exception>
    public static GgufValue FromArray<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var elementType = ElementTypeOf<T>();
        byte[] data = MemoryMarshal.AsBytes(values).ToArray();
        if (elementType == GgufValueType.Bool)
        {
            // A .NET bool may hold any nonzero byte; GGUF requires exactly 0 or 1.
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = data[i] != 0 ? (byte)1 : (byte)0;
            }
        }
        return new(elementType, values.Length, data, null, null);
    }

    /// <summary>An array of strings, each stored as UTF-8.</summary>
    public static GgufValue FromStringArray(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromStringBytesArray(values.Select(Encoding.UTF8.GetBytes));
    }

    /// <summary>An array of strings given as raw bytes.</summary>
    public static GgufValue FromStringBytesArray(IEnumerable<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToList();
        long total = 0;
        foreach (var bytes in list)
        {
            ArgumentNullException.ThrowIfNull(bytes, nameof(values));
            total += sizeof(ulong) + bytes.Length;
        }
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"the strings take {total} bytes; an array value is limited to {Array.MaxLength}", nameof(values));
        }
        var data = new byte[total];
        var starts = new int[list.Count];
        int position = 0;
        for (int i = 0; i < list.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(position), (ulong)list[i].Length);
            position += sizeof(ulong);
            starts[i] = position;
            list[i].CopyTo(data, position);
            position += list[i].Length;
        }
        return new(GgufValueType.String, list.Count, data, starts, null);
    }

    /// <summary>An array whose elements are arrays (allowed by the spec; llama.cpp itself rejects them).</summary>
    /// <exception cref="ArgumentException">An element is not an array.</exception>
    public static GgufValue FromArrays(IEnumerable<GgufValue> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var items = arrays.ToArray();
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(arrays));
            if (!item.IsArray)
            {
                throw new ArgumentException($"an element is a {item.Describe()}, not an array", nameof(arrays));
            }
        }
        return new(GgufValueType.Array, items.Length, null, null, items);
    }

    internal static GgufValue Scalar(GgufValueType type, ulong bits) => new(type, bits, null);

    internal static GgufValue StringOf(byte[] bytes) => new(GgufValueType.String, 0, bytes);

    internal static GgufValue ScalarArray(GgufValueType elementType, int length, byte[] data) =>
        new(elementType, length, data, null, null);

    /// <summary>An array of strings over <paramref name="stored"/>, the (u64 length, bytes) sequence as in the file.</summary>
    internal static GgufValue StringArray(int length, byte[] stored, int[] starts) =>
        new(GgufValueType.String, length, stored, starts, null);

    internal static GgufValue ArrayOfArrays(GgufValue[] items) =>
        new(GgufValueType.Array, items.Length, null, null, items);

    /// <summary>Writes the value as stored after its type id: scalar bytes, length-prefixed
    /// string, or (element type, count, elements).</summary>
    internal void WritePayload(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        switch (Type)
        {
            case GgufValueType.String:
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, (ulong)_data!.Length);
                stream.Write(buffer);
                stream.Write(_data);
                break;
            case GgufValueType.Array:
                BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)ElementType!.Value);
                stream.Write(buffer[..sizeof(uint)]);
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, (ulong)_length);
                stream.Write(buffer);
                if (_items is not null)
                {
                    foreach (var item in _items)
                    {
                        item.WritePayload(stream);
                    }
                }
                else
                {
                    stream.Write(_data);
                }
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, _bits);
                stream.Write(buffer[..ScalarSize(Type)]);
                break;
        }
    }

    private static GgufValueType ElementTypeOf<T>()
    {
        var t = typeof(T);
        return t == typeof(byte) ? GgufValueType.UInt8
            : t == typeof(sbyte) ? GgufValueType.Int8
            : t == typeof(ushort) ? GgufValueType.UInt16
            : t == typeof(short) ? GgufValueType.Int16
            : t == typeof(uint) ? GgufValueType.UInt32
            : t == typeof(int) ? GgufValueType.Int32
            : t == typeof(float) ? GgufValueType.Float32
            : t == typeof(bool) ? GgufValueType.Bool
            : t == typeof(ulong) ? GgufValueType.UInt64
            : t == typeof(long) ? GgufValueType.Int64
            : t == typeof(double) ? GgufValueType.Float64
            : throw new NotSupportedException($"{t.Name} has no GGUF value type");
    }
}
