using AnomalyProbe.Probe.Probing;

namespace AnomalyProbe.Probe.Tests.Probing;

/// <summary>Probes per decode per template, and the shard blocks that keep every template's tokens together.</summary>
public sealed class BatchSizesTests
{
    private static PromptTemplate Builtin(string name) => PromptTemplate.BuiltIn.Single(t => t.Name == name);

    [Fact]
    public void OnlyAOneTokenProbeGetsTheWideBatchByDefault()
    {
        BatchSizes sizes = BatchSizes.Default();
        Assert.Equal(new BatchSizes(128, 256), sizes);
        Assert.True(Builtin("induction").ProbeIsOneToken);
        Assert.Equal([128, 128, 256, 128], sizes.For([Builtin("completion"), Builtin("repeat"), Builtin("induction"), Builtin("chat")]));
        // A plain template with text after its slot is not one token; nor is a chat template, whose format adds the answer's start.
        Assert.False(PromptTemplate.Parse("x", "say {token}!").ProbeIsOneToken);
        Assert.False(PromptTemplate.Parse("x", "say {token}\n---assistant---\n", chat: true).ProbeIsOneToken);
        Assert.Equal(128, BatchSizes.Fixed(128).For(Builtin("induction")));
    }

    [Theory]
    [InlineData(1, 128, null)]  // 2 sequences a probe: 128 fit, no room for a wider one
    [InlineData(4, 51, null)]   // 256 / 5
    [InlineData(2, 85, null)]   // 256 / 3 = 85; 170 would not fit
    public void AttemptsLeaveRoomForWhatFits(int attempts, int probes, int? oneToken)
    {
        BatchSizes sizes = BatchSizes.Default(AttemptSettings.Create(attempts, 1.0, 1));
        Assert.Equal(new BatchSizes(probes, oneToken), sizes);
        sizes.Check(AttemptSettings.Create(attempts, 1.0, 1));
    }

    [Fact]
    public void AOneTokenBatchThatIsNotAMultipleIsRefused()
    {
        var e = Assert.Throws<InputException>(() => new BatchSizes(128, 200).Check(null));
        Assert.Contains("not a multiple", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Scanner.Plan([128, 200], [.. Enumerable.Range(0, 1000)], Shard.All));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AShardProbesTheSameTokensWithEveryTemplate(int shards)
    {
        int[] ids = [.. Enumerable.Range(0, 1000).Select(i => i * 3)];
        int[] batches = [128, 256, 128];
        var all = Scanner.Plan(batches, ids, Shard.All);
        var owned = new List<ProbeGroup>();
        for (int i = 0; i < shards; i++)
        {
            var plan = Scanner.Plan(batches, ids, Shard.Parse($"{i}/{shards}"));
            var byTemplate = Enumerable.Range(0, batches.Length).Select(t => plan.Where(g => g.Template == t).SelectMany(g => g.Tokens).ToArray()).ToList();
            Assert.NotEmpty(byTemplate[0]);
            Assert.All(byTemplate, tokens => Assert.Equal(byTemplate[0], tokens));
            owned.AddRange(plan);
        }
        // Together the shards hold every group of the unsharded plan once, grouped alike.
        Assert.Equal(all.Select(g => g.Key).Order(), owned.Select(g => g.Key).Order());
        Assert.Equal([.. Enumerable.Repeat(128, 7), 104], all.Where(g => g.Template == 0).Select(g => g.Tokens.Length));
        Assert.Equal([256, 256, 256, 232], all.Where(g => g.Template == 1).Select(g => g.Tokens.Length));
    }
}
