using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>
/// Builds GGUF files (version 3 by default) in the layout llama.cpp expects: metadata, tensor
/// infos, padding to the alignment, then each tensor's data padded to the alignment.
/// </summary>
/// <remarks>
/// The typed methods reject what is wrong with the item itself (and duplicate keys or tensor
/// names); rules between entries, such as the tokenizer arrays agreeing in length, are left to
/// <see cref="GgufFile"/>. Writing invalid files on purpose (the hostile-file tests) goes through
/// <see cref="IUncheckedGgufWriter"/>, which is not part of this class's public surface.
/// </remarks>
public sealed class GgufWriter : IUncheckedGgufWriter
{
    private readonly List<MetadataEntry> _metadata = [];
    private readonly List<TensorEntry> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private uint _alignment = GgufFormat.DefaultAlignment;

    /// <summary>Version written in the header (3 unless changed).</summary>
    public uint Version { get; set; } = GgufFormat.CurrentVersion;

    /// <summary>Alignment of the data section and of each tensor; when not the default 32,
    /// <c>general.alignment</c> is written too unless it was added explicitly.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a nonzero power of two.</exception>
    public uint Alignment
    {
        get => _alignment;
        set
        {
            if (!uint.IsPow2(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "alignment must be a nonzero power of two");
            }
            _alignment = value;
        }
    }


