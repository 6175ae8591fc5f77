using AnomalyProbe.Probe.Bench;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>
/// The batched runner against the naive oracle, on every token of every shipped template.
/// Stated tolerance: |Δ log p| ≤ 1e-4 in exact mode (measured ≤ 1e-5: K/V in float32 without
/// flash attention, so only float32 summation order differs between batch shapes) and ≤ 2e-2 in the
/// default fast mode (measured ≤ 5e-3: flash attention rounds through fp16);
/// the same greedy answer for at least 99% (exact) / 95% (fast) of probes, and ranks within 1% / 5% of the vocabulary
/// (under-trained tokens have near-identical logits, so their order flips on float noise).
/// </summary>
public sealed class RunnerAgreementTests
{
    private const double ExactTolerance = 1e-4, FastTolerance = 2e-2;
    private const int AnswerTokens = 3;

    public static TheoryData<string, int, bool> Models() => new()
    {
        { Path.Combine(TestPaths.ModelsDir, "stories260K.gguf"), 64, true },
        { Path.Combine(TestPaths.ModelsDir, "aidreams260K.gguf"), 64, true },
        { Path.Combine(TestPaths.ModelsDir, "stories260K.gguf"), 7, true }, // a group size that leaves a remainder
        { Path.Combine(TestPaths.ModelsDir, "stories260K.gguf"), 64, false },
        { Path.Combine(TestPaths.ModelsDir, "aidreams260K.gguf"), 64, false },
    };

    /// <summary>A fixed seeded sample of 96 ids (a full group of 64 and a remainder), the byte tokens among them.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void BatchedAndNaiveAgreeOnASample(string modelPath, int batchProbes, bool exact) =>
        Agree(modelPath, batchProbes, exact, vocabulary => new TokenSelection("all", 96, Seed: 7).Resolve(vocabulary));

