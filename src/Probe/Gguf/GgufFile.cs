using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;

namespace AnomalyProbe.Probe.Gguf;

/// <summary>
/// A GGUF file, memory-mapped read-only and validated completely when opened: structure,
/// bounds of every field and tensor, and the tokenizer metadata llama.cpp relies on.
/// </summary>
/// <remarks>Metadata and tensor infos are copied into managed memory; tensor data stays in the
/// mapping and is read with <see cref="CopyRows"/>. Reading is thread-safe.</remarks>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly GgufContents _contents;
    private bool _disposed;

    private GgufFile(string path, long fileSize, MemoryMappedFile map, MemoryMappedViewAccessor view, GgufContents contents)
    {
        Path = path;
        FileSize = fileSize;
        _map = map;
        _view = view;
        _contents = contents;
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    public long FileSize { get; }

    /// <summary>GGUF version: 2 or 3.</summary>
    public int Version => (int)_contents.Version;

    /// <summary>Alignment of the data section and of each tensor's data.</summary>
    public long Alignment => _contents.Alignment;

    /// <summary>File offset of the data section (right after the tensor infos when there are no tensors).</summary>
    public long DataOffset => _contents.DataOffset;

    /// <summary>The metadata entries in file order.</summary>
    public IReadOnlyList<GgufMetadataEntry> Metadata => _contents.Metadata;

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _contents.Tensors;

    /// <summary>The <c>general.architecture</c> value (e.g. "llama"), or null when absent.</summary>
    public string? Architecture => GetString(GgufFormat.ArchitectureKey);

    /// <summary>True when the file has no tensors (a tokenizer-only file such as llama.cpp's ggml-vocab-*.gguf).</summary>
    public bool IsVocabOnly => Tensors.Count == 0;

    /// <summary>Number of tokens in <c>tokenizer.ggml.tokens</c>, or null when the file has no token list.</summary>
    public int? TokenCount => FindMetadata(GgufFormat.TokensKey)?.Value.Length;

    /// <summary>Opens, maps and validates a GGUF file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="GgufFormatException">The file is empty, malformed, or breaks a rule llama.cpp relies on.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            long size = stream.Length;
            if (size == 0)
            {
                throw new GgufFormatException("file is empty", 0);
            }
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            GgufContents contents;
            byte* data = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
            try
            {
                contents = GgufParser.Parse(data + view.PointerOffset, size);
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            return new GgufFile(fullPath, size, map, view, contents);
        }
        catch
        {
            view?.Dispose();
            if (map is null)
            {
                stream.Dispose();
            }
            else
            {
                map.Dispose();
            }
            throw;
        }
    }

    /// <summary>Looks up a metadata value.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out GgufValue value)
    {
        value = FindMetadata(key)?.Value;
        return value is not null;
    }

    /// <summary>The metadata entry for <paramref name="key"/> (with its file offsets), or null.</summary>
    public GgufMetadataEntry? FindMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _contents.MetadataByKey.GetValueOrDefault(key);
    }

    /// <summary>A STRING value, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type.</exception>
    public string? GetString(string key) =>
        Find(key, static v => v.Type == GgufValueType.String, "a String") is { } e ? e.Value.AsString() : null;

    /// <summary>A value of any integer type, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type, or a UINT64 above <see cref="long.MaxValue"/>.</exception>
    public long? GetInt64(string key) =>
        Find(key, static v => GgufValue.IsIntegerType(v.Type), "an integer") is { } e ? Convert(e, static v => v.AsInt64()) : null;

    /// <summary>A value of any integer type that fits in 32 bits, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type or a value out of range.</exception>
    public int? GetInt32(string key) =>
        Find(key, static v => GgufValue.IsIntegerType(v.Type), "an integer") is { } e ? Convert(e, static v => v.AsInt32()) : null;

    /// <summary>A value of any numeric type, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type.</exception>
    public double? GetDouble(string key) =>
        Find(key, static v => GgufValue.IsNumericType(v.Type), "a number") is { } e ? e.Value.AsDouble() : null;

    /// <summary>A BOOL value, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type.</exception>
    public bool? GetBoolean(string key) =>
        Find(key, static v => v.Type == GgufValueType.Bool, "a Bool") is { } e ? e.Value.AsBoolean() : null;

    /// <summary>An array of strings, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type.</exception>
    public string[]? GetStringArray(string key) =>
        Find(key, static v => v.ElementType == GgufValueType.String, "an Array of String") is { } e ? e.Value.AsStringArray() : null;

    /// <summary>An array of any numeric type as floats, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type.</exception>
    public float[]? GetFloatArray(string key) =>
        Find(key, static v => v.ElementType is { } t && GgufValue.IsNumericType(t), "an array of numbers") is { } e ? e.Value.AsFloatArray() : null;

    /// <summary>An array of any integer type as 32-bit integers, or null when absent.</summary>
    /// <exception cref="GgufFormatException">The key holds another type or an element out of range.</exception>
    public int[]? GetInt32Array(string key) =>
        Find(key, static v => v.ElementType is { } t && GgufValue.IsIntegerType(t), "an array of integers") is { } e ? Convert(e, static v => v.AsInt32Array()) : null;

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public GgufTensorInfo? FindTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _contents.TensorsByName.GetValueOrDefault(name);
    }

    /// <summary>Copies the raw bytes (as stored, e.g. quantized blocks) of rows
    /// [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of a tensor.</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="firstRow">First row to copy.</param>
    /// <param name="rowCount">Number of rows.</param>
    /// <param name="destination">Receives rowCount × <see cref="GgufTensorInfo.RowByteSize"/> bytes.</param>
    /// <exception cref="ArgumentException">The tensor is not from this file, or the destination is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rows are not all in the tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public void CopyRows(GgufTensorInfo tensor, long firstRow, int rowCount, Span<byte> destination)
    {
        var (offset, length) = RowRange(tensor, firstRow, rowCount);
        if (length > destination.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes but {rowCount} rows of '{tensor.Name}' take {length}", nameof(destination));
        }
        Copy(offset, destination[..(int)length]);
    }

    /// <summary>Returns the raw bytes of rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of a tensor.</summary>
    /// <exception cref="ArgumentException">The tensor is not from this file.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rows are not all in the tensor, or take more than an array can hold.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public byte[] ReadRows(GgufTensorInfo tensor, long firstRow, int rowCount)
    {
        var (offset, length) = RowRange(tensor, firstRow, rowCount);
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"{rowCount} rows take {length} bytes, more than an array can hold");
        }
        var buffer = new byte[length];
        Copy(offset, buffer);
        return buffer;
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        _disposed = true;
        _view.Dispose();
        _map.Dispose();
    }

    private GgufMetadataEntry? Find(string key, Func<GgufValue, bool> accepts, string expected)
    {
        var entry = FindMetadata(key);
        if (entry is not null && !accepts(entry.Value))
        {
            throw entry.Error($"is {entry.Value.Describe()}, expected {expected}", entry.ValueOffset - sizeof(uint));
        }
        return entry;
    }

    private static T Convert<T>(GgufMetadataEntry entry, Func<GgufValue, T> read)
    {
        try
        {
            return read(entry.Value);
        }
        catch (OverflowException e)
        {
            throw entry.Error($"value out of range ({e.Message})", entry.ValueOffset);
        }
    }

    private (long Offset, long Length) RowRange(GgufTensorInfo tensor, long firstRow, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Index >= Tensors.Count || !ReferenceEquals(Tensors[tensor.Index], tensor))
        {
            throw new ArgumentException($"tensor '{tensor.Name}' is not from this file", nameof(tensor));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (firstRow > tensor.RowCount - rowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount,
                $"rows [{firstRow}, {firstRow + rowCount}) are not all in '{tensor.Name}', which has {tensor.RowCount} rows");
        }
        // Both products are bounded by the tensor's byte size, which lies inside the file.
        return (tensor.AbsoluteOffset + firstRow * tensor.RowByteSize, rowCount * tensor.RowByteSize);
    }

    private void Copy(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Holding the pointer keeps the view mapped even if Dispose runs on another thread meanwhile.
        var handle = _view.SafeMemoryMappedViewHandle;
        byte* data = null;
        handle.AcquirePointer(ref data);
        try
        {
            new ReadOnlySpan<byte>(data + _view.PointerOffset + offset, destination.Length).CopyTo(destination);
        }
        finally
        {
            handle.ReleasePointer();
        }
    }
}