    /// <summary>Adds a metadata entry.</summary>
    /// <exception cref="ArgumentException">The key is empty or already added.</exception>
    public GgufWriter Add(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"metadata key '{key}' was already added", nameof(key));
        }
        using var encoded = new MemoryStream();
        value.WritePayload(encoded);
        _metadata.Add(new MetadataEntry(Encoding.UTF8.GetBytes(key), (uint)value.Type, encoded.ToArray()));
        return this;
    }

    public GgufWriter AddString(string key, string value) => Add(key, GgufValue.FromString(value));

    public GgufWriter AddStringArray(string key, IEnumerable<string> values) => Add(key, GgufValue.FromStringArray(values));

    public GgufWriter AddFloat32Array(string key, ReadOnlySpan<float> values) => Add(key, GgufValue.FromArray(values));

    public GgufWriter AddInt32Array(string key, ReadOnlySpan<int> values) => Add(key, GgufValue.FromArray(values));

    public GgufWriter AddUInt32(string key, uint value) => Add(key, GgufValue.FromUInt32(value));

    public GgufWriter AddInt32(string key, int value) => Add(key, GgufValue.FromInt32(value));

    /// <summary>Adds a UINT64 entry.</summary>
    public GgufWriter AddUInt64(string key, ulong value) => Add(key, GgufValue.FromUInt64(value));

    public GgufWriter AddInt64(string key, long value) => Add(key, GgufValue.FromInt64(value));

    public GgufWriter AddFloat32(string key, float value) => Add(key, GgufValue.FromFloat32(value));

    public GgufWriter AddFloat64(string key, double value) => Add(key, GgufValue.FromFloat64(value));

    public GgufWriter AddBool(string key, bool value) => Add(key, GgufValue.FromBool(value));

    GgufWriter IUncheckedGgufWriter.AddRawEntry(ReadOnlySpan<byte> key, uint valueType, ReadOnlySpan<byte> payload)
    {
        _metadata.Add(new MetadataEntry(key.ToArray(), valueType, payload.ToArray()));
        return this;
    }

    /// <summary>Adds a tensor whose data is given as stored (e.g. quantized blocks).</summary>
    /// <param name="name">Unique name of at most 63 UTF-8 bytes.</param>
    /// <param name="type">Element type.</param>
    /// <param name="dimensions">Shape, innermost first (ggml ne): 1 to 4 dimensions, each at least 1, the first a multiple of the type's block size.</param>
    /// <param name="data">The data, exactly as many bytes as the shape takes.</param>
    /// <exception cref="ArgumentException">A name, shape or data length that the reader would reject.</exception>
    public GgufWriter AddTensor(string name, GgmlType type, ReadOnlySpan<long> dimensions, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > GgufFormat.MaxTensorNameLength || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"tensor name '{name}' is longer than {GgufFormat.MaxTensorNameLength} bytes or contains NUL", nameof(name));
        }
        var info = GgmlTypeInfo.Get(type);
        if (dimensions.Length is 0 or > GgufFormat.MaxDimensions)
        {
            throw new ArgumentException($"a tensor has 1 to {GgufFormat.MaxDimensions} dimensions, not {dimensions.Length}", nameof(dimensions));
        }
        foreach (long ne in dimensions)
        {
            if (ne < 1)
            {
                throw new ArgumentException($"dimension {ne} is not positive", nameof(dimensions));
            }
        }
        long byteSize = info.RowByteSize(dimensions[0]);
        foreach (long ne in dimensions[1..])
        {
            byteSize = checked(byteSize * ne);
        }
        if (data.Length != byteSize)
        {
            throw new ArgumentException($"tensor '{name}' of type {info.Name} and shape [{string.Join(", ", dimensions.ToArray())}] takes {byteSize} bytes, not {data.Length}", nameof(data));
        }
        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        }
        var stored = new ulong[dimensions.Length];
        for (int i = 0; i < stored.Length; i++)
        {
            stored[i] = (ulong)dimensions[i];
        }
        _tensors.Add(new TensorEntry(nameBytes, (uint)type, stored, data.ToArray(), null));
        return this;
    }

    /// <summary>Adds an F32 tensor.</summary>
    /// <exception cref="ArgumentException">A name, shape or data length that the reader would reject.</exception>
    public GgufWriter AddTensor(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> data) =>
        AddTensor(name, GgmlType.F32, dimensions, MemoryMarshal.AsBytes(data));

    GgufWriter IUncheckedGgufWriter.AddRawTensor(ReadOnlySpan<byte> name, uint type, ReadOnlySpan<ulong> dimensions, ReadOnlySpan<byte> data, ulong? offset)
    {
        _tensors.Add(new TensorEntry(name.ToArray(), type, dimensions.ToArray(), data.ToArray(), offset));
        return this;
    }

    /// <summary>
    /// Writes the header and the metadata of a file whose <paramref name="tensorCount"/> tensor infos
    /// and data the caller streams after it (a model too large to hold in memory); no tensor may have
    /// been added here.
    /// </summary>
    public void WriteHeader(Stream stream, int tensorCount)
    {
        if (_tensors.Count > 0) throw new InvalidOperationException("WriteHeader is for files whose tensors are streamed by the caller");
        Write(stream, (ulong)tensorCount);
    }

    public void WriteTo(Stream stream) => Write(stream, (ulong)_tensors.Count);

    private void Write(Stream stream, ulong tensorCount)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var metadata = new List<MetadataEntry>(_metadata);
        if (_alignment != GgufFormat.DefaultAlignment && !_keys.Contains(GgufFormat.AlignmentKey))
        {
            using var encoded = new MemoryStream();
            GgufValue.FromUInt32(_alignment).WritePayload(encoded);
            metadata.Add(new MetadataEntry(Encoding.UTF8.GetBytes(GgufFormat.AlignmentKey), (uint)GgufValueType.UInt32, encoded.ToArray()));
        }

        var output = new CountingWriter(stream);
        output.Write(GgufFormat.Magic);
        output.WriteUInt32(Version);
        output.WriteUInt64(tensorCount);
        output.WriteUInt64((ulong)metadata.Count);
        foreach (var entry in metadata)
        {
            output.WriteString(entry.Key);
            output.WriteUInt32(entry.Type);
            output.Write(entry.Payload);
        }

        var offsets = new long[_tensors.Count];
        long next = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            offsets[i] = next;
            next = AlignUp(next + _tensors[i].Data.Length);
        }
        for (int i = 0; i < _tensors.Count; i++)
        {
            var tensor = _tensors[i];
            output.WriteString(tensor.Name);
            output.WriteUInt32((uint)tensor.Dimensions.Length);
            foreach (ulong ne in tensor.Dimensions)
            {
                output.WriteUInt64(ne);
            }
            output.WriteUInt32(tensor.Type);
            output.WriteUInt64(tensor.OffsetOverride ?? (ulong)offsets[i]);
        }

        if (_tensors.Count > 0)
        {
            long dataStart = AlignUp(output.Position);
            output.Pad(dataStart);
            for (int i = 0; i < _tensors.Count; i++)
            {
                output.Pad(dataStart + offsets[i]);
                output.Write(_tensors[i].Data);
            }
        }
    }

    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing any existing file.</summary>
    public void Save(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteTo(stream);
    }

    private long AlignUp(long value) => (value + _alignment - 1) & ~((long)_alignment - 1);

    private sealed record MetadataEntry(byte[] Key, uint Type, byte[] Payload);

    private sealed record TensorEntry(byte[] Name, uint Type, ulong[] Dimensions, byte[] Data, ulong? OffsetOverride);

    /// <summary>Little-endian writes that keep count of the bytes written.</summary>
    private sealed class CountingWriter(Stream stream)
    {
        private static readonly byte[] Zeros = new byte[4096];

        public long Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            Position += bytes.Length;
        }

        public void WriteUInt32(uint value)
        {
            Span<byte> buffer = stackalloc byte[sizeof(uint)];
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
            Write(buffer);
        }

        public void WriteUInt64(ulong value)
        {
            Span<byte> buffer = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
            Write(buffer);
        }

        public void WriteString(byte[] bytes)
        {
            WriteUInt64((ulong)bytes.Length);
            Write(bytes);
        }

        public void Pad(long position)
        {
            while (Position < position)
            {
                Write(Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, position - Position)));
            }
        }
    }
}
