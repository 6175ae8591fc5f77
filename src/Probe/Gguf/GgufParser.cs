using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>The validated structure of a GGUF file.</summary>
internal sealed record GgufContents(
    uint Version,
    long Alignment,
    long DataOffset,
    IReadOnlyList<GgufMetadataEntry> Metadata,
    IReadOnlyDictionary<string, GgufMetadataEntry> MetadataByKey,
    IReadOnlyList<GgufTensorInfo> Tensors,
    IReadOnlyDictionary<string, GgufTensorInfo> TensorsByName);

/// <summary>
/// Parses and validates a GGUF image held in memory. Every read is bounds-checked against the
/// image size and every count is checked against the bytes left before anything is allocated,
/// so a hostile file costs at most a small multiple of its own size.
/// </summary>
/// <remarks>
/// Mirrors the checks of llama.cpp's <c>gguf_init_from_reader</c> (ggml/src/gguf.cpp) and is
/// stricter where that is safe: n_dims and every dimension must be at least 1, names and keys
/// must be valid UTF-8, bools must be 0 or 1, and every tensor's data must lie inside the file.
/// One deliberate difference: arrays of arrays (valid GGUF, up to
/// <see cref="GgufFormat.MaxArrayNesting"/> deep) are accepted, though gguf.cpp refuses them.
/// </remarks>
internal sealed unsafe class GgufParser
{
    // Smallest possible metadata entry: key length, a 1-byte key, type id, a 1-byte value.
    private const long MinEntrySize = sizeof(ulong) + 1 + sizeof(uint) + 1;
    // Smallest possible tensor info: name length, a 1-byte name, n_dims, one dimension, type, offset.
    private const long MinTensorInfoSize = sizeof(ulong) + 1 + sizeof(uint) + sizeof(ulong) + sizeof(uint) + sizeof(ulong);
    // Smallest element of an array of arrays: element type and count of an empty array.
    private const long MinNestedArraySize = sizeof(uint) + sizeof(ulong);

    private readonly byte* _data;
    private readonly long _size;
    private long _position;

    // What is being read, for messages: "metadata 3 ('general.name')".
    private string _section = "header";
    private long _index = -1;
    private string? _name;

    private GgufParser(byte* data, long size)
    {
        _data = data;
        _size = size;
    }

    private long Remaining => _size - _position;

    /// <summary>Parses and validates the <paramref name="size"/> bytes at <paramref name="data"/>.</summary>
    /// <exception cref="GgufFormatException">The image is not a valid GGUF file.</exception>
    public static GgufContents Parse(byte* data, long size) => new GgufParser(data, size).Parse();

    private GgufContents Parse()
    {
        var (version, tensorCount, entryCount) = ReadHeader();
        var (metadata, byKey) = ReadMetadata(entryCount);
        long alignment = ReadAlignment(byKey);
        if (byKey.TryGetValue(GgufFormat.ArchitectureKey, out var architecture) && architecture.Value.Type != GgufValueType.String)
        {
            throw architecture.Error($"must be String but is {architecture.Value.Describe()}", architecture.ValueOffset - sizeof(uint));
        }
        GgufTokenizerRules.Validate(metadata, byKey);

        // Checked only now so that a truncated file is reported where it is cut; a huge count
        // still fails before anything is allocated for it.
        SetContext("tensor infos", -1);
        if (tensorCount > (ulong)(Remaining / MinTensorInfoSize) || tensorCount > int.MaxValue)
        {
            throw Fail($"tensor count {tensorCount} needs at least {(UInt128)tensorCount * MinTensorInfoSize} bytes of tensor infos but only {Remaining} bytes follow the metadata", 8);
        }
        var infos = ReadTensorInfos((int)tensorCount);
        var tensors = LayOutTensors(infos, alignment, out long dataOffset);
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return new GgufContents(version, alignment, dataOffset, metadata, byKey, tensors, byName);
    }

    private (uint Version, ulong TensorCount, ulong EntryCount) ReadHeader()
    {
        var magic = Take(GgufFormat.Magic.Length, "magic");
        if (!magic.SequenceEqual(GgufFormat.Magic))
        {
            throw Fail($"bad magic '{Escape(magic)}' (expected 'GGUF'): not a GGUF file", 0);
        }
        uint version = ReadUInt32("version");
        if (version is not (2 or 3))
        {
            string problem = version == 1
                ? "GGUF version 1 is not supported (only versions 2 and 3)"
                : version != 0 && (version & 0xFFFF) == 0
                    ? $"GGUF version 0x{version:X8} looks byte-swapped: big-endian files are not supported"
                    : $"unsupported GGUF version {version} (only versions 2 and 3)";
            throw Fail(problem, 4);
        }
        ulong tensorCount = ReadUInt64("tensor count");
        ulong entryCount = ReadUInt64("metadata count");

        // Reject an absurd count before allocating anything for it.
        if (entryCount > (ulong)(Remaining / MinEntrySize) || entryCount > int.MaxValue)
        {
            throw Fail($"metadata count {entryCount} needs at least {(UInt128)entryCount * MinEntrySize} bytes but only {Remaining} bytes follow the header", 16);
        }
        return (version, tensorCount, entryCount);
    }

