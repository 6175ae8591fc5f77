using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Bench;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Bench;

/// <summary>The <c>tiny</c> model, built once for the tests of <see cref="SyntheticModelTests"/>.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        CacheDirectory = Directory.CreateTempSubdirectory("synthetic").FullName;
        Path = SyntheticModel.GetOrCreate(ModelShape.Tiny, CacheDirectory, Progress.Add);
        WriteTime = File.GetLastWriteTimeUtc(Path);
    }

    public string CacheDirectory { get; }
    public string Path { get; }
    public DateTime WriteTime { get; }
    public List<string> Progress { get; } = [];

    public void Dispose() => Directory.Delete(CacheDirectory, recursive: true);
}

public sealed class SyntheticModelTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("synthetic-scratch").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void TheModelIsCachedUnderItsNameWithNothingElseLeftBehind()
    {
        Assert.Equal(System.IO.Path.Combine(tiny.CacheDirectory, "llama-tiny-q8_0.gguf"), tiny.Path);
        Assert.Equal(SyntheticModel.CachePath(ModelShape.Tiny, tiny.CacheDirectory), tiny.Path);
        string[] files = Directory.GetFiles(tiny.CacheDirectory).Select(System.IO.Path.GetFileName).Order().ToArray()!;
        Assert.Equal(["llama-tiny-q8_0.gguf", "llama-tiny-q8_0.gguf.lock"], files);
        Assert.Contains(tiny.Progress, m => m.StartsWith("quantizing to Q8_0", StringComparison.Ordinal));
        Assert.Contains(tiny.Progress, m => m.StartsWith("created ", StringComparison.Ordinal));
    }

    [Fact]
    public void AQ4_KShapeIsQuantizedToQ4_KAndLoads()
    {
        ModelShape shape = ModelShape.Named("embd=256,layers=1,heads=4,ff=256,vocab=300,type=q4_k");
        string path = SyntheticModel.GetOrCreate(shape, _scratch);
        Assert.EndsWith("-q4_k.gguf", path, StringComparison.Ordinal);
        using (GgufFile file = GgufFile.Open(path))
        {
            Assert.Equal(GgmlType.Q4_K, file.FindTensor("token_embd.weight")!.Type);
            Assert.Equal(GgmlType.Q4_K, file.FindTensor("blk.0.ffn_down.weight")!.Type);
        }
        using var model = LlamaModel.Load(path);
        Assert.Equal(300, model.Vocabulary.Count);
    }

    [Fact]
    public void TheSecondCallReusesTheCachedFile()
    {
        var progress = new List<string>();
        string again = SyntheticModel.GetOrCreate(ModelShape.Named("tiny"), tiny.CacheDirectory, progress.Add);
        Assert.Equal(tiny.Path, again);
        Assert.Equal(tiny.WriteTime, File.GetLastWriteTimeUtc(again));
        Assert.Equal([$"using cached {tiny.Path}"], progress);
    }

    [Fact]
    public void EmbeddingsAndOutputAreQ8_0AndNormsStayF32()
    {
        using GgufFile file = GgufFile.Open(tiny.Path);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal(7, file.GetInt32("general.file_type")); // LLAMA_FTYPE_MOSTLY_Q8_0
        Assert.Equal(3 + 9 * 2, file.Tensors.Count);
        Assert.Equal(32000, file.TokenCount);
        foreach (GgufTensorInfo t in file.Tensors)
        {
            Assert.Equal(t.Name.Contains("norm", StringComparison.Ordinal) ? GgmlType.F32 : GgmlType.Q8_0, t.Type);
        }
        Assert.Equal([64L, 32000L], file.FindTensor("token_embd.weight")!.Dimensions);
        Assert.Equal([64L, 32000L], file.FindTensor("output.weight")!.Dimensions);
        Assert.Equal([128L, 64L], file.FindTensor("blk.1.ffn_down.weight")!.Dimensions);
        Assert.Equal([64L, 32L], file.FindTensor("blk.0.attn_k.weight")!.Dimensions);
    }

    [Fact]
    public void LlamaCppLoadsItWithTheShapesHyperparameters()
    {
        using LlamaModel model = LlamaModel.Load(tiny.Path);
        ModelShape shape = ModelShape.Tiny;
        Assert.Equal(32000, model.Vocabulary.Count);
        Assert.Equal(VocabularyType.Spm, model.Vocabulary.Type);
        Assert.Equal((1, 2), (model.Vocabulary.Bos, model.Vocabulary.Eos));
        Assert.Equal(13, model.Vocabulary.NewLine); // <0x0A>
        Assert.Equal(shape.EmbeddingLength, model.EmbeddingSize);
        Assert.Equal(shape.LayerCount, model.LayerCount);
        Assert.Equal(shape.HeadCount, model.HeadCount);
        Assert.Equal(shape.KvHeadCount, model.KvHeadCount);
        Assert.Equal(shape.ContextLength, model.TrainingContextLength);
        Assert.Equal((ulong)shape.ParameterCount, model.ParameterCount);
        Assert.Equal("Q8_0", model.FileTypeName);
    }

    [Fact]
    public void TextTokenizesIntoTheLetterTokensAndBack()
    {
        using LlamaModel model = LlamaModel.Load(tiny.Path, vocabOnly: true);
        Vocabulary vocab = model.Vocabulary;

        int[] ab = vocab.Tokenize("ab", addSpecial: true);
        Assert.Equal(2, ab.Length);
        Assert.Equal(1, ab[0]);
        Assert.Equal("\u2581ab", vocab.GetText(ab[1]));

        const string text = "hello world, Zebra!\n";
        int[] tokens = vocab.Tokenize(text, addSpecial: false);
        Assert.All(tokens, t => Assert.InRange(t, 3, 31999));
        Assert.Contains(tokens, t => vocab.GetTokenType(t) == TokenType.Normal);
        Assert.Contains(tokens, t => vocab.GetTokenType(t) == TokenType.Byte); // ',', 'Z', '!', '\n'
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(vocab.Detokenize(tokens)).TrimStart(' '));
    }

    [Fact]
    public void DecodingGivesFiniteLogitsThatDependOnTheInput()
    {
        using LlamaModel model = LlamaModel.Load(tiny.Path);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 64, BatchSize: 16, Threads: 2));
        var batch = new LlamaBatch(16);
        int[] prompt = model.Vocabulary.Tokenize("the quick brown fox", addSpecial: true);
        batch.AddSequence(prompt, new Position(0), SequenceId.First, logitsForLast: true);
        context.DecodeOrThrow(batch);
        float[] first = context.GetLogits(prompt.Length - 1).ToArray();
        Assert.Equal(32000, first.Length);
        Assert.All(first, v => Assert.True(float.IsFinite(v), $"logit {v}"));
        Assert.True(first.Max() - first.Min() > 0.1f, "logits are (nearly) constant");

        batch.Clear();
        batch.Add(new TokenId(1000), new Position(prompt.Length), SequenceId.First, wantLogits: true);
        context.DecodeOrThrow(batch);
        float[] second = context.GetLogits(0).ToArray();
        Assert.All(second, v => Assert.True(float.IsFinite(v), $"logit {v}"));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void ATruncatedCachedFileIsRebuilt()
    {
        string path = SyntheticModel.CachePath(ModelShape.Tiny, _scratch);
        File.Copy(tiny.Path, path);
        long length = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(length - 1000);
        }
        Assert.NotNull(SyntheticModel.ProblemWithCachedFile(path, ModelShape.Tiny));
        // A leftover of a builder that died is cleaned up too.
        File.WriteAllText(path + ".0123.f32.tmp", "partial");

        var progress = new List<string>();
        Assert.Equal(path, SyntheticModel.GetOrCreate(ModelShape.Tiny, _scratch, progress.Add));

        Assert.Contains(progress, m => m.StartsWith($"cached {path} is unusable", StringComparison.Ordinal));
        Assert.Null(SyntheticModel.ProblemWithCachedFile(path, ModelShape.Tiny));
        Assert.Equal(File.ReadAllBytes(tiny.Path), File.ReadAllBytes(path)); // deterministic
        Assert.False(File.Exists(path + ".0123.f32.tmp"));
    }

    [Fact]
    public void AFileOfAnotherShapeOrNotAModelIsNotTrusted()
    {
        Assert.Null(SyntheticModel.ProblemWithCachedFile(tiny.Path, ModelShape.Tiny));
        Assert.Contains("another shape", SyntheticModel.ProblemWithCachedFile(tiny.Path, ModelShape.Tiny with { LayerCount = 3 }), StringComparison.Ordinal);
        Assert.Contains("another shape", SyntheticModel.ProblemWithCachedFile(tiny.Path, ModelShape.Tiny with { Name = "other" }), StringComparison.Ordinal);
        Assert.Equal("missing", SyntheticModel.ProblemWithCachedFile(System.IO.Path.Combine(_scratch, "none.gguf"), ModelShape.Tiny));
        string garbage = System.IO.Path.Combine(_scratch, "garbage.gguf");
        File.WriteAllText(garbage, "not a gguf");
        Assert.NotNull(SyntheticModel.ProblemWithCachedFile(garbage, ModelShape.Tiny));
    }

    [Fact]
    public async Task ASecondCallerWaitsForTheLockAndThenReusesTheFile()
    {
        string path = SyntheticModel.CachePath(ModelShape.Tiny, _scratch);
        var progress = new List<string>();
        var waitingReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<string> waiting;
        using (new FileStream(path + ".lock", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            waiting = Task.Run(() => SyntheticModel.GetOrCreate(ModelShape.Tiny, _scratch, m =>
            {
                lock (progress) progress.Add(m);
                if (m.StartsWith("waiting for", StringComparison.Ordinal)) waitingReported.TrySetResult();
            }));
            // No sleeping: the caller says it is waiting, and while the lock is held it cannot finish.
            await waitingReported.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.False(waiting.IsCompleted, $"{waiting.Status}: {waiting.Exception}");
            lock (progress) Assert.Equal([$"waiting for another builder holding {path}.lock"], progress);
            // The "other builder" finishes: its file appears, then the lock is released.
            File.Copy(tiny.Path, path);
        }
        Assert.Equal(path, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal($"using cached {path}", progress[^1]);
    }

    [Fact]
    public void TheStreamedF32FileIsByteForByteWhatGgufWriterWrites()
    {
        ModelShape shape = ModelShape.Named("embd=64,layers=2,heads=2,kv=1,ff=96,vocab=300,name=small");
        string streamed = System.IO.Path.Combine(_scratch, "streamed.gguf");
        SyntheticGguf.WriteF32(shape, streamed);

        GgufWriter writer = SyntheticGguf.CreateMetadataWriter(shape);
        foreach (SyntheticTensor t in SyntheticTensor.For(shape))
        {
            float[] data = new float[t.ElementCount];
            t.Fill(0, data);
            writer.AddTensor(t.Name, t.Dimensions, data);
        }
        Assert.Equal(writer.ToArray(), File.ReadAllBytes(streamed));

        using GgufFile file = GgufFile.Open(streamed);
        Assert.Equal(shape.ParameterCount, file.Tensors.Sum(t => t.ElementCount));
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
    }

    [Fact]
    public void AnInvalidShapeIsRefusedBeforeAnythingIsWritten()
    {
        string dir = System.IO.Path.Combine(_scratch, "never");
        Assert.Throws<ArgumentException>(() => SyntheticModel.GetOrCreate(ModelShape.Tiny with { FeedForwardLength = 100 }, dir));
        Assert.False(Directory.Exists(dir));
    }
}
