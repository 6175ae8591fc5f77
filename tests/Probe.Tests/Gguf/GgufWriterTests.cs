using AnomalyProbe.Probe.Gguf;
using static AnomalyProbe.Probe.Tests.Gguf.GgufTestFiles;

namespace AnomalyProbe.Probe.Tests.Gguf;

/// <summary>Writer → reader round trips, and the writer's own argument checks.</summary>
public sealed class GgufWriterTests
{
    [Fact]
    public void ScalarsOfEveryTypeRoundTrip()
    {
        var writer = new GgufWriter()
            .Add("u8", GgufValue.FromUInt8(byte.MaxValue))
            .Add("i8", GgufValue.FromInt8(sbyte.MinValue))
            .Add("u16", GgufValue.FromUInt16(ushort.MaxValue))
            .Add("i16", GgufValue.FromInt16(short.MinValue))
            .AddUInt32("u32", uint.MaxValue)
            .AddInt32("i32", int.MinValue)
            .AddFloat32("f32", -1.5f)
            .AddBool("bool", true)
            .AddString("str", "héllo ☃")
            .AddUInt64("u64", ulong.MaxValue)
            .AddInt64("i64", long.MinValue)
            .AddFloat64("f64", Math.PI);

        WithFile(writer.ToArray(), file =>
        {
            Assert.Equal(12, file.Metadata.Count);
            Assert.Equal(["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "u64", "i64", "f64"], file.Metadata.Select(e => e.Key));
            Assert.Equal(
                [GgufValueType.UInt8, GgufValueType.Int8, GgufValueType.UInt16, GgufValueType.Int16, GgufValueType.UInt32, GgufValueType.Int32,
                 GgufValueType.Float32, GgufValueType.Bool, GgufValueType.String, GgufValueType.UInt64, GgufValueType.Int64, GgufValueType.Float64],
                file.Metadata.Select(e => e.Value.Type));
            Assert.Equal(byte.MaxValue, file.GetInt64("u8"));
            Assert.Equal(sbyte.MinValue, file.GetInt64("i8"));
            Assert.Equal(ushort.MaxValue, file.GetInt64("u16"));
            Assert.Equal(short.MinValue, file.GetInt64("i16"));
            Assert.Equal(uint.MaxValue, file.GetInt64("u32"));
            Assert.Equal(int.MinValue, file.GetInt32("i32"));
            Assert.Equal(-1.5, file.GetDouble("f32"));
            Assert.True(file.GetBoolean("bool"));
            Assert.Equal("héllo ☃", file.GetString("str"));
            Assert.True(file.TryGetValue("u64", out var u64));
            Assert.Equal(ulong.MaxValue, u64.AsUInt64());
            Assert.Equal(long.MinValue, file.GetInt64("i64"));
            Assert.Equal(Math.PI, file.GetDouble("f64"));
            Assert.Equal(255.0, file.GetDouble("u8"));
        });
    }

    [Fact]
    public void ArraysOfEveryTypeRoundTrip()
    {
        var writer = new GgufWriter()
            .Add("u8", GgufValue.FromArray<byte>([0, 200, 255]))
            .Add("i8", GgufValue.FromArray<sbyte>([-128, 0, 127]))
            .Add("u16", GgufValue.FromArray<ushort>([0, 65535]))
            .Add("i16", GgufValue.FromArray<short>([-32768, 32767]))
            .Add("u32", GgufValue.FromArray<uint>([0, uint.MaxValue]))
            .AddInt32Array("i32", [int.MinValue, -1, int.MaxValue])
            .AddFloat32Array("f32", [0.5f, float.NegativeInfinity, float.Epsilon])
            .Add("bool", GgufValue.FromArray<bool>([true, false, true]))
            .AddStringArray("str", ["", "a", "ünïcödé"])
            .Add("u64", GgufValue.FromArray<ulong>([ulong.MaxValue]))
            .Add("i64", GgufValue.FromArray<long>([long.MinValue, 0]))
            .Add("f64", GgufValue.FromArray<double>([double.MaxValue, -0.25]))
            .Add("empty", GgufValue.FromArray<float>([]));

        WithFile(writer.ToArray(), file =>
        {
            Assert.Equal([0L, 200, 255], Value(file, "u8").AsInt64Array());
            Assert.Equal([-128L, 0, 127], Value(file, "i8").AsInt64Array());
            Assert.Equal([0, 65535], file.GetInt32Array("u16")!);
            Assert.Equal([-32768, 32767], file.GetInt32Array("i16")!);
            Assert.Equal([0L, uint.MaxValue], Value(file, "u32").AsInt64Array());
            Assert.Equal([int.MinValue, -1, int.MaxValue], file.GetInt32Array("i32")!);
            Assert.Equal([0.5f, float.NegativeInfinity, float.Epsilon], file.GetFloatArray("f32")!);
            Assert.Equal([true, false, true], Value(file, "bool").AsBooleanArray());
            Assert.Equal(["", "a", "ünïcödé"], file.GetStringArray("str")!);
            Assert.Equal(ulong.MaxValue, Value(file, "u64").GetElement(0).AsUInt64());
            Assert.Equal([long.MinValue, 0], Value(file, "i64").AsInt64Array());
            Assert.Equal([double.MaxValue, -0.25], Value(file, "f64").AsDoubleArray());
            Assert.Equal([0f, 200f, 255f], file.GetFloatArray("u8")!);
            Assert.Empty(file.GetFloatArray("empty")!);
            Assert.Equal(GgufValueType.Float32, Value(file, "empty").ElementType);
        });
    }

    [Fact]
    public void RawStringBytesSurvive()
    {
        byte[] invalidUtf8 = [0xE2, 0x96];  // the first two bytes of a three-byte character
        var writer = new GgufWriter()
            .Add("piece", GgufValue.FromStringBytes(invalidUtf8))
            .Add("pieces", GgufValue.FromStringBytesArray([[0xFF], [], invalidUtf8]));

        WithFile(writer.ToArray(), file =>
        {
            var piece = Value(file, "piece");
            Assert.Equal(invalidUtf8, piece.GetStringBytes().ToArray());
            Assert.Equal("\uFFFD", piece.AsString());
            var pieces = Value(file, "pieces");
            Assert.Equal(3, pieces.Length);
            Assert.Equal([0xFF], pieces.GetStringBytes(0).ToArray());
            Assert.True(pieces.GetStringBytes(1).IsEmpty);
            Assert.Equal(invalidUtf8, pieces.GetStringBytes(2).ToArray());
            Assert.Equal(invalidUtf8, pieces.GetElement(2).GetStringBytes().ToArray());
        });
    }

    [Fact]
    public void NestedArraysRoundTripUpToTheNestingLimit()
    {
        var deepest = GgufValue.FromArray<int>([7]);
        var nested = deepest;
        for (int depth = 2; depth <= GgufFormat.MaxArrayNesting; depth++)
        {
            nested = GgufValue.FromArrays([nested]);
        }
        var mixed = GgufValue.FromArrays([GgufValue.FromStringArray(["x", "y"]), GgufValue.FromArray<double>([1.5]), GgufValue.FromArrays([])]);
        var writer = new GgufWriter().Add("deep", nested).Add("mixed", mixed);

        WithFile(writer.ToArray(), file =>
        {
            var value = Value(file, "deep");
            for (int depth = 1; depth < GgufFormat.MaxArrayNesting; depth++)
            {
                Assert.Equal(GgufValueType.Array, value.ElementType);
                Assert.Equal(1, value.Length);
                value = value.GetElement(0);
            }
            Assert.Equal([7], value.AsInt32Array());

            var m = Value(file, "mixed");
            Assert.Equal(["x", "y"], m.GetElement(0).AsStringArray());
            Assert.Equal([1.5], m.GetElement(1).AsDoubleArray());
            Assert.Equal(0, m.GetElement(2).Length);
        });
    }

    [Theory]
    [InlineData(GgmlType.F16, new long[] { 8, 3 })]
    [InlineData(GgmlType.BF16, new long[] { 5 })]
    [InlineData(GgmlType.Q4_0, new long[] { 64, 3 })]
    [InlineData(GgmlType.Q8_0, new long[] { 32, 2, 2 })]
    [InlineData(GgmlType.Q4_K, new long[] { 256, 2 })]
    [InlineData(GgmlType.Q6_K, new long[] { 512, 1, 1, 2 })]
    [InlineData(GgmlType.IQ4_XS, new long[] { 256, 3 })]
    [InlineData(GgmlType.MXFP4, new long[] { 32, 2 })]
    [InlineData(GgmlType.NVFP4, new long[] { 64, 2 })]
    [InlineData(GgmlType.Q1_0, new long[] { 128, 2 })]
    [InlineData(GgmlType.I8, new long[] { 3, 3 })]
    public void TensorsRoundTrip(GgmlType type, long[] dimensions)
    {
        var info = GgmlTypeInfo.Get(type);
        long rowBytes = dimensions[0] / info.BlockSize * info.TypeSize;
        long rows = dimensions.Skip(1).Aggregate(1L, (a, b) => a * b);
        var data = new byte[rowBytes * rows];
        new Random(42).NextBytes(data);
        var writer = SmallModel().AddTensor("x", type, dimensions, data);

        WithFile(writer.ToArray(), file =>
        {
            var tensor = file.FindTensor("x")!;
            Assert.Equal(type, tensor.Type);
            Assert.Equal(dimensions, tensor.Dimensions);
            Assert.Equal(dimensions[0], tensor.RowLength);
            Assert.Equal(rows, tensor.RowCount);
            Assert.Equal(rowBytes, tensor.RowByteSize);
            Assert.Equal(data.Length, tensor.ByteSize);
            Assert.Equal(0, tensor.RelativeOffset % 32);
            Assert.Equal(file.DataOffset + tensor.RelativeOffset, tensor.AbsoluteOffset);
            Assert.Equal(data, file.ReadRows(tensor, 0, (int)rows));
            Assert.Equal(data.AsSpan((int)rowBytes * ((int)rows - 1)).ToArray(), file.ReadRows(tensor, rows - 1, 1));
        });
    }

    [Fact]
    public void F32TensorRowsReadBackAsFloats()
    {
        WithFile(SmallModel().ToArray(), file =>
        {
            var embeddings = file.FindTensor("token_embd.weight")!;
            Assert.Equal(4, embeddings.RowCount);
            var row = new byte[embeddings.RowByteSize];
            file.CopyRows(embeddings, 2, 1, row);
            Assert.Equal(Enumerable.Range(16, 8).Select(i => (float)i), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row).ToArray());
            Assert.Equal(["<unk>", "<s>", "</s>", "a"], file.GetStringArray("tokenizer.ggml.tokens")!);
        });
    }

    [Fact]
    public void CustomAlignmentIsWrittenAndHonoured()
    {
        var writer = SmallModel();
        writer.Alignment = 256;
        WithFile(writer.ToArray(), file =>
        {
            Assert.Equal(256, file.Alignment);
            Assert.Equal(256, file.GetInt64(GgufFormat.AlignmentKey));
            Assert.Equal(0, file.DataOffset % 256);
            Assert.All(file.Tensors, t => Assert.Equal(0, t.RelativeOffset % 256));
            Assert.Equal(256, file.Tensors[1].RelativeOffset);
        });
    }

    [Fact]
    public void VersionTwoAndMaximalNamesAreAccepted()
    {
        string longest = new('n', GgufFormat.MaxTensorNameLength);
        var writer = SmallModel().AddTensor(longest, [1, 1, 1, 1], [1f]);
        writer.Version = 2;
        WithFile(writer.ToArray(), file =>
        {
            Assert.Equal(2, file.Version);
            Assert.Equal([1L, 1, 1, 1], file.FindTensor(longest)!.Dimensions);
        });
    }

    [Fact]
    public void VocabOnlyFileHasNoPadding()
    {
        var writer = new GgufWriter().AddStringArray("tokenizer.ggml.tokens", ["a", "b"]);
        byte[] bytes = writer.ToArray();
        WithFile(bytes, file =>
        {
            Assert.True(file.IsVocabOnly);
            Assert.Equal(bytes.Length, file.DataOffset);
            Assert.Equal(2, file.TokenCount);
        });
    }

    [Fact]
    public void CopyingStoriesThroughTheWriterReproducesItExactly()
    {
        using var original = GgufFile.Open(TestPaths.DefaultModel);
        var writer = new GgufWriter();
        foreach (var entry in original.Metadata)
        {
            writer.Add(entry.Key, entry.Value);
        }
        foreach (var tensor in original.Tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions.ToArray(), original.ReadRows(tensor, 0, (int)tensor.RowCount));
        }

        Assert.Equal(File.ReadAllBytes(TestPaths.DefaultModel), writer.ToArray());
    }

