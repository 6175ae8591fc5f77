using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Tests.Gguf;

/// <summary>Reading the real models and vocab files; expected values were taken with an
/// independent parser (a short Python script) and from shared/models/README.md.</summary>
public sealed class GgufRealFileTests
{
    // Token counts of llama.cpp's vocab-only files, and their GGUF versions.
    public static TheoryData<string, int, int> VocabFiles => new()
    {
        { "ggml-vocab-aquila.gguf", 100008, 2 },
        { "ggml-vocab-baichuan.gguf", 64000, 3 },
        { "ggml-vocab-bert-bge.gguf", 30522, 3 },
        { "ggml-vocab-deepseek-coder.gguf", 32256, 3 },
        { "ggml-vocab-deepseek-llm.gguf", 102400, 3 },
        { "ggml-vocab-falcon.gguf", 65024, 3 },
        { "ggml-vocab-gpt-2.gguf", 50257, 3 },
        { "ggml-vocab-gpt-neox.gguf", 50432, 3 },
        { "ggml-vocab-llama-spm.gguf", 32000, 3 },
        { "ggml-vocab-mpt.gguf", 50432, 3 },
        { "ggml-vocab-nomic-bert-moe.gguf", 250048, 3 },
        { "ggml-vocab-phi-3.gguf", 32064, 3 },
        { "ggml-vocab-refact.gguf", 49216, 3 },
        { "ggml-vocab-starcoder.gguf", 49152, 3 },
    };

    [Fact]
    public void Stories260KMetadata()
    {
        using var file = GgufFile.Open(TestPaths.DefaultModel);

        Assert.Equal(3, file.Version);
        Assert.Equal(1054336, file.FileSize);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal("stories260K", file.GetString("general.name"));
        Assert.Equal(22, file.Metadata.Count);
        Assert.Equal(32, file.Alignment);
        Assert.Equal(512, file.GetInt64("llama.context_length"));
        Assert.Equal(64, file.GetInt32("llama.embedding_length"));
        Assert.Equal(5, file.GetInt32("llama.block_count"));
        Assert.Equal(8, file.GetInt32("llama.attention.head_count"));
        Assert.Equal(4, file.GetInt32("llama.attention.head_count_kv"));
        Assert.Equal(1e-5, file.GetDouble("llama.attention.layer_norm_rms_epsilon")!.Value, 1e-9);
        Assert.Equal(512, file.GetInt32("llama.vocab_size"));
        Assert.Equal(512, file.TokenCount);
        Assert.Equal(1, file.GetInt32("tokenizer.ggml.bos_token_id"));
        Assert.Equal(2, file.GetInt32("tokenizer.ggml.eos_token_id"));
        Assert.True(file.GetBoolean("tokenizer.ggml.add_bos_token"));
        Assert.False(file.IsVocabOnly);
        Assert.Null(file.GetString("no.such.key"));

        var tokens = file.GetStringArray("tokenizer.ggml.tokens")!;
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal(512, file.GetFloatArray("tokenizer.ggml.scores")!.Length);
        var types = file.GetInt32Array("tokenizer.ggml.token_type")!;
        Assert.Equal([2, 3, 3, 6], types[..4]); // unknown, control, control, byte
        Assert.Equal(256, types.Count(t => t == 6));
    }

