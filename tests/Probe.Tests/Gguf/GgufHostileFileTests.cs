using System.Text;
using AnomalyProbe.Probe.Gguf;
using static AnomalyProbe.Probe.Tests.Gguf.GgufTestFiles;

namespace AnomalyProbe.Probe.Tests.Gguf;

/// <summary>Malformed and hostile files: each must fail with a GgufFormatException that says
/// what is wrong and where.</summary>
public sealed class GgufHostileFileTests
{
    private const uint F32 = (uint)GgmlType.F32;

    // A file with no metadata and one raw tensor named "t": its info starts right after the
    // header, n_dims at 33, the first dimension at 37.
    private const long NDimsOffset = HeaderSize + sizeof(ulong) + 1;
    private const long FirstDimensionOffset = NDimsOffset + sizeof(uint);

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => GgufFile.Open(Path.Combine(dir.Path, "absent.gguf")));
    }

    [Fact]
    public void EmptyFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("empty.gguf", []);
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Open(path));
        Assert.Equal("file is empty", error.Message);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void BadMagic()
    {
        var bytes = Stories;
        "GGML"u8.CopyTo(bytes);
        AssertInvalid(bytes, "header: bad magic 'GGML' (expected 'GGUF')", 0);
        AssertInvalid("GG"u8.ToArray(), "header: magic is cut off by the end of the file (file size 2)", 0);
    }

    [Theory]
    [InlineData(1u, "GGUF version 1 is not supported")]
    [InlineData(0u, "unsupported GGUF version 0")]
    [InlineData(4u, "unsupported GGUF version 4")]
    [InlineData(0x03000000u, "GGUF version 0x03000000 looks byte-swapped")]
    public void UnsupportedVersion(uint version, string message) =>
        AssertInvalid(PatchUInt32(Stories, 4, version), message, 4);

    [Theory]
    [InlineData("in magic", "header: magic is cut off")]
    [InlineData("in version", "header: version is cut off")]
    [InlineData("in tensor count", "header: tensor count is cut off")]
    [InlineData("in metadata count", "header: metadata count is cut off")]
    [InlineData("after header", "header: metadata count 22 needs at least 308 bytes but only 0 bytes follow the header")]
    [InlineData("in first key", "header: metadata count 22 needs at least 308 bytes but only 10 bytes follow the header")]
    [InlineData("in a key", "metadata 13: key length 20 runs past end of file")]
    [InlineData("in a string value", "metadata 13 ('tokenizer.ggml.model'): string length 5 runs past end of file")]
    [InlineData("in a scalar value", "metadata 12 ('llama.vocab_size'): value is cut off")]
    [InlineData("early in the tokens", "metadata 14 ('tokenizer.ggml.tokens'): array of 512 String elements needs at least 4096 bytes")]
    [InlineData("late in the tokens", "metadata 14 ('tokenizer.ggml.tokens'): string element")]
    [InlineData("in the scores", "metadata 15 ('tokenizer.ggml.scores'): array of 512 Float32 elements needs at least 2048 bytes")]
    [InlineData("in the last entry", "metadata 21 ('tokenizer.ggml.add_eos_token'): value type is cut off")]
    [InlineData("in the first tensor info", "tensor infos: tensor count 47 needs at least 1551 bytes of tensor infos but only 4 bytes follow the metadata")]
    [InlineData("in a tensor's dimensions", "tensor 41 ('blk.4.attn_output.weight'): dimension is cut off")]
    [InlineData("in the last tensor info", "tensor 46 ('output_norm.weight'): data offset is cut off")]
    [InlineData("in the padding", "tensor data: data section would start at byte 14208")]
    [InlineData("at the data start", "tensor 0 ('token_embd.weight'): data [offset 0, 131072 bytes] runs past end of file")]
    [InlineData("in the data", "tensor 18 ('blk.1.ffn_up.weight'): data [offset 450560, 44032 bytes] runs past end of file (file size 500000)")]
    [InlineData("one byte short", "tensor 46 ('output_norm.weight'): data [offset 1039872, 256 bytes] runs past end of file (file size 1054335)")]
    public void TruncatedStories(string where, string message)
    {
        long cut;
        using (var file = GgufFile.Open(TestPaths.DefaultModel))
        {
            var tokens = file.FindMetadata("tokenizer.ggml.tokens")!;
            cut = where switch
            {
                "in magic" => 2,
                "in version" => 6,
                "in tensor count" => 12,
                "in metadata count" => 20,
                "after header" => HeaderSize,
                "in first key" => file.Metadata[0].Offset + 10,
                "in a key" => file.Metadata[13].Offset + 10,
                "in a string value" => file.Metadata[13].ValueOffset + 9,
                "in a scalar value" => file.Metadata[12].ValueOffset + 2,
                "early in the tokens" => tokens.ValueOffset + 2000,
                "late in the tokens" => tokens.ValueOffset + 5000,
                "in the scores" => file.FindMetadata("tokenizer.ggml.scores")!.ValueOffset + 100,
                "in the last entry" => file.Metadata[21].ValueOffset - 2,
                "in the first tensor info" => file.Tensors[0].InfoOffset + 4,
                "in a tensor's dimensions" => file.Tensors[41].InfoOffset + 8 + "blk.4.attn_output.weight".Length + 4 + 11,
                "in the last tensor info" => file.Tensors[46].InfoOffset + 8 + "output_norm.weight".Length + 4 + 8 + 4 + 1,
                "in the padding" => file.DataOffset - 5,
                "at the data start" => file.DataOffset,
                "in the data" => 500000,
                "one byte short" => file.FileSize - 1,
                _ => throw new ArgumentOutOfRangeException(nameof(where)),
            };
        }
        var error = AssertInvalid(Stories[..(int)cut], message);
        Assert.True(error.Offset <= cut, $"offset {error.Offset} is past the cut at {cut}");
    }

    [Theory]
    [InlineData(8, 1UL << 40, "tensor infos: tensor count 1099511627776 needs at least 36283883716608 bytes of tensor infos but only 1042899 bytes follow the metadata")]
    [InlineData(8, ulong.MaxValue, "tensor count 18446744073709551615 needs at least 608742554432415203295 bytes")]
    [InlineData(16, 1UL << 62, "header: metadata count 4611686018427387904 needs at least 64563604257983430656 bytes")]
    [InlineData(16, 75309, "header: metadata count 75309 needs at least 1054326 bytes but only 1054312 bytes follow the header")]
    public void ImpossibleCounts(long offset, ulong count, string message) =>
        AssertInvalid(PatchUInt64(Stories, offset, count), message, offset);

    [Theory]
    [InlineData(8, 1UL << 40)]
    [InlineData(16, 1UL << 62)]
    [InlineData(-1, 1UL << 29)] // the token array's count
    public void HugeCountsAllocateLittle(long offset, ulong count)
    {
        var bytes = Stories;
        if (offset < 0)
        {
            using var file = GgufFile.Open(TestPaths.DefaultModel);
            offset = file.FindMetadata("tokenizer.ggml.tokens")!.ValueOffset + sizeof(uint);
        }
        using var dir = new TempDirectory();
        string path = dir.Write("huge.gguf", PatchUInt64(bytes, offset, count));
        Assert.Throws<GgufFormatException>(() => GgufFile.Open(path)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<GgufFormatException>(() => GgufFile.Open(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, 2 * 1024 * 1024);
    }

    [Fact]
    public void StringLengthsPastTheEnd()
    {
        using var file = GgufFile.Open(TestPaths.DefaultModel);
        long name = file.FindMetadata("general.name")!.ValueOffset;
        AssertInvalid(PatchUInt64(Stories, name, 1_000_000_000), "metadata 1 ('general.name'): string length 1000000000 runs past end of file (file size 1054336)", name);
        AssertInvalid(PatchUInt64(Stories, name, 1UL << 31), "string length 2147483648 exceeds the limit of 1073741824 bytes", name);
        long key = file.Metadata[2].Offset;
        AssertInvalid(PatchUInt64(Stories, key, 1 << 24), "metadata 2: key length 16777216 runs past end of file", key);
        long tensorName = file.Tensors[5].InfoOffset;
        AssertInvalid(PatchUInt64(Stories, tensorName, 1UL << 40), "tensor 5: name is 1099511627776 bytes long; ggml allows at most 63", tensorName);
    }

    [Fact]
    public void HugeArrayCounts()
    {
        using var file = GgufFile.Open(TestPaths.DefaultModel);
        long count = file.FindMetadata("tokenizer.ggml.tokens")!.ValueOffset + sizeof(uint);
        AssertInvalid(PatchUInt64(Stories, count, 1UL << 29), "array of 536870912 String elements needs at least 4294967296 bytes", count);
        AssertInvalid(PatchUInt64(Stories, count, 1UL << 40), "array length 1099511627776 exceeds the limit of 1073741824 elements", count);
        long scores = file.FindMetadata("tokenizer.ggml.scores")!.ValueOffset + sizeof(uint);
        AssertInvalid(PatchUInt64(Stories, scores, 1UL << 29), "array of 536870912 Float32 elements needs at least 2147483648 bytes", scores);
    }

    [Fact]
    public void ArraysNestedTooDeep()
    {
        var value = GgufValue.FromArray<byte>([1]);
        for (int depth = 2; depth <= GgufFormat.MaxArrayNesting + 1; depth++)
        {
            value = GgufValue.FromArrays([value]);
        }
        // Each level's header (element type, count) takes 12 bytes.
        long deepest = FirstValueOffset("deep") + 12 * GgufFormat.MaxArrayNesting;
        AssertInvalid(new GgufWriter().Add("deep", value).ToArray(), "metadata 0 ('deep'): arrays are nested more than 8 deep", deepest);
    }

    [Fact]
    public void MalformedValues()
    {
        long value = FirstValueOffset("x");
        AssertInvalid(new GgufWriter().AddRawEntry("x"u8, 13, [0]).ToArray(), "metadata 0 ('x'): unknown value type 13", value - 4);
        AssertInvalid(new GgufWriter().AddRawEntry("x"u8, 9, [.. UInt32Bytes(13), .. UInt64Bytes(0)]).ToArray(), "unknown array element type 13", value);
        AssertInvalid(new GgufWriter().AddRawEntry("x"u8, 7, [2]).ToArray(), "metadata 0 ('x'): bool value 2 is neither 0 nor 1", value);
        AssertInvalid(new GgufWriter().AddRawEntry("x"u8, 9, [.. UInt32Bytes(7), .. UInt64Bytes(2), 1, 255]).ToArray(), "bool element 1 is 255, neither 0 nor 1", value + 13);
        AssertInvalid(new GgufWriter().AddRawEntry("x"u8, 9, [.. UInt32Bytes(5), .. UInt64Bytes(2), 0, 0, 0, 0]).ToArray(), "array of 2 Int32 elements needs at least 8 bytes but only 4 remain", value + 4);
    }

    [Fact]
    public void MalformedKeys()
    {
        byte[] one = UInt32Bytes(1);
        AssertInvalid(new GgufWriter().AddRawEntry([], 4, one).ToArray(), "metadata 0: key is empty", HeaderSize);
        AssertInvalid(new GgufWriter().AddRawEntry([0x41, 0xFF], 4, one).ToArray(), @"metadata 0: key 'A\xFF' is not valid UTF-8", HeaderSize + 8);
        var duplicate = new GgufWriter().AddUInt32("k", 1).AddRawEntry("k"u8, 4, one).ToArray();
        AssertInvalid(duplicate, "metadata 1 ('k'): duplicate key (also metadata 0)", HeaderSize + 17);
    }

    [Theory]
    [InlineData(new ulong[0], "n_dims is 0; must be 1 to 4", NDimsOffset)]
    [InlineData(new ulong[] { 1, 1, 1, 1, 1 }, "n_dims is 5; must be 1 to 4", NDimsOffset)]
    [InlineData(new ulong[] { 4, 0 }, "dimension 1 is 0; must be 1 to 9223372036854775807", FirstDimensionOffset + 8)]
    [InlineData(new ulong[] { 1UL << 63 }, "dimension 0 is 9223372036854775808", FirstDimensionOffset)]
    [InlineData(new ulong[] { 1UL << 32, 1UL << 32 }, "shape [4294967296, 4294967296] has more than 9223372036854775807 elements", NDimsOffset)]
    [InlineData(new ulong[] { 1UL << 20, 1UL << 20, 1UL << 20, 1UL << 20 }, "shape [1048576, 1048576, 1048576, 1048576] has more than", NDimsOffset)]
    [InlineData(new ulong[] { 1UL << 61, 2 }, "shape [2305843009213693952, 2] of type f32 takes more than 9223372036854775807 bytes", NDimsOffset)]
    public void BadShapes(ulong[] dimensions, string message, long offset) =>
        AssertInvalid(new GgufWriter().AddRawTensor("t"u8, F32, dimensions, []).ToArray(), message, offset);

    [Theory]
    [InlineData(4u)]   // Q4_2, removed from ggml
    [InlineData(31u)]  // Q4_0_4_4, removed
    [InlineData(43u)]
    [InlineData(uint.MaxValue)]
    public void UnknownGgmlType(uint type) =>
        AssertInvalid(new GgufWriter().AddRawTensor("t"u8, type, [32], new byte[128]).ToArray(), $"tensor 0 ('t'): unknown ggml type {type}", FirstDimensionOffset + 8);

    [Theory]
    [InlineData(GgmlType.Q4_0, 33, "row length 33 is not a multiple of the q4_0 block size 32")]
    [InlineData(GgmlType.Q4_K, 128, "row length 128 is not a multiple of the q4_K block size 256")]
    [InlineData(GgmlType.NVFP4, 32, "row length 32 is not a multiple of the nvfp4 block size 64")]
    public void RowLengthNotAMultipleOfTheBlockSize(GgmlType type, ulong rowLength, string message) =>
        AssertInvalid(new GgufWriter().AddRawTensor("t"u8, (uint)type, [rowLength], new byte[512]).ToArray(), message, FirstDimensionOffset);

    [Fact]
    public void BadTensorNames()
    {
        AssertInvalid(new GgufWriter().AddRawTensor(new byte[64].Select(_ => (byte)'n').ToArray(), F32, [1], new byte[4]).ToArray(), "tensor 0: name is 64 bytes long; ggml allows at most 63", HeaderSize);
        AssertInvalid(new GgufWriter().AddRawTensor([], F32, [1], new byte[4]).ToArray(), "tensor 0: name is empty", HeaderSize);
        AssertInvalid(new GgufWriter().AddRawTensor("a\0b"u8, F32, [1], new byte[4]).ToArray(), @"tensor 0: name 'a\x00b' is not valid UTF-8 without NUL bytes", HeaderSize + 8);
        var duplicate = new GgufWriter().AddRawTensor("t"u8, F32, [1], new byte[4]).AddRawTensor("t"u8, F32, [1], new byte[4]).ToArray();
        // The first info takes 8 + 1 + 4 + 8 + 4 + 8 = 33 bytes.
        AssertInvalid(duplicate, "tensor 1 ('t'): duplicate tensor name (also tensor 0)", HeaderSize + 33);
    }

    [Theory]
    [InlineData(36UL, "tensor 1 ('b'): data offset 36 is not a multiple of the alignment 32")]
    [InlineData(0UL, "tensor 1 ('b'): data offset 0 should be 32, it overlaps the previous tensor")]
    [InlineData(64UL, "tensor 1 ('b'): data offset 64 should be 32: llama.cpp requires tensor data in order")]
    [InlineData(1UL << 40, "tensor 1 ('b'): data [offset 1099511627776, 32 bytes] runs past end of file (file size 224)")]
    [InlineData(ulong.MaxValue - 31, "runs past end of file")]
    public void BadTensorOffsets(ulong offset, string message)
    {
        var bytes = new GgufWriter()
            .AddRawTensor("a"u8, F32, [8], new byte[32])
            .AddRawTensor("b"u8, F32, [8], new byte[32], offset)
            .AddRawTensor("c"u8, F32, [8], new byte[32])
            .ToArray();
        // Infos of 33 bytes each: b's data offset field is its last 8 bytes.
        AssertInvalid(bytes, message, HeaderSize + 33 + 25);
    }

    [Fact]
    public void TruncatedTensorData()
    {
        var bytes = SmallModel().ToArray();
        AssertInvalid(bytes[..^4], "tensor 1 ('output_norm.weight'): data [offset 128, 32 bytes] runs past end of file");
    }

    [Theory]
    [InlineData(3u, "alignment 3 is not a nonzero power of two")]
    [InlineData(0u, "alignment 0 is not a nonzero power of two")]
    [InlineData(96u, "alignment 96 is not a nonzero power of two")]
    public void BadAlignment(uint alignment, string message) =>
        AssertInvalid(new GgufWriter().AddUInt32(GgufFormat.AlignmentKey, alignment).ToArray(), $"metadata 0 ('general.alignment'): {message}", FirstValueOffset(GgufFormat.AlignmentKey));

    [Fact]
    public void WellKnownKeysOfTheWrongType()
    {
        AssertInvalid(new GgufWriter().AddUInt64(GgufFormat.AlignmentKey, 32).ToArray(), "'general.alignment'): must be UInt32 but is UInt64", FirstValueOffset(GgufFormat.AlignmentKey) - 4);
        AssertInvalid(new GgufWriter().AddUInt32(GgufFormat.ArchitectureKey, 1).ToArray(), "'general.architecture'): must be String but is UInt32", FirstValueOffset(GgufFormat.ArchitectureKey) - 4);
    }

    [Fact]
    public void LargeAlignmentPushesTheDataSectionPastTheEnd()
    {
        var bytes = new GgufWriter().AddUInt32(GgufFormat.AlignmentKey, 1u << 31).AddRawTensor("t"u8, F32, [1], []).ToArray();
        AssertInvalid(bytes, "data section would start at byte 2147483648");
    }

    [Fact]
    public void TokenizerArraysOfTheWrongType()
    {
        const string Tokens = "tokenizer.ggml.tokens";
        AssertInvalid(new GgufWriter().AddInt32Array(Tokens, [1, 2]).ToArray(), $"'{Tokens}'): must be Array of String but is Array of Int32", FirstValueOffset(Tokens) - 4);
        AssertInvalid(new GgufWriter().AddString(Tokens, "a").ToArray(), "must be Array of String but is String");
        AssertInvalid(new GgufWriter().AddFloat32Array("tokenizer.ggml.token_type", [1f]).ToArray(), "'tokenizer.ggml.token_type'): must be Array of Int32 but is Array of Float32");
        AssertInvalid(new GgufWriter().Add("tokenizer.ggml.scores", GgufValue.FromArray<double>([1])).ToArray(), "must be Array of Float32 or Array of Int32 but is Array of Float64");
        AssertInvalid(new GgufWriter().AddString("tokenizer.ggml.merges", "a b").ToArray(), "'tokenizer.ggml.merges'): must be Array of String but is String");
    }

    [Theory]
    [InlineData("tokenizer.ggml.scores")]
    [InlineData("tokenizer.ggml.token_type")]
    public void TokenizerArrayLengthsMustMatch(string key)
    {
        var value = key.EndsWith("scores", StringComparison.Ordinal) ? GgufValue.FromArray<float>([0, 0, 0]) : GgufValue.FromArray<int>([1, 1, 1]);
        var bytes = new GgufWriter().Add(key, value).AddStringArray("tokenizer.ggml.tokens", ["a", "b", "c", "d"]).ToArray();
        AssertInvalid(bytes, $"metadata 0 ('{key}'): has 3 elements but tokenizer.ggml.tokens has 4", FirstValueOffset(key) + 4);
    }

    [Fact]
    public void IntegerScoresAreAccepted()
    {
        var bytes = new GgufWriter().AddInt32Array("tokenizer.ggml.scores", [1, 2]).AddStringArray("tokenizer.ggml.tokens", ["a", "b"]).ToArray();
        WithFile(bytes, file => Assert.Equal([1f, 2f], file.GetFloatArray("tokenizer.ggml.scores")!));
    }

    // llama.cpp warns about an out-of-range special id and falls back to its default; real
    // models ship such ids (e.g. a padding id equal to the vocabulary size), so they are accepted.
    [Theory]
    [InlineData("tokenizer.ggml.bos_token_id", 4L)]
    [InlineData("tokenizer.ggml.padding_token_id", -1L)]
    [InlineData("tokenizer.ggml.seperator_token_id", 1L << 40)]
    public void SpecialTokenIdOutOfRangeIsAcceptedAsLlamaCppDoes(string key, long id)
    {
        var bytes = new GgufWriter().AddInt64(key, id).AddStringArray("tokenizer.ggml.tokens", ["a", "b", "c", "d"]).ToArray();
        WithFile(bytes, file => Assert.Equal(id, file.GetInt64(key)));
    }

    [Fact]
    public void SpecialTokenIdsMustBeIntegers()
    {
        const string Key = "tokenizer.ggml.eos_token_id";
        AssertInvalid(new GgufWriter().AddString(Key, "2").ToArray(), $"'{Key}'): special token id must be an integer but is String", FirstValueOffset(Key) - 4);
        WithFile(new GgufWriter().AddUInt32(Key, 7).ToArray(), file => Assert.Equal(7, file.GetInt32(Key)));
    }

    [Fact]
    public void DuplicateTokensAreRejected()
    {
        const string Key = "tokenizer.ggml.tokens";
        // Each element is an 8-byte length and its bytes: "a" and "b" take 9 bytes each.
        AssertInvalid(new GgufWriter().AddStringArray(Key, ["a", "b", "a"]).ToArray(), "token 2 'a' duplicates token 0 (llama.cpp aborts on duplicate tokens)", FirstValueOffset(Key) + 12 + 18);
        // llama.cpp renames an empty token to "[EMPTY_<id>]" before mapping text to ids.
        AssertInvalid(new GgufWriter().AddStringArray(Key, ["", "[EMPTY_0]"]).ToArray(), "token 1 '[EMPTY_0]' duplicates token 0");
        WithFile(new GgufWriter().AddStringArray(Key, ["", "a", ""]).ToArray(), file => Assert.Equal(3, file.TokenCount));
    }

    [Fact]
    public void MessagesStayOnOneLineWhateverTheNames()
    {
        var error = AssertInvalid(new GgufWriter().AddRawEntry("line\nbreak"u8, 13, []).ToArray(), "metadata 0 ('line?break'): unknown value type 13");
        Assert.DoesNotContain('\n', error.Message);
        AssertInvalid(new GgufWriter().AddRawEntry(Encoding.UTF8.GetBytes(new string('k', 500)), 13, []).ToArray(), "k...'): unknown value type 13");
    }
}