    [Fact]
    public void SaveWritesAFile()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "saved.gguf");
        SmallModel().Save(path);
        using var file = GgufFile.Open(path);
        Assert.Equal(path, file.Path);
        Assert.Equal(2, file.Tensors.Count);
    }

    [Fact]
    public void WriterRejectsWhatTheReaderWould()
    {
        var writer = SmallModel();
        Assert.Throws<ArgumentException>(() => writer.AddUInt32("llama.context_length", 1));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("output_norm.weight", [1], [1f]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("short", [4], [1f]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('n', 64), [1], [1f]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("q", GgmlType.Q4_0, [33], new byte[18]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("zero", [0], []));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("five", [1, 1, 1, 1, 1], [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddTensor("removed", (GgmlType)4, [32], new byte[18]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Alignment = 48);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Alignment = 0);
        Assert.Throws<ArgumentException>(() => GgufValue.FromArrays([GgufValue.FromInt32(1)]));
        Assert.Throws<NotSupportedException>(() => GgufValue.FromArray<char>(['c']));
    }

    [Fact]
    public void ValueAccessorsCheckTypes()
    {
        Assert.Throws<InvalidCastException>(() => GgufValue.FromString("1").AsInt64());
        Assert.Throws<InvalidCastException>(() => GgufValue.FromFloat32(1).AsInt64());
        Assert.Throws<InvalidCastException>(() => GgufValue.FromInt32(1).AsString());
        Assert.Throws<InvalidCastException>(() => GgufValue.FromInt32(1).AsBoolean());
        Assert.Throws<InvalidCastException>(() => GgufValue.FromStringArray(["a"]).AsFloatArray());
        Assert.Throws<InvalidCastException>(() => GgufValue.FromArray<float>([1f]).AsInt32Array());
        Assert.Throws<InvalidOperationException>(() => GgufValue.FromInt32(1).Length);
        Assert.Throws<OverflowException>(() => GgufValue.FromUInt64(ulong.MaxValue).AsInt64());
        Assert.Throws<OverflowException>(() => GgufValue.FromInt64(-1).AsUInt64());
        Assert.Throws<OverflowException>(() => GgufValue.FromInt64(1L << 40).AsInt32());
        Assert.Throws<OverflowException>(() => GgufValue.FromArray<uint>([uint.MaxValue]).AsInt32Array());
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufValue.FromStringArray(["a"]).GetStringBytes(1));
        Assert.Equal([1, 2], GgufValue.FromArray<byte>([1, 2]).AsInt32Array());
        Assert.Equal("Array<String>[2]", GgufValue.FromStringArray(["a", "b"]).ToString());
        Assert.Equal("UInt32 7", GgufValue.FromUInt32(7).ToString());
        Assert.Null(GgufValue.FromUInt32(7).ElementType);
    }

    [Fact]
    public void FileGettersReportTheWrongType()
    {
        WithFile(SmallModel().ToArray(), file =>
        {
            var entry = file.FindMetadata("general.architecture")!;
            var error = Assert.Throws<GgufFormatException>(() => file.GetInt64("general.architecture"));
            Assert.Contains("'general.architecture'): is String, expected an integer", error.Message, StringComparison.Ordinal);
            Assert.Equal(entry.ValueOffset - 4, error.Offset);
            Assert.Throws<GgufFormatException>(() => file.GetString("llama.context_length"));
            Assert.Throws<GgufFormatException>(() => file.GetFloatArray("tokenizer.ggml.tokens")!);
            Assert.Throws<GgufFormatException>(() => file.GetBoolean("tokenizer.ggml.tokens"));
            Assert.Null(file.GetInt32Array("absent")!);
        });
    }

    private static GgufValue Value(GgufFile file, string key) =>
        file.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
}
