using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Untrusted;

/// <summary>
/// The model rules refuse what llama.cpp would abort or choke on, each refusal naming the key or
/// tensor, its value and what was expected — and refuse nothing in the real files.
/// </summary>
public sealed class ModelRulesTests
{
    private const int Seed = 20261202;
    private static readonly Lazy<List<Mutant>> s_mutants = new(() => [.. ModelMutants.All(Seed)]);

    public static TheoryData<string> RealFiles()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(TestPaths.ModelsDir, "*.gguf").Concat(Directory.GetFiles(TestPaths.VocabDir, "*.gguf")).Order(StringComparer.Ordinal))
        {
            data.Add(f);
        }
        data.Add(TestPaths.DefaultModel);
        return data;
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void RealFilesPass(string path)
    {
        using GgufFile file = GgufFile.Open(path);
        ModelCheck check = GgufModelRules.Check(file, weights: true);
        Assert.True(check.Passed, string.Join("; ", check.Problems));
        Assert.Empty(check.Warnings);
    }

    [Theory]
    [InlineData("hyperparameters/block_count=0 (stories", "llama.block_count is 0; llama.cpp takes 1 to 512 layers")]
    [InlineData("hyperparameters/block_count=513 (stories", "llama.block_count is 513; llama.cpp takes 1 to 512 layers")]
    [InlineData("hyperparameters/block_count=6 (stories", "llama.block_count is 6, but layer 5 has no tensors (blk.5.* missing)")]
    [InlineData("hyperparameters/block_count=4 (stories", "llama.block_count is 4, but the tensor table has layer 4 (blk.4.*)")]
    [InlineData("hyperparameters/block_count as string (stories", "llama.block_count is String, not an integer")]
    [InlineData("hyperparameters/embedding_length=128 (stories", "tensor token_embd.weight has rows of 64, but llama.embedding_length is 128")]
    [InlineData("hyperparameters/head_count_kv=3 (stories", "llama.attention.head_count_kv is 3 (layer 0), which does not divide llama.attention.head_count 8")]
    [InlineData("hyperparameters/head_count per layer, short (stories", "llama.attention.head_count has 3 values for 5 layers")]
    [InlineData("hyperparameters/key_length=7 (stories", "llama.attention.key_length 7 differs from llama.attention.value_length 8")]
    [InlineData("hyperparameters/key_length=4096 (tinystories", "gpt2.attention.key_length is 4096, but the gpt2 graph needs embedding_length / head_count = 8")]
    [InlineData("hyperparameters/expert_count=100000 (stories", "llama.expert_count is 100000; llama.cpp takes at most 512 experts")]
    [InlineData("hyperparameters/expert_used_count=1 alone (stories", "llama.expert_used_count is 1, more than llama.expert_count 0")]
    [InlineData("floats/attention.layer_norm_rms_epsilon=NaN (stories", "llama.attention.layer_norm_rms_epsilon is NaN; it must be a finite number")]
    [InlineData("floats/attention.layer_norm_rms_epsilon=-1E-05 (stories", "is -1E-05; it must be a norm epsilon in (0, 1)")]
    [InlineData("floats/attention.layer_norm_epsilon=-Infinity (tinystories", "gpt2.attention.layer_norm_epsilon is -Infinity; it must be a finite number")]
    [InlineData("floats/rope.freq_base=0 (stories", "llama.rope.freq_base is 0; it must be a positive number")]
    [InlineData("floats/logit_scale=0 (stories", "llama.logit_scale is 0; it must be a nonzero scale")]
    [InlineData("enumerations/rope.scaling.type='' (stories", "llama.rope.scaling.type is ''; llama.cpp knows none, linear, yarn, longrope")]
    [InlineData("enumerations/tokenizer.ggml.model='bogus' (stories", "tokenizer.ggml.model is 'bogus'; llama.cpp knows llama, gpt2, bert, t5, rwkv, plamo2")]
    [InlineData("enumerations/tokenizer.ggml.model='none' (stories", "tokenizer.ggml.model is 'none': the file has no tokenizer")]
    [InlineData("enumerations/tokenizer.ggml.model='gpt2' (stories", "tokenizer.ggml.model is 'gpt2' (byte-level BPE) but tokenizer.ggml.merges is missing")]
    [InlineData("enumerations/tokenizer.ggml.model='bert' (stories", "is 6 (byte), but a 'bert' (WordPiece) tokenizer has no byte-fallback tokens")]
    [InlineData("tokens/a NUL makes two tokens equal as C strings (stories", "contains a NUL byte (llama.cpp reads token texts as C strings")]
    [InlineData("tokens/every token typed control (stories", "types no token normal, user-defined or byte: the vocabulary could spell no text")]
    [InlineData("tokens/token_type 99 at", "is 99; token types are 0 to 6")]
    [InlineData("tokens/scores all NaN (stories", "tokenizer.ggml.scores[0] is NaN; a 'llama' tokenizer ranks by the scores, which must be finite")]
    [InlineData("tokens/a merge without a space (ggml-vocab-gpt-2", "tokenizer.ggml.merges[10] 'abc' is not two pieces separated by a space")]
    [InlineData("tokens/bos_token_id=", "tokenizer.ggml.bos_token_id is Int32; llama.cpp reads special token ids as UInt32")]
    [InlineData("tokens/no tokens (stories", "tokenizer.ggml.tokens is empty: the vocabulary has no token")]
    [InlineData("tensor types/blk.0.attn_q.weight as type 26 (stories", "tensor blk.0.attn_q.weight is I32; a weight matrix must be F32, F16, BF16 or a quantized type")]
    [InlineData("tensor types/blk.0.attn_norm.weight as type 1 (stories", "tensor blk.0.attn_norm.weight (1-D: a norm or bias) is F16; llama.cpp needs F32 there")]
    [InlineData("tensor types/token_embd one row short (stories", "tensor token_embd.weight has 511 rows for 512 tokens")]
    public void TheRuleNamesKeyValueAndExpectation(string mutant, string message)
    {
        Mutant m = s_mutants.Value.First(x => x.ToString().StartsWith(mutant, StringComparison.Ordinal));
        string path = Path.Combine(Directory.CreateTempSubdirectory("rule").FullName, "m.gguf");
        File.WriteAllBytes(path, m.Bytes);
        using GgufFile file = GgufFile.Open(path);
        ModelCheck check = GgufModelRules.Check(file, weights: true);
        Assert.Contains(check.Problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownArchitectureIsLoadedWithAWarning()
    {
        var doc = GgufDocument.Load(TestPaths.DefaultModel);
        string a = "llama.";
        // Rename the architecture and its keys: the hyperparameters are then unknown to the rules, not wrong.
        var renamed = new GgufDocument { Alignment = doc.Alignment };
        foreach (var (key, value) in doc.Metadata) renamed.Set(key.StartsWith(a, StringComparison.Ordinal) ? "mystery." + key[a.Length..] : key, value);
        renamed.Set(GgufFormat.ArchitectureKey, GgufValue.FromString("mystery"));
        renamed.Tensors.AddRange(doc.Tensors);
        string path = Path.Combine(Directory.CreateTempSubdirectory("arch").FullName, "mystery.gguf");
        File.WriteAllBytes(path, renamed.ToBytes());

        using (GgufFile file = GgufFile.Open(path))
        {
            ModelCheck check = GgufModelRules.Check(file, weights: true);
            Assert.True(check.Passed);
            Assert.Contains("architecture 'mystery' is not one AnomalyProbe knows: its hyperparameters were not checked", Assert.Single(check.Warnings), StringComparison.Ordinal);
        }
        // llama.cpp then refuses it with its own reason: one line each, no crash.
        CliResult r = CliProcess.Run("generate", "--model", path, "-n", "2");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("anomalyprobe: warning: ", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("unknown model architecture: 'mystery'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusalIsOneLineExitTwoAndInspectStillDescribesTheFile()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("refused").FullName, "m.gguf");
        File.WriteAllBytes(path, s_mutants.Value.First(x => x.ToString().StartsWith("hyperparameters/block_count=0 (stories", StringComparison.Ordinal)).Bytes);

        CliResult generate = CliProcess.Run("generate", "--model", path, "-n", "2");
        Assert.Equal(2, generate.ExitCode);
        Assert.Equal($"anomalyprobe: error: '{path}': llama.block_count is 0; llama.cpp takes 1 to 512 layers", generate.StdErr.Trim());

        CliResult inspect = CliProcess.Run("inspect", "--model", path, "--json");
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("\"problems\": [\n    \"llama.block_count is 0; llama.cpp takes 1 to 512 layers\"", inspect.StdOut.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"vocabulary_size\": 512", inspect.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void PastTheRulesAnAbortInLlamaCppIsOneLineAndExitThree()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("abort").FullName, "m.gguf");
        File.WriteAllBytes(path, s_mutants.Value.First(x => x.ToString().StartsWith("hyperparameters/block_count=0 (stories", StringComparison.Ordinal)).Bytes);

        CliResult r = CliProcess.Run("generate", "--model", path, "-n", "2", "--skip-model-checks");
        Assert.Equal(ExitCodes.NativeAbort, r.ExitCode);
        Assert.Equal($"anomalyprobe: error: llama.cpp aborted on '{path}': llama-model.cpp:1092: GGML_ASSERT(hparams.n_layer_all > 0 && hparams.n_layer_all <= LLAMA_MAX_LAYERS) failed (the file is probably malformed)",
            r.StdErr.Trim());
        Assert.DoesNotContain("[Inferior", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAbortLineDropsTheBuildMachinesPath() =>
        Assert.Equal("anomalyprobe: error: llama.cpp aborted on 'x.gguf': ops.cpp:3820: GGML_ASSERT(eps >= 0.0f) failed (the file is probably malformed)",
            NativeAborts.Describe("/home/runner/work/LLamaSharp/LLamaSharp/ggml/src/ggml-cpu/ops.cpp:3820: GGML_ASSERT(eps >= 0.0f) failed\n", "x.gguf"));

    [Fact]
    public void LlamaCppsRefusalCarriesItsReason()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("reason").FullName, "m.gguf");
        File.WriteAllBytes(path, s_mutants.Value.First(x => x.ToString().StartsWith("hyperparameters/tensor ", StringComparison.Ordinal)).Bytes);
        CliResult r = CliProcess.Run("generate", "--model", path, "-n", "2");
        Assert.Equal(1, r.ExitCode);
        Assert.Matches("^anomalyprobe: error: llama.cpp could not load '.*': missing tensor 'blk\\.[0-9]+\\.[a-z_]+\\.weight'$", r.StdErr.Trim());
    }
}
