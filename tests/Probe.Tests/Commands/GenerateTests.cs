using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Commands;

public sealed class GenerateTests
{
    private const string DocumentedStart =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

    [Fact]
    public void GreedyFromBosReproducesTheDocumentedStory()
    {
        CliResult r = CliProcess.Run("generate", "--model", TestPaths.DefaultModel, "--temperature", "0", "--max-tokens", "40");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith(DocumentedStart, r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void AGenerationLongerThanTheContextSaysWhereAndWhyItStopped()
    {
        CliResult r = CliProcess.Run("generate", "-t", "1", "--seed", "1", "-n", "2000");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("generate: stopped after 512 of 2000 tokens: the model's context (512 tokens, prompt included) is full", r.StdErr, StringComparison.Ordinal);
        CliResult shorter = CliProcess.Run("generate", "-t", "1", "--seed", "1", "-n", "20");
        Assert.DoesNotContain("stopped after", shorter.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutModelTheEmbeddedDefaultIsUsed()
    {
        CliResult r = CliProcess.Run("generate", "-t", "0+", "-n", "24");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroMinusPicksTheArgminOfEveryStepMostlyByteTokens()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 128, BatchSize: 64, Threads: 2));
        int[] prompt = model.Vocabulary.Tokenize("Once upon a time", addSpecial: true);
        var chosen = new List<int>();
        int steps = 0;

        new Generator(context).Generate(prompt, new TokenSampler(new SamplingOptions(Temperature.AntiGreedy)), 32,
            t => chosen.Add(t.Choice.Token),
            (int step, ReadOnlySpan<float> logits, in TokenChoice choice) =>
            {
                // Independent argmin: a plain loop, not TensorPrimitives.
                int argmin = 0;
                for (int i = 1; i < logits.Length; i++) if (logits[i] < logits[argmin]) argmin = i;
                Assert.Equal(argmin, choice.Token);
                Assert.Equal(logits[argmin], choice.Logit);
                steps++;
            });

        Assert.Equal(32, steps);
        Assert.Equal(32, chosen.Count);
        int bytes = chosen.Count(t => model.Vocabulary.GetTokenType(t) == TokenType.Byte);
        Assert.True(bytes > chosen.Count / 2, $"only {bytes} of {chosen.Count} T→0⁻ tokens are byte tokens");
    }

    [Fact]
    public void NegativeTemperatureWithSeedIsReproducibleThroughTheCli()
    {
        CliResult a = CliProcess.Run("generate", "-t", "-1", "--seed", "5", "-n", "30", "--show-tokens");
        CliResult b = CliProcess.Run("generate", "-t", "-1", "--seed", "5", "-n", "30", "--show-tokens");
        CliResult c = CliProcess.Run("generate", "-t", "-1", "--seed", "6", "-n", "30", "--show-tokens");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.StdOut, b.StdOut);
        Assert.NotEqual(a.StdOut, c.StdOut);
        Assert.Equal(31, a.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + 30 rows
    }

    [Fact]
    public void OurGreedyAgreesWithLlamaCppsGreedySampler()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 64, BatchSize: 8, Threads: 2));
        using var oracle = LLama.Native.SafeLLamaSamplerChainHandle.Create(LLama.Native.LLamaSamplerChainParams.Default());
        oracle.AddGreedySampler();
        var ours = new TokenSampler(new SamplingOptions(Temperature.Greedy));
        var batch = new LlamaBatch(1);
        int token = model.Vocabulary.Bos;
        for (int pos = 0; pos < 30; pos++)
        {
            batch.Clear();
            batch.Add(new TokenId(token), new Position(pos), SequenceId.First, wantLogits: true);
            context.DecodeOrThrow(batch);
            int theirs = (int)oracle.Sample(context.Handle, 0);
            token = ours.Sample(context.GetLogits(0)).Token;
            Assert.Equal(theirs, token);
        }
    }
}
