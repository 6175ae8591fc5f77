using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>An immutable GGUF metadata value: a scalar, a string (kept as raw bytes), or an array.</summary>
/// <remarks>
/// Arrays keep their elements in the byte layout of the file (one allocation for a whole
/// tokenizer vocabulary) and convert on access. Bulk conversions assume a little-endian host,
/// like ggml itself.
/// </remarks>
public sealed partial class GgufValue
{
    // Scalars: the value's bits, sign-extended for signed types.
    private readonly ulong _bits;
    // String: its bytes. Array of scalars: the elements as stored. Array of strings: the stored
    // sequence of (u64 length, bytes), so that a vocabulary is one block.
    private readonly byte[]? _data;
    // Array of strings: where each element's bytes start in _data.
    private readonly int[]? _starts;
    // Array of arrays: the elements.
    private readonly GgufValue[]? _items;
    private readonly int _length;

    private GgufValue(GgufValueType type, ulong bits, byte[]? data)
    {
        Type = type;
        _bits = bits;
        _data = data;
    }

    private GgufValue(GgufValueType elementType, int length, byte[]? data, int[]? starts, GgufValue[]? items)
    {
        Type = GgufValueType.Array;
        ElementType = elementType;
        _length = length;
        _data = data;
        _starts = starts;
        _items = items;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type of an array; null for other values.</summary>
    public GgufValueType? ElementType { get; }

    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>Number of elements of an array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public int Length => IsArray ? _length : throw new InvalidOperationException($"{Describe()} value is not an array");

    /// <summary>The value of any integer type.</summary>
    /// <exception cref="InvalidCastException">The value is not an integer.</exception>
    /// <exception cref="OverflowException">A UINT64 value above <see cref="long.MaxValue"/>.</exception>
    public long AsInt64() => IsIntegerType(Type) ? ToInt64(Type, _bits) : throw WrongType("an integer");

    /// <summary>The value of any integer type, checked to fit in 32 bits.</summary>
    /// <exception cref="InvalidCastException">The value is not an integer.</exception>
    /// <exception cref="OverflowException">The value does not fit in an <see cref="int"/>.</exception>
    public int AsInt32() => checked((int)AsInt64());

    /// <summary>The value of any nonnegative integer.</summary>
    /// <exception cref="InvalidCastException">The value is not an integer.</exception>
    /// <exception cref="OverflowException">The value is negative.</exception>
    public ulong AsUInt64()
    {
        if (!IsIntegerType(Type))
        {
            throw WrongType("an integer");
        }
        return IsSignedType(Type) && (long)_bits < 0
            ? throw new OverflowException($"{Describe()} value {(long)_bits} is negative")
            : _bits;
    }

    /// <summary>The value of any numeric type (integer or float) as a double.</summary>
    /// <exception cref="InvalidCastException">The value is not a number.</exception>
    public double AsDouble() => IsNumericType(Type) ? ToDouble(Type, _bits) : throw WrongType("a number");

    /// <summary>The value of a BOOL.</summary>
    /// <exception cref="InvalidCastException">The value is not a BOOL.</exception>
    public bool AsBoolean() => Type == GgufValueType.Bool ? _bits != 0 : throw WrongType("a bool");

    /// <summary>A STRING decoded as UTF-8; invalid sequences become U+FFFD (see <see cref="GetStringBytes()"/>).</summary>
    /// <exception cref="InvalidCastException">The value is not a STRING.</exception>
    public string AsString() => Encoding.UTF8.GetString(GetStringBytes());

    /// <summary>The raw bytes of a STRING (tokenizer pieces need not be valid UTF-8).</summary>
    /// <exception cref="InvalidCastException">The value is not a STRING.</exception>
    public ReadOnlySpan<byte> GetStringBytes() => Type == GgufValueType.String ? _data : throw WrongType("a string");

    /// <summary>The raw bytes of element <paramref name="index"/> of an array of strings.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of strings.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array.</exception>
    public ReadOnlySpan<byte> GetStringBytes(int index)
    {
        RequireArrayOf(GgufValueType.String);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _length);
        return StringElement(index);
    }

    /// <summary>An array of strings decoded as UTF-8 (invalid sequences become U+FFFD).</summary>
    /// <exception cref="InvalidCastException">The value is not an array of strings.</exception>
    public string[] AsStringArray()
    {
        RequireArrayOf(GgufValueType.String);
        var result = new string[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Encoding.UTF8.GetString(StringElement(i));
        }
        return result;
    }

    /// <summary>An array of any numeric type converted to floats.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of numbers.</exception>
    public float[] AsFloatArray()
    {
        var type = RequireNumericArray(IsNumericType, "numbers");
        if (type == GgufValueType.Float32)
        {
            return MemoryMarshal.Cast<byte, float>(_data).ToArray();
        }
        var result = new float[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (float)ToDouble(type, ElementBits(type, i));
        }
        return result;
    }

    /// <summary>An array of any numeric type converted to doubles.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of numbers.</exception>
    public double[] AsDoubleArray()
    {
        var type = RequireNumericArray(IsNumericType, "numbers");
        var result = new double[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ToDouble(type, ElementBits(type, i));
        }
        return result;
    }

