using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>
/// The contexts the batch runner asks for satisfy llama.cpp's constraints at the corners (no native
/// abort): a template whose slot is the last position (no suffix), one probe or 255 per decode, a
/// prefix longer than one decode, one or eight answer tokens — and still agree with the naive runner.
/// </summary>
public sealed class ContextSizingTests
{
    private const string Induction = "one one\nbird bird\nhouse house\ngreen green\n{token}";
    private static readonly string LongPrefix = string.Concat(Enumerable.Repeat("one two three four ", 130)) + "\"{token}\" \"";

    public static TheoryData<string, string, int, int> Corners() => new()
    {
        { "suffix0_b1", Induction, 1, 3 },
        { "suffix0_b64", Induction, 64, 3 },   // aborted in llama.cpp when n_batch < n_seq_max
        { "suffix0_b255", Induction, 255, 3 },
        { "suffix0_b64_one_answer", Induction, 64, 1 },
        { "suffix0_b32_eight_answers", Induction, 32, 8 },
        { "long_prefix_b1", LongPrefix, 1, 3 },
        { "long_prefix_b4", LongPrefix, 4, 3 },
    };

    [Theory]
    [MemberData(nameof(Corners))]
    public void TheRunnerWorksAndAgreesWithTheNaiveOne(string name, string text, int batchProbes, int answerTokens)
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        TemplateTokens template = TemplateTokens.Create(PromptTemplate.Parse(name, text), model.Vocabulary);
        int[] ids = Enumerable.Range(0, Math.Min(model.Vocabulary.Count, batchProbes + 5)).ToArray(); // a full group and a remainder

        using LlamaContext batchContext = LlamaContext.Create(model, BatchRunner.ContextFor([template], batchProbes, answerTokens, 2, exact: false));
        Assert.True(batchContext.BatchSize >= batchContext.MaxSequences, "llama.cpp needs n_batch >= n_seq_max");
        if (name.StartsWith("long_prefix", StringComparison.Ordinal)) Assert.True(template.Prefix.Length > batchContext.BatchSize, "the prefix takes two decodes");
        using var batched = new BatchRunner(batchContext, batchProbes, answerTokens);
        using LlamaContext naiveContext = LlamaContext.Create(model, NaiveRunner.ContextFor([template], answerTokens, 2, exact: false));
        using var naive = new NaiveRunner(naiveContext, answerTokens);

        var actual = batched.Run(0, template, ids);
        var expected = naive.Run(0, template, ids);
        Assert.Equal(ids, actual.Select(r => r.Token));
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.True(Math.Abs(expected[i].Stats.LogProb - actual[i].Stats.LogProb) <= 2e-2, $"{name}, token {ids[i]}");
            Assert.Equal(answerTokens, actual[i].Answer.Length);
        }
    }
}
