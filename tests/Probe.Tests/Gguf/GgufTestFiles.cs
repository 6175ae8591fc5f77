using System.Buffers.Binary;
using System.Text;
using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Tests.Gguf;

/// <summary>A temporary directory for test files, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("anomalyprobe-gguf-").FullName;
    }

    public string Path { get; }

    public string Write(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Building, patching and checking GGUF files in tests.</summary>
internal static class GgufTestFiles
{
    /// <summary>Size of magic, version, tensor count and metadata count.</summary>
    public const int HeaderSize = 24;

    private static readonly Lazy<byte[]> StoriesBytes = new(() => File.ReadAllBytes(TestPaths.DefaultModel));

    /// <summary>A fresh copy of stories260K.gguf.</summary>
    public static byte[] Stories => (byte[])StoriesBytes.Value.Clone();

    /// <summary>Offset of the value of the first metadata entry when it has this key.</summary>
    public static long FirstValueOffset(string key) => HeaderSize + sizeof(ulong) + Encoding.UTF8.GetByteCount(key) + sizeof(uint);

    /// <summary>A small valid model: a 4-token vocabulary and two F32 tensors.</summary>
    public static GgufWriter SmallModel() => new GgufWriter()
        .AddString("general.architecture", "llama")
        .AddUInt32("llama.context_length", 16)
        .AddString("tokenizer.ggml.model", "llama")
        .AddStringArray("tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "a"])
        .AddFloat32Array("tokenizer.ggml.scores", [0f, 0f, 0f, -1f])
        .AddInt32Array("tokenizer.ggml.token_type", [2, 3, 3, 1])
        .AddUInt32("tokenizer.ggml.bos_token_id", 1)
        .AddUInt32("tokenizer.ggml.eos_token_id", 2)
        .AddTensor("token_embd.weight", [8, 4], Enumerable.Range(0, 32).Select(i => (float)i).ToArray())
        .AddTensor("output_norm.weight", [8], Enumerable.Repeat(1f, 8).ToArray());

    public static byte[] PatchUInt32(byte[] bytes, long offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)offset), value);
        return bytes;
    }

    public static byte[] PatchUInt64(byte[] bytes, long offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)offset), value);
        return bytes;
    }

    public static byte[] UInt32Bytes(uint value)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] UInt64Bytes(ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>Writes <paramref name="content"/> to a temporary file and runs <paramref name="use"/> on the opened file.</summary>
    public static void WithFile(byte[] content, Action<GgufFile> use)
    {
        using var dir = new TempDirectory();
        using var file = GgufFile.Open(dir.Write("test.gguf", content));
        use(file);
    }

    /// <summary>Asserts that opening <paramref name="content"/> fails with a one-line message
    /// containing <paramref name="messagePart"/>, reporting <paramref name="offset"/> (when given)
    /// both in the exception and in the message.</summary>
    public static GgufFormatException AssertInvalid(byte[] content, string messagePart, long? offset = null)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("invalid.gguf", content);
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Open(path).Dispose());
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.InRange(error.Offset, 0, content.Length);
        Assert.EndsWith($" at byte {error.Offset}", error.Message, StringComparison.Ordinal);
        if (offset is long expected)
        {
            Assert.Equal(expected, error.Offset);
        }
        return error;
    }
}