    private (List<GgufMetadataEntry> Entries, Dictionary<string, GgufMetadataEntry> ByKey) ReadMetadata(ulong count)
    {
        var entries = new List<GgufMetadataEntry>((int)Math.Min(count, 1024));
        var byKey = new Dictionary<string, GgufMetadataEntry>(entries.Capacity, StringComparer.Ordinal);
        for (int i = 0; (ulong)i < count; i++)
        {
            SetContext("metadata", i);
            long offset = _position;
            string key = ReadKey();
            _name = key;
            if (byKey.TryGetValue(key, out var first))
            {
                throw Fail($"duplicate key (also metadata {first.Index})", offset);
            }
            long typeOffset = _position;
            uint type = ReadUInt32("value type");
            long valueOffset = _position;
            var entry = new GgufMetadataEntry(i, key, ReadValue(type, typeOffset), offset, valueOffset);
            entries.Add(entry);
            byKey.Add(key, entry);
        }
        return (entries, byKey);
    }

    private string ReadKey()
    {
        long offset = _position;
        var bytes = ReadString("key");
        if (bytes.Length == 0)
        {
            throw Fail("key is empty", offset);
        }
        if (!Utf8.IsValid(bytes))
        {
            throw Fail($"key '{Escape(bytes)}' is not valid UTF-8", offset + sizeof(ulong));
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private GgufValue ReadValue(uint typeId, long typeOffset)
    {
        if (typeId > (uint)GgufValueType.Float64)
        {
            throw Fail($"unknown value type {typeId}", typeOffset);
        }
        var type = (GgufValueType)typeId;
        switch (type)
        {
            case GgufValueType.String:
                return GgufValue.StringOf(ReadString("string"));
            case GgufValueType.Array:
                return ReadArray(1);
            default:
                var bytes = Take(GgufValue.ScalarSize(type), "value");
                ulong bits = GgufValue.ReadBits(type, bytes);
                if (type == GgufValueType.Bool && bits > 1)
                {
                    throw Fail($"bool value {bits} is neither 0 nor 1", _position - 1);
                }
                return GgufValue.Scalar(type, bits);
        }
    }

    private byte[] ReadString(string what)
    {
        long offset = _position;
        ulong length = ReadUInt64($"{what} length");
        if (length > GgufFormat.MaxStringLength)
        {
            throw Fail($"{what} length {length} exceeds the limit of {GgufFormat.MaxStringLength} bytes", offset);
        }
        if (length > (ulong)Remaining)
        {
            throw Fail($"{what} length {length} runs past end of file (file size {_size})", offset);
        }
        return Take((int)length, what).ToArray();
    }

    private GgufValue ReadArray(int depth)
    {
        long offset = _position;
        if (depth > GgufFormat.MaxArrayNesting)
        {
            throw Fail($"arrays are nested more than {GgufFormat.MaxArrayNesting} deep", offset);
        }
        uint elementTypeId = ReadUInt32("array element type");
        if (elementTypeId > (uint)GgufValueType.Float64)
        {
            throw Fail($"unknown array element type {elementTypeId}", offset);
        }
        var elementType = (GgufValueType)elementTypeId;
        long countOffset = _position;
        ulong count = ReadUInt64("array length");
        if (count > GgufFormat.MaxArrayElements)
        {
            throw Fail($"array length {count} exceeds the limit of {GgufFormat.MaxArrayElements} elements", countOffset);
        }
        long minElementSize = elementType switch
        {
            GgufValueType.String => sizeof(ulong),
            GgufValueType.Array => MinNestedArraySize,
            _ => GgufValue.ScalarSize(elementType),
        };
        // count <= 2^30 and minElementSize <= 12: no overflow.
        long minSize = (long)count * minElementSize;
        if (minSize > Remaining)
        {
            throw Fail($"array of {count} {elementType} elements needs at least {minSize} bytes but only {Remaining} remain (file size {_size})", countOffset);
        }

        int length = (int)count;
        switch (elementType)
        {
            case GgufValueType.String:
                return ReadStringArray(length);
            case GgufValueType.Array:
                var items = new GgufValue[length];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = ReadArray(depth + 1);
                }
                return GgufValue.ArrayOfArrays(items);
            default:
                if (minSize > Array.MaxLength)
                {
                    throw Fail($"array of {minSize} bytes is larger than this reader supports ({Array.MaxLength} bytes)", countOffset);
                }
                long dataOffset = _position;
                var data = Take((int)minSize, "array");
                if (elementType == GgufValueType.Bool)
                {
                    int bad = data.IndexOfAnyExcept((byte)0, (byte)1);
                    if (bad >= 0)
                    {
                        throw Fail($"bool element {bad} is {data[bad]}, neither 0 nor 1", dataOffset + bad);
                    }
                }
                return GgufValue.ScalarArray(elementType, length, data.ToArray());
        }
    }

    private GgufValue ReadStringArray(int count)
    {
        // First walk the length fields, so nothing is allocated until every element is known to be in the file.
        long start = _position;
        long position = start;
        for (int i = 0; i < count; i++)
        {
            if (_size - position < sizeof(ulong))
            {
                _position = position;
                throw Truncated($"string element {i} length");
            }
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(Span(position, sizeof(ulong)));
            if (length > GgufFormat.MaxStringLength)
            {
                throw Fail($"string element {i} length {length} exceeds the limit of {GgufFormat.MaxStringLength} bytes", position);
            }
            if (length > (ulong)(_size - position - sizeof(ulong)))
            {
                throw Fail($"string element {i} length {length} runs past end of file (file size {_size})", position);
            }
            position += sizeof(ulong) + (long)length;
        }
        long total = position - start;
        if (total > Array.MaxLength)
        {
            throw Fail($"array of strings takes {total} bytes, more than this reader supports ({Array.MaxLength} bytes)", start);
        }

        byte[] stored = Span(start, (int)total).ToArray();
        var starts = new int[count];
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(stored.AsSpan(offset));
            starts[i] = offset + sizeof(ulong);
            offset = starts[i] + length;
        }
        _position = position;
        return GgufValue.StringArray(count, stored, starts);
    }