    /// <summary>Every token of the vocabulary: the same checks, about 5x the cost (the slow set, run in CI).</summary>
    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Models))]
    public void BatchedAndNaiveAgreeOnEveryToken(string modelPath, int batchProbes, bool exact) =>
        Agree(modelPath, batchProbes, exact, vocabulary => Enumerable.Range(0, vocabulary).ToArray());

    /// <summary>
    /// A template's results are bit-identical whether it runs alone or after others: each template gets
    /// a context sized for it (<see cref="PerTemplateRunner"/>). On a small synthetic llama at B = 128, a
    /// context sized for every template does change the induction values (fp16 flash attention over
    /// a chat-sized stream), which is what this would catch.
    /// </summary>
    [Fact]
    public void ATemplatesResultsDoNotDependOnTheOtherTemplates()
    {
        string dir = Path.Combine(Path.GetTempPath(), "anomalyprobe-tests", "synthetic");
        using LlamaModel model = LlamaModel.Load(SyntheticModel.GetOrCreate(ModelShape.Named("embd=256,layers=2,heads=4,ff=512,vocab=4000"), dir));
        var templates = TemplateTokens.CreateAll(PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")], chatAvailable: true), model, "chatml");
        int induction = templates.FindIndex(t => t.Template.Name == "induction");
        int[] ids = [.. Enumerable.Range(0, 256).Select(i => i * 331 % model.Vocabulary.Count)];

        using var alone = new PerTemplateRunner(model, [.. templates.Select(_ => 128)], AnswerTokens, 2, exact: false);
        var expected = alone.Run(induction, templates[induction], ids);
        using var after = new PerTemplateRunner(model, [.. templates.Select(_ => 128)], AnswerTokens, 2, exact: false);
        for (int t = 0; t < templates.Count; t++) after.Run(t, templates[t], ids.AsSpan(0, 5));
        var actual = after.Run(induction, templates[induction], ids);
        Assert.Equal(expected.Select(r => (r.Stats.LogProb, r.Stats.Rank)), actual.Select(r => (r.Stats.LogProb, r.Stats.Rank)));

        using LlamaContext shared = LlamaContext.Create(model, BatchRunner.ContextFor(templates, 128, AnswerTokens, 2, exact: false));
        using var oneContext = new BatchRunner(shared, 128, AnswerTokens);
        var sized = oneContext.Run(induction, templates[induction], ids);
        Assert.NotEqual(expected.Select(r => r.Stats.LogProb), sized.Select(r => r.Stats.LogProb));
    }

    private static void Agree(string modelPath, int batchProbes, bool exact, Func<int, int[]> select)
    {
        double tolerance = exact ? ExactTolerance : FastTolerance;
        using LlamaModel model = LlamaModel.Load(modelPath);
        // Every shipped template, the chat ones rendered as chatml.
        var templates = TemplateTokens.CreateAll(PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")], chatAvailable: true), model, "chatml");
        int[] all = select(model.Vocabulary.Count);

        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor(templates, AnswerTokens, 2, exact));
        using var naive = new NaiveRunner(naiveContext, AnswerTokens);
        using LlamaContext batchContext = LlamaContext.Create(model, BatchRunner.ContextFor(templates, batchProbes, AnswerTokens, 2, exact));
        using var batched = new BatchRunner(batchContext, batchProbes, AnswerTokens);

        int differentAnswers = 0, compared = 0;
        int rankSlack = Math.Max(1, model.Vocabulary.Count / (exact ? 100 : 20));
        for (int t = 0; t < templates.Count; t++)
        {
            var expected = naive.Run(t, templates[t], all);
            var actual = batched.Run(t, templates[t], all);
            Assert.Equal(all.Length, actual.Count);
            for (int i = 0; i < all.Length; i++)
            {
                Assert.Equal(all[i], actual[i].Token);
                double delta = Math.Abs(expected[i].Stats.LogProb - actual[i].Stats.LogProb);
                Assert.True(delta <= tolerance,
                    $"{templates[t].Template.Name}, token {all[i]}: naive log p {expected[i].Stats.LogProb} vs batched {actual[i].Stats.LogProb}");
                compared++;
                if (!expected[i].Answer.SequenceEqual(actual[i].Answer)) differentAnswers++;
                Assert.InRange(actual[i].Stats.Rank, expected[i].Stats.Rank - rankSlack, expected[i].Stats.Rank + rankSlack);
            }
        }
        Assert.True(differentAnswers <= compared / (exact ? 100 : 20), $"{differentAnswers} of {compared} greedy answers differ");
    }

    [Fact]
    public void TheBatchedRunnerIsDeterministicWhateverRanBefore()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        // Every shipped template, the chat ones rendered as chatml.
        var templates = TemplateTokens.CreateAll(PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")], chatAvailable: true), model, "chatml");
        int[] group = Enumerable.Range(300, 16).ToArray();

        using LlamaContext fresh = LlamaContext.Create(model, BatchRunner.ContextFor(templates, 16, AnswerTokens, 2, exact: false));
        using var first = new BatchRunner(fresh, 16, AnswerTokens);
        var direct = first.Run(0, templates[0], group);

        using LlamaContext used = LlamaContext.Create(model, BatchRunner.ContextFor(templates, 16, AnswerTokens, 2, exact: false));
        using var second = new BatchRunner(used, 16, AnswerTokens);
        second.Run(1, templates[1], Enumerable.Range(0, 40).ToArray());
        second.Run(0, templates[0], Enumerable.Range(0, 48).ToArray());
        var afterOthers = second.Run(0, templates[0], group);

        Assert.Equal(direct.Select(r => r.Stats), afterOthers.Select(r => r.Stats)); // bit-identical
        Assert.Equal(direct.Select(r => string.Join(',', r.Answer)), afterOthers.Select(r => string.Join(',', r.Answer)));
    }

    [Fact]
    public void PhasesCountTheTokensEachDecodeTook()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        var templates = TemplateTokens.CreateAll(PromptTemplate.LoadAll([Path.Combine(TestPaths.RepoRoot, "prompts")], chatAvailable: true), model, "chatml");
        using LlamaContext context = LlamaContext.Create(model, BatchRunner.ContextFor(templates, 16, AnswerTokens, 2, exact: false));
        using var runner = new BatchRunner(context, 16, AnswerTokens);
        runner.Run(0, templates[0], Enumerable.Range(0, 40).ToArray()); // two full groups and one of 8

        Assert.Equal(40 * templates[0].TokensPerProbe, runner.Phases.Tokens(RunnerPhase.SuffixDecode));
        Assert.Equal(40 * (AnswerTokens - 1), runner.Phases.Tokens(RunnerPhase.AnswerDecode));
        Assert.Equal(0, runner.Phases.Tokens(RunnerPhase.LogitReading));
        Assert.All(Enum.GetValues<RunnerPhase>(), p => Assert.True(runner.Phases.Seconds(p) > 0, p.ToString()));
        runner.Phases.Reset();
        Assert.Equal(0, runner.Phases.TotalSeconds);
    }

    [Fact]
    public void EachSequenceGetsAStreamUnlessThePrefixCopiesWouldCrowdTheMemory()
    {
        Assert.True(BatchRunner.UsesStreams(unifiedCells: 2400, streamCells: 5600)); // chat-like: 65 x (prefix + probe)
        Assert.False(BatchRunner.UsesStreams(unifiedCells: 600, streamCells: 2700)); // a 520-token prefix, 4 probes
    }

    /// <summary>
    /// Sampled attempts: the batched runner (attempts as extra sequences in every answer step) draws
    /// the same answers as the naive one (each attempt decoded alone), since every draw is keyed by
    /// (seed, template, token, attempt, step), not by a stream; a group size does not change them.
    /// </summary>
    [Fact]
    public void SampledAttemptsAreTheSameBatchedOrNaive()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        var templates = TemplateTokens.CreateAll(PromptTemplate.LoadAll(["builtin:completion"], chatAvailable: false), model, null);
        var attempts = AttemptSettings.Create(4, 1.0, seed: 11);
        int[] ids = new TokenSelection("all", 40, Seed: 3).Resolve(model.Vocabulary.Count);

        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor(templates, AnswerTokens, 2, exact: true));
        using var naive = new NaiveRunner(naiveContext, AnswerTokens, attempts);
        var expected = naive.Run(0, templates[0], ids);
        foreach (int batch in new[] { 40, 9 })
        {
            using LlamaContext context = LlamaContext.Create(model, BatchRunner.ContextFor(templates, batch, AnswerTokens, 2, exact: true, attempts));
            using var batched = new BatchRunner(context, batch, AnswerTokens, attempts);
            var actual = batched.Run(0, templates[0], ids);
            int same = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(4, actual[i].Attempts!.Length);
                Assert.All(actual[i].Attempts!, a => Assert.Equal(AnswerTokens, a.Length));
                if (expected[i].Attempts!.Zip(actual[i].Attempts!).All(p => p.First.SequenceEqual(p.Second))) same++;
            }
            Assert.True(same >= ids.Length * 95 / 100, $"batch {batch}: the attempts of {ids.Length - same} of {ids.Length} probes differ");
        }
        // They are samples: they differ from each other and from the greedy answer somewhere.
        Assert.Contains(expected, r => r.Attempts!.Any(a => !a.SequenceEqual(r.Answer)));
    }

    [Fact]
    public void AttemptsNeedATemperatureAndRoomForTheirSequences()
    {
        Assert.Equal("attempts", Assert.Throws<InputException>(() => AttemptSettings.Create(3, 0, 1)).Parameter);
        Assert.Equal("attempt-temperature", Assert.Throws<InputException>(() => AttemptSettings.Create(2, -1, 1)).Parameter);
        Assert.Same(AttemptSettings.Greedy, AttemptSettings.Create(1, 0, 1));
        Assert.Equal(51, BatchRunner.MaxBatchProbesFor(AttemptSettings.Create(4, 1, 1)));
        var e = Assert.Throws<InputException>(() => BatchRunner.CheckBatch(64, AttemptSettings.Create(4, 1, 1)));
        Assert.Contains("64 must be in [1, 51] with 4 attempts", e.Message, StringComparison.Ordinal);
    }
}
