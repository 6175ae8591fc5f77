using System.Buffers.Binary;
using System.Text;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

/// <summary>
/// Hostile and broken model files given to the real CLI in a child process: each must end with
/// exit code 2 and one line on stderr, never a stack trace or a native abort.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("badinput").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertCleanInputError(CliResult r, string expectedFragment)
    {
        Assert.False(r.LooksLikeCrash, $"crash-like output (exit {r.ExitCode}): {r.StdErr}");
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {r.StdErr}");
        Assert.Contains(expectedFragment, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", r.StdOut.Trim());
    }

    private static CliResult Generate(string modelPath) => CliProcess.Run("generate", "--model", modelPath, "-n", "1");

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void MissingFile() => AssertCleanInputError(Generate(Path.Combine(_dir, "nope.gguf")), "not found");

    [Fact]
    public void EmptyFile() => AssertCleanInputError(Generate(Write("empty.gguf", [])), "empty");

    [Fact]
    public void BadMagic()
    {
        byte[] bytes = File.ReadAllBytes(TestPaths.DefaultModel);
        bytes[0] = (byte)'X';
        AssertCleanInputError(Generate(Write("magic.gguf", bytes)), "magic");
    }

    [Theory]
    [InlineData(3)]        // inside the magic
    [InlineData(6)]        // inside the version
    [InlineData(15)]       // inside the tensor count
    [InlineData(23)]       // inside the kv count
    [InlineData(30)]       // inside the first key
    [InlineData(200)]      // metadata
    [InlineData(5_000)]    // tokenizer arrays
    [InlineData(20_000)]   // tokenizer arrays / tensor infos
    [InlineData(300_000)]  // tensor data
    [InlineData(-1)]       // one byte short of the end
    public void TruncatedModel(int length)
    {
        byte[] bytes = File.ReadAllBytes(TestPaths.DefaultModel);
        int keep = length < 0 ? bytes.Length + length : length;
        AssertCleanInputError(Generate(Write($"trunc{keep}.gguf", bytes[..keep])), "GGUF");
    }

    [Fact]
    public void TensorCountOfTwoToThe40()
    {
        byte[] bytes = File.ReadAllBytes(TestPaths.DefaultModel);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), 1UL << 40);
        AssertCleanInputError(Generate(Write("count.gguf", bytes)), "tensor");
    }

    [Fact]
    public void StringLengthPastEndOfFile()
    {
        byte[] bytes = File.ReadAllBytes(TestPaths.DefaultModel);
        // The first metadata key's length field follows the 24-byte header.
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)bytes.Length + 100);
        AssertCleanInputError(Generate(Write("string.gguf", bytes)), "GGUF");
    }

    [Fact]
    public void TensorOffsetPastEndOfFile()
    {
        // A minimal hand-made GGUF: one string key, one F32 tensor whose data offset is 2^40.
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(3u);
            w.Write(1UL); // tensors
            w.Write(1UL); // kv
            WriteString(w, "general.architecture");
            w.Write(8u); // string
            WriteString(w, "llama");
            WriteString(w, "token_embd.weight");
            w.Write(2u);
            w.Write(4UL);
            w.Write(4UL);
            w.Write(0u); // F32
            w.Write(1UL << 40);
            while (stream.Length % 32 != 0) w.Write((byte)0);
            w.Write(new byte[64]);
        }
        AssertCleanInputError(Generate(Write("offset.gguf", stream.ToArray())), "past");
    }

    // The GGUF spec allows arrays of arrays (our reader takes them), but llama.cpp's loader
    // refuses them: they are caught before it (exit 2, not llama.cpp's exit 1).
    [Fact]
    public void ArrayOfArraysIsRefusedBeforeLlamaCpp()
    {
        GgufValue nested = GgufValue.FromArrays([GgufValue.FromArray<int>([1, 2]), GgufValue.FromArray<int>([3])]);
        string path = Write("nested.gguf", Gguf.GgufTestFiles.SmallModel().Add("general.nested", nested).ToArray());
        // inspect describes the file and names the problem; commands that load it refuse it.
        CliResult inspect = CliProcess.Run("inspect", "--model", path);
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("'general.nested' is an array of arrays", inspect.StdOut, StringComparison.Ordinal);
        AssertCleanInputError(CliProcess.Run("tokenizer", "audit", "--model", path, "--out", Path.Combine(_dir, "audit")), "'general.nested' is an array of arrays");
    }

    [Fact]
    public void VocabOnlyModelGivenToGenerate() =>
        AssertCleanInputError(Generate(Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf")), "vocab");

    // poem-zh's SentencePiece vocabulary has no byte tokens: llama.cpp aborts (std::out_of_range)
    // on any character it lacks. The prompt is refused before llama.cpp sees it.
    [Fact]
    public void TextAVocabularyCannotSpellIsRefusedNotAborted()
    {
        CliResult r = CliProcess.Run("generate", "--model", Path.Combine(TestPaths.ModelsDir, "poem-zh.gguf"), "--prompt", "hello", "-n", "1");
        AssertCleanInputError(r, "llama.cpp would abort");
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        CliResult r = CliProcess.Run("generate", "--no-such-option");
        Assert.Equal(2, r.ExitCode);
        Assert.False(r.LooksLikeCrash);
    }

    [Fact]
    public void BadTemperatureIsAUsageError()
    {
        CliResult r = CliProcess.Run("generate", "--temperature", "lukewarm");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a temperature", r.StdErr, StringComparison.Ordinal);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)b.Length);
        w.Write(b);
    }
}