    private static long ReadAlignment(Dictionary<string, GgufMetadataEntry> byKey)
    {
        if (!byKey.TryGetValue(GgufFormat.AlignmentKey, out var entry))
        {
            return GgufFormat.DefaultAlignment;
        }
        if (entry.Value.Type != GgufValueType.UInt32)
        {
            throw entry.Error($"must be UInt32 but is {entry.Value.Describe()}", entry.ValueOffset - sizeof(uint));
        }
        ulong alignment = entry.Value.AsUInt64();
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw entry.Error($"alignment {alignment} is not a nonzero power of two", entry.ValueOffset);
        }
        return (long)alignment;
    }

    private List<RawTensorInfo> ReadTensorInfos(int count)
    {
        var infos = new List<RawTensorInfo>(Math.Min(count, 4096));
        var indexByName = new Dictionary<string, int>(infos.Capacity, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            SetContext("tensor", i);
            long infoOffset = _position;
            ulong nameLength = ReadUInt64("name length");
            if (nameLength == 0)
            {
                throw Fail("name is empty", infoOffset);
            }
            if (nameLength > GgufFormat.MaxTensorNameLength)
            {
                throw Fail($"name is {nameLength} bytes long; ggml allows at most {GgufFormat.MaxTensorNameLength}", infoOffset);
            }
            var nameBytes = Take((int)nameLength, "name");
            if (!Utf8.IsValid(nameBytes) || nameBytes.Contains((byte)0))
            {
                throw Fail($"name '{Escape(nameBytes)}' is not valid UTF-8 without NUL bytes", infoOffset + sizeof(ulong));
            }
            string name = Encoding.UTF8.GetString(nameBytes);
            _name = name;
            if (!indexByName.TryAdd(name, i))
            {
                throw Fail($"duplicate tensor name (also tensor {indexByName[name]})", infoOffset);
            }

            long dimensionsOffset = _position;
            uint dimensionCount = ReadUInt32("n_dims");
            if (dimensionCount is 0 or > GgufFormat.MaxDimensions)
            {
                throw Fail($"n_dims is {dimensionCount}; must be 1 to {GgufFormat.MaxDimensions}", dimensionsOffset);
            }
            var dimensions = new long[dimensionCount];
            long elementCount = 1;
            for (int j = 0; j < dimensions.Length; j++)
            {
                long offset = _position;
                ulong ne = ReadUInt64("dimension");
                if (ne is 0 or > long.MaxValue)
                {
                    throw Fail($"dimension {j} is {ne}; must be 1 to {long.MaxValue}", offset);
                }
                dimensions[j] = (long)ne;
                if (elementCount > long.MaxValue / dimensions[j])
                {
                    throw Fail($"shape [{string.Join(", ", dimensions[..(j + 1)])}] has more than {long.MaxValue} elements", dimensionsOffset);
                }
                elementCount *= dimensions[j];
            }
            long rowCount = elementCount / dimensions[0];

            long typeOffset = _position;
            uint typeId = ReadUInt32("type");
            if (!GgmlTypeInfo.TryGet(typeId, out var type))
            {
                throw Fail($"unknown ggml type {typeId}", typeOffset);
            }
            if (dimensions[0] % type.BlockSize != 0)
            {
                throw Fail($"row length {dimensions[0]} is not a multiple of the {type.Name} block size {type.BlockSize}", dimensionsOffset + sizeof(uint));
            }
            long blocksPerRow = dimensions[0] / type.BlockSize;
            if (blocksPerRow > long.MaxValue / type.TypeSize || rowCount > long.MaxValue / (blocksPerRow * type.TypeSize))
            {
                throw Fail($"shape [{string.Join(", ", dimensions)}] of type {type.Name} takes more than {long.MaxValue} bytes", dimensionsOffset);
            }
            long byteSize = blocksPerRow * type.TypeSize * rowCount;

            long offsetOffset = _position;
            ulong relativeOffset = ReadUInt64("data offset");
            infos.Add(new RawTensorInfo(name, type, dimensions, byteSize, relativeOffset, infoOffset, offsetOffset));
        }
        return infos;
    }

    private List<GgufTensorInfo> LayOutTensors(List<RawTensorInfo> infos, long alignment, out long dataOffset)
    {
        SetContext("tensor data", -1);
        // As in gguf.cpp, the data section is padded to the alignment only when there are tensors.
        dataOffset = infos.Count > 0 ? AlignUp(_position, alignment) : _position;
        if (dataOffset > _size)
        {
            throw Fail($"data section would start at byte {dataOffset} (tensor infos padded to the alignment {alignment}), past the end of the file (file size {_size})", _position);
        }

        long dataSize = _size - dataOffset;
        long expected = 0;
        var tensors = new List<GgufTensorInfo>(infos.Count);
        for (int i = 0; i < infos.Count; i++)
        {
            var info = infos[i];
            SetContext("tensor", i);
            _name = info.Name;
            ulong relative = info.RelativeOffset;
            if (relative % (ulong)alignment != 0)
            {
                throw Fail($"data offset {relative} is not a multiple of the alignment {alignment}", info.OffsetOffset);
            }
            if (relative > (ulong)dataSize || info.ByteSize > dataSize - (long)relative)
            {
                throw Fail($"data [offset {relative}, {info.ByteSize} bytes] runs past end of file (file size {_size})", info.OffsetOffset);
            }
            // gguf.cpp requires each tensor to start exactly where the previous one ends, padded
            // to the alignment; this also rules out overlapping data.
            if ((long)relative != expected)
            {
                string overlap = (long)relative < expected ? ", it overlaps the previous tensor" : "";
                throw Fail($"data offset {relative} should be {expected}{overlap}: llama.cpp requires tensor data in order, each padded to the alignment {alignment}", info.OffsetOffset);
            }
            expected = (long)relative + AlignUp(info.ByteSize, alignment);
            tensors.Add(new GgufTensorInfo(i, info.Name, info.Type.Type, info.Dimensions, (long)relative,
                dataOffset + (long)relative, info.ByteSize, info.InfoOffset));
        }
        return tensors;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

    private void SetContext(string section, long index)
    {
        _section = section;
        _index = index;
        _name = null;
    }

    private ReadOnlySpan<byte> Span(long offset, int length) => new(_data + offset, length);

    private ReadOnlySpan<byte> Take(int length, string what)
    {
        if (Remaining < length)
        {
            throw Truncated(what);
        }
        var span = Span(_position, length);
        _position += length;
        return span;
    }

    private uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), what));

    private ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), what));

    private GgufFormatException Truncated(string what) =>
        Fail($"{what} is cut off by the end of the file (file size {_size})", _position);

    private GgufFormatException Fail(string problem, long offset)
    {
        string where = _index < 0 ? _section
            : _name is null ? $"{_section} {_index}"
            : $"{_section} {_index} ('{GgufText.Printable(_name)}')";
        return new GgufFormatException($"{where}: {problem} at byte {offset}", offset);
    }

    /// <summary>Bytes as ASCII with \xNN escapes, cut after 64 bytes.</summary>
    private static string Escape(ReadOnlySpan<byte> bytes)
    {
        const int MaxShown = 64;
        var builder = new StringBuilder();
        foreach (byte b in bytes[..Math.Min(bytes.Length, MaxShown)])
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\'')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append($"\\x{b:X2}");
            }
        }
        return bytes.Length > MaxShown ? builder.Append("...").ToString() : builder.ToString();
    }

    private sealed record RawTensorInfo(
        string Name, GgmlTypeInfo Type, long[] Dimensions, long ByteSize, ulong RelativeOffset, long InfoOffset, long OffsetOffset);
}