    /// <summary>An array of any integer type, each element checked to fit in 32 bits.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of integers.</exception>
    /// <exception cref="OverflowException">An element does not fit in an <see cref="int"/>.</exception>
    public int[] AsInt32Array()
    {
        var type = RequireNumericArray(IsIntegerType, "integers");
        if (type == GgufValueType.Int32)
        {
            return MemoryMarshal.Cast<byte, int>(_data).ToArray();
        }
        var result = new int[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = checked((int)ToInt64(type, ElementBits(type, i)));
        }
        return result;
    }

    /// <summary>An array of any integer type as 64-bit integers.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of integers.</exception>
    /// <exception cref="OverflowException">A UINT64 element above <see cref="long.MaxValue"/>.</exception>
    public long[] AsInt64Array()
    {
        var type = RequireNumericArray(IsIntegerType, "integers");
        var result = new long[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ToInt64(type, ElementBits(type, i));
        }
        return result;
    }

    /// <summary>An array of BOOL.</summary>
    /// <exception cref="InvalidCastException">The value is not an array of bools.</exception>
    public bool[] AsBooleanArray()
    {
        RequireArrayOf(GgufValueType.Bool);
        var result = new bool[_length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _data![i] != 0;
        }
        return result;
    }

    /// <summary>Element <paramref name="index"/> of an array of any type, as a value of its own.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array.</exception>
    public GgufValue GetElement(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        var type = ElementType!.Value;
        return type switch
        {
            GgufValueType.Array => _items![index],
            GgufValueType.String => new GgufValue(type, 0, StringElement(index).ToArray()),
            _ => new GgufValue(type, ElementBits(type, index), null),
        };
    }

    /// <summary>A short description such as <c>UInt32 512</c>, <c>String "llama"</c> or <c>Array&lt;String&gt;[32000]</c>.</summary>
    public override string ToString() => Type switch
    {
        GgufValueType.Array => $"Array<{ElementType}>[{_length}]",
        GgufValueType.String => $"String \"{GgufText.Printable(GetStringBytes(), 60)}\"",
        GgufValueType.Bool => $"Bool {(AsBoolean() ? "true" : "false")}",
        GgufValueType.Float32 or GgufValueType.Float64 => $"{Type} {AsDouble():R}",
        GgufValueType.UInt64 => $"{Type} {_bits}",
        _ => $"{Type} {(long)_bits}",
    };

    /// <summary>"UInt32", "Array of String", ...: for messages.</summary>
    internal string Describe() => IsArray ? $"Array of {ElementType}" : Type.ToString();

    /// <summary>Size in bytes of a fixed-size type, 0 for STRING and ARRAY.</summary>
    internal static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };

    internal static bool IsIntegerType(GgufValueType type) => type is
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.UInt16 or GgufValueType.Int16 or
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.UInt64 or GgufValueType.Int64;

    internal static bool IsNumericType(GgufValueType type) =>
        IsIntegerType(type) || type is GgufValueType.Float32 or GgufValueType.Float64;

    internal static bool IsSignedType(GgufValueType type) => type is
        GgufValueType.Int8 or GgufValueType.Int16 or GgufValueType.Int32 or GgufValueType.Int64;

    /// <summary>Reads a stored scalar of a fixed-size type, sign-extending signed types.</summary>
    internal static ulong ReadBits(GgufValueType type, ReadOnlySpan<byte> source) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Bool => source[0],
        GgufValueType.Int8 => unchecked((ulong)(sbyte)source[0]),
        GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(source),
        GgufValueType.Int16 => unchecked((ulong)BinaryPrimitives.ReadInt16LittleEndian(source)),
        GgufValueType.UInt32 or GgufValueType.Float32 => BinaryPrimitives.ReadUInt32LittleEndian(source),
        GgufValueType.Int32 => unchecked((ulong)BinaryPrimitives.ReadInt32LittleEndian(source)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(source),
    };

    private static long ToInt64(GgufValueType type, ulong bits) =>
        type == GgufValueType.UInt64 && bits > long.MaxValue
            ? throw new OverflowException($"UInt64 value {bits} does not fit in a signed 64-bit integer")
            : unchecked((long)bits);

    private static double ToDouble(GgufValueType type, ulong bits) => type switch
    {
        GgufValueType.Float32 => BitConverter.UInt32BitsToSingle((uint)bits),
        GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(bits),
        GgufValueType.UInt64 => bits,
        _ => unchecked((long)bits),
    };

    private ulong ElementBits(GgufValueType type, int index)
    {
        int size = ScalarSize(type);
        return ReadBits(type, _data.AsSpan(index * size, size));
    }

    /// <summary>For an array of strings: offset of element <paramref name="index"/>'s length field
    /// from the first element, which is how far it lies after the array's count in the file.</summary>
    internal int StringElementOffset(int index) => _starts![index] - sizeof(ulong);

    private ReadOnlySpan<byte> StringElement(int index)
    {
        int start = _starts![index];
        // The u64 length in front of each element was validated when the array was built.
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(start - sizeof(ulong)));
        return _data.AsSpan(start, length);
    }

    private void RequireArrayOf(GgufValueType elementType)
    {
        if (ElementType != elementType)
        {
            throw WrongType($"an array of {elementType}");
        }
    }

    private GgufValueType RequireNumericArray(Func<GgufValueType, bool> accepts, string what) =>
        ElementType is { } type && accepts(type) ? type : throw WrongType($"an array of {what}");

    private InvalidCastException WrongType(string expected) => new($"{Describe()} value is not {expected}");
}