    [Fact]
    public void Stories260KTensors()
    {
        using var file = GgufFile.Open(TestPaths.DefaultModel);

        Assert.Equal(47, file.Tensors.Count); // 5 layers x 9 + token_embd + output_norm
        Assert.Equal(14208, file.DataOffset);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));

        var embeddings = file.FindTensor("token_embd.weight")!;
        Assert.Equal(0, embeddings.Index);
        Assert.Equal([64L, 512L], embeddings.Dimensions);
        Assert.Equal(64, embeddings.RowLength);
        Assert.Equal(512, embeddings.RowCount);
        Assert.Equal(256, embeddings.RowByteSize);
        Assert.Equal(131072, embeddings.ByteSize);
        Assert.Equal(0, embeddings.RelativeOffset);
        Assert.Equal(14208, embeddings.AbsoluteOffset);

        // The output projection is tied to the embeddings.
        Assert.Null(file.FindTensor("output.weight"));
        var norm = file.FindTensor("output_norm.weight")!;
        Assert.Equal([64L], norm.Dimensions);
        Assert.Equal(1, norm.RowCount);
        Assert.Equal(file.FileSize, norm.AbsoluteOffset + norm.ByteSize);

        for (int layer = 0; layer < 5; layer++)
        {
            Assert.Equal([64L, 64L], file.FindTensor($"blk.{layer}.attn_q.weight")!.Dimensions);
            Assert.Equal([64L, 32L], file.FindTensor($"blk.{layer}.attn_k.weight")!.Dimensions);
            Assert.Equal([172L, 64L], file.FindTensor($"blk.{layer}.ffn_down.weight")!.Dimensions);
        }
    }

    [Fact]
    public void CopyRowsReturnsTheStoredBytes()
    {
        byte[] raw = File.ReadAllBytes(TestPaths.DefaultModel);
        using var file = GgufFile.Open(TestPaths.DefaultModel);
        var embeddings = file.FindTensor("token_embd.weight")!;

        var rows = new byte[3 * 256];
        file.CopyRows(embeddings, 5, 3, rows);
        Assert.Equal(raw.AsSpan(14208 + 5 * 256, 3 * 256).ToArray(), rows);

        var last = file.ReadRows(embeddings, 511, 1);
        Assert.Equal(raw.AsSpan(14208 + 511 * 256, 256).ToArray(), last);
        Assert.Empty(file.ReadRows(embeddings, 512, 0));
    }

    [Fact]
    public void CopyRowsChecksItsArguments()
    {
        var file = GgufFile.Open(TestPaths.DefaultModel);
        var embeddings = file.FindTensor("token_embd.weight")!;

        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(embeddings, 511, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(embeddings, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(embeddings, 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRows(embeddings, long.MaxValue, 1));
        Assert.Throws<ArgumentException>(() => file.CopyRows(embeddings, 0, 2, new byte[511]));
        using (var other = GgufFile.Open(TestPaths.DefaultModel))
        {
            Assert.Throws<ArgumentException>(() => file.ReadRows(other.Tensors[0], 0, 1));
        }

        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.ReadRows(embeddings, 0, 1));
    }

    [Theory]
    [InlineData("stories260K.gguf", 47, 512, 512, 64)]
    [InlineData("aidreams260K.gguf", 38, 512, 128, 64)]
    [InlineData("poem-zh.gguf", 47, 2048, 128, 96)]
    public void SharedModels(string name, int tensorCount, int vocabSize, int contextLength, int embeddingLength)
    {
        using var file = GgufFile.Open(Path.Combine(TestPaths.ModelsDir, name));

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(tensorCount, file.Tensors.Count);
        Assert.Equal(vocabSize, file.TokenCount);
        Assert.Equal(contextLength, file.GetInt32("llama.context_length"));
        var embeddings = file.FindTensor("token_embd.weight")!;
        Assert.Equal([(long)embeddingLength, vocabSize], embeddings.Dimensions);
        Assert.Equal(0, file.DataOffset % file.Alignment);
    }

    [Theory]
    [MemberData(nameof(VocabFiles))]
    public void VocabFileParses(string name, int tokenCount, int version)
    {
        using var file = GgufFile.Open(Path.Combine(TestPaths.VocabDir, name));

        Assert.Equal(version, file.Version);
        Assert.True(file.IsVocabOnly);
        Assert.Empty(file.Tensors);
        Assert.Equal(file.FileSize, file.DataOffset); // nothing follows the metadata
        Assert.Equal(tokenCount, file.TokenCount);
        Assert.Equal(tokenCount, file.GetStringArray("tokenizer.ggml.tokens")!.Length);
        Assert.Equal(tokenCount, file.GetInt32Array("tokenizer.ggml.token_type")!.Length);
        if (file.GetInt64($"{file.Architecture}.vocab_size") is long vocabSize)
        {
            Assert.Equal(tokenCount, vocabSize);
        }
    }

    [Fact]
    public void EveryVocabFileIsCovered()
    {
        var listed = VocabFiles.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(TestPaths.VocabDir, "*.gguf").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(listed, present);
    }

    [Fact]
    public void VocabTokensAndSpecialIds()
    {
        using (var llama = GgufFile.Open(Path.Combine(TestPaths.VocabDir, "ggml-vocab-llama-spm.gguf")))
        {
            var tokens = llama.GetStringArray("tokenizer.ggml.tokens")!;
            Assert.Equal(["<unk>", "<s>", "</s>"], tokens[..3]);
            Assert.Equal(32000, llama.GetFloatArray("tokenizer.ggml.scores")!.Length);
            Assert.Equal("llama", llama.GetString("tokenizer.ggml.model"));
        }
        using (var gpt2 = GgufFile.Open(Path.Combine(TestPaths.VocabDir, "ggml-vocab-gpt-2.gguf")))
        {
            Assert.Equal(50256, gpt2.GetInt32("tokenizer.ggml.eos_token_id"));
            Assert.Equal("<|endoftext|>", gpt2.GetStringArray("tokenizer.ggml.tokens")![50256]);
            Assert.Equal(50000, gpt2.GetStringArray("tokenizer.ggml.merges")!.Length);
        }
    }
}
