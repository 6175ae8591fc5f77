using AnomalyProbe.Probe.Sampling;
using MathNet.Numerics.Distributions;

namespace AnomalyProbe.Probe.Tests.Sampling;

public sealed class TokenSamplerTests
{
    private static readonly float[] s_logits = [2.0f, 1.0f, 0.5f, 0.0f, -0.5f, -1.0f, -2.0f, -3.0f];

    private static TokenSampler Sampler(string t, int topK = 0, double minP = 0, int seed = 7)
    {
        Assert.True(Temperature.TryParse(t, out Temperature temperature));
        return new TokenSampler(new SamplingOptions(temperature, topK, minP, seed));
    }

    // softmax(l / T) in double precision, written independently of the sampler.
    private static double[] Softmax(float[] logits, double t)
    {
        double[] w = logits.Select(l => Math.Exp(l / t)).ToArray();
        double sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    private static int[] Counts(TokenSampler sampler, int draws)
    {
        var counts = new int[s_logits.Length];
        for (int i = 0; i < draws; i++) counts[sampler.Sample(s_logits).Token]++;
        return counts;
    }

    // Pearson chi-square goodness-of-fit p-value.
    private static double ChiSquarePValue(int[] observed, double[] p)
    {
        int n = observed.Sum();
        double stat = observed.Select((o, i) => (o - n * p[i]) * (o - n * p[i]) / (n * p[i])).Sum();
        return 1 - ChiSquared.CDF(observed.Length - 1, stat);
    }

    [Fact]
    public void ZeroPlusIsArgmaxAndZeroMinusIsArgmin()
    {
        Assert.Equal(0, Sampler("0").Sample(s_logits).Token);
        Assert.Equal(7, Sampler("-0").Sample(s_logits).Token);
        Assert.Equal(1.0, Sampler("-0").Sample(s_logits).Probability);
        Assert.Equal(1.0f, Sampler("-0").Sample(s_logits).Margin, 6);
    }

    [Fact]
    public void NegativeOneIsReproducibleForASeed()
    {
        TokenSampler a = Sampler("-1", seed: 123), b = Sampler("-1", seed: 123), c = Sampler("-1", seed: 124);
        int[] drawsA = Enumerable.Range(0, 200).Select(_ => a.Sample(s_logits).Token).ToArray();
        int[] drawsB = Enumerable.Range(0, 200).Select(_ => b.Sample(s_logits).Token).ToArray();
        int[] drawsC = Enumerable.Range(0, 200).Select(_ => c.Sample(s_logits).Token).ToArray();
        Assert.Equal(drawsA, drawsB);
        Assert.NotEqual(drawsA, drawsC);
    }

    // Tolerance: with 200,000 draws the chi-square test must not reject softmax(l/T) at the
    // 0.1% level, and every frequency must be within 0.005 of its probability (> 4 sigma for
    // every cell here). The same draws must clearly reject the wrong (T = +1) distribution,
    // which shows the test has the power to fail.
    [Theory]
    [InlineData("-1", -1.0)]
    [InlineData("-0.5", -0.5)]
    [InlineData("0.8", 0.8)]
    public void EmpiricalFrequenciesMatchSoftmaxOverT(string text, double t)
    {
        const int draws = 200_000;
        int[] counts = Counts(Sampler(text, seed: 2024), draws);
        double[] expected = Softmax(s_logits, t);

        Assert.True(ChiSquarePValue(counts, expected) > 1e-3, $"chi-square rejects softmax(l/{t})");
        for (int i = 0; i < counts.Length; i++) Assert.InRange((double)counts[i] / draws, expected[i] - 0.005, expected[i] + 0.005);
        Assert.True(ChiSquarePValue(counts, Softmax(s_logits, -t)) < 1e-12, "the test cannot tell T from -T");
    }

    [Fact]
    public void DistributionIsStableForHugeLogitsAndTinyNegativeT()
    {
        float[] logits = [1000f, -1000f, 999f, -999.5f];
        double[] p = Sampler("-0.01").Distribution(logits);
        Assert.All(p, x => Assert.False(double.IsNaN(x)));
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.True(p[1] > 0.99); // the lowest logit dominates at small negative T
    }

    [Fact]
    public void InfinityIsUniform()
    {
        double[] p = Sampler("-inf").Distribution(s_logits);
        Assert.All(p, x => Assert.Equal(1.0 / s_logits.Length, x, 12));
    }

    [Fact]
    public void TopKFollowsTheSignOfT()
    {
        double[] negative = Sampler("-1", topK: 2).Distribution(s_logits);
        Assert.Equal([6, 7], Enumerable.Range(0, 8).Where(i => negative[i] > 0));
        double[] positive = Sampler("1", topK: 2).Distribution(s_logits);
        Assert.Equal([0, 1], Enumerable.Range(0, 8).Where(i => positive[i] > 0));
        // Renormalised over the kept pair: p(-3) / p(-2) = e at T = -1.
        Assert.Equal(Math.E, negative[7] / negative[6], 6);
    }

    [Fact]
    public void MinPIsRelativeToTheMostLikelyUnderT()
    {
        // T = -1: weights exp(-l); p_i / p_max = exp(-(l_i - l_min)); min-p 0.3 keeps l - l_min <= ln(1/0.3) = 1.20.
        double[] p = Sampler("-1", minP: 0.3).Distribution(s_logits);
        Assert.Equal([6, 7], Enumerable.Range(0, 8).Where(i => p[i] > 0));
    }

    // Candidates {1, 3, 4, 6}: logits 1.0, 0.0, -0.5, -2.0 (the global extremes 0 and 7 are excluded).
    private static readonly int[] s_candidates = [1, 3, 4, 6];

    private static TokenSampler Restricted(string t, int topK = 0, int seed = 7)
    {
        Assert.True(Temperature.TryParse(t, out Temperature temperature));
        return new TokenSampler(new SamplingOptions(temperature, topK, 0, seed), s_candidates);
    }

    [Fact]
    public void CandidatesBoundTheLimitsAndTheRunnerUp()
    {
        TokenChoice low = Restricted("-0").Sample(s_logits);
        Assert.Equal((6, -2.0f, 4, 1.5f), (low.Token, low.Logit, low.RunnerUp, low.Margin));
        TokenChoice high = Restricted("0").Sample(s_logits);
        Assert.Equal((1, 1.0f, 3, 1.0f), (high.Token, high.Logit, high.RunnerUp, high.Margin));
        // Without candidates the runner-up is the global one.
        TokenChoice all = Sampler("-0").Sample(s_logits);
        Assert.Equal((7, 6, 1.0f), (all.Token, all.RunnerUp, all.Margin));
    }

    [Theory]
    [InlineData("-1", -1.0)]
    [InlineData("0.7", 0.7)]
    public void CandidatesGetSoftmaxOverThemselvesAndNothingElse(string text, double t)
    {
        double[] p = Restricted(text).Distribution(s_logits);
        double[] expected = Softmax([.. s_candidates.Select(i => s_logits[i])], t);
        for (int i = 0; i < s_logits.Length; i++)
        {
            int k = Array.IndexOf(s_candidates, i);
            Assert.Equal(k < 0 ? 0 : expected[k], p[i], 6); // the sampler scales logits in float
        }
        // And draws follow it (same tolerance argument as above, 100,000 draws).
        TokenSampler sampler = Restricted(text, seed: 99);
        var counts = new int[s_logits.Length];
        for (int i = 0; i < 100_000; i++) counts[sampler.Sample(s_logits).Token]++;
        Assert.All(Enumerable.Range(0, s_logits.Length).Where(i => !s_candidates.Contains(i)), i => Assert.Equal(0, counts[i]));
        int[] observed = [.. s_candidates.Select(i => counts[i])];
        Assert.True(ChiSquarePValue(observed, expected) > 1e-3, "chi-square rejects the restricted softmax");
    }

    [Fact]
    public void CandidatesSurviveLogitsTheExcludedTokensWouldSwamp()
    {
        // At T = -0.01 the excluded -1000 would take all the mass and underflow every candidate's weight.
        float[] logits = [-1000f, 5f, 6f, 7f];
        var sampler = new TokenSampler(new SamplingOptions(Temperature.FromValue(-0.01)), [1, 2, 3]);
        double[] p = sampler.Distribution(logits);
        Assert.Equal(0, p[0]);
        Assert.True(p[1] > 0.99);
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.Equal(1, sampler.Sample(logits).Token);
    }

    [Fact]
    public void TopKCountsCandidatesOnly()
    {
        double[] p = Restricted("-1", topK: 2).Distribution(s_logits);
        Assert.Equal([4, 6], Enumerable.Range(0, 8).Where(i => p[i] > 0));
    }

    [Fact]
    public void BadCandidateListsAreRefused()
    {
        var options = new SamplingOptions(Temperature.AntiGreedy);
        Assert.Throws<ArgumentException>(() => new TokenSampler(options, []));
        Assert.Throws<ArgumentException>(() => new TokenSampler(options, [3, 1]));
        Assert.Throws<ArgumentException>(() => new TokenSampler(options, [1, 1]));
        Assert.Throws<ArgumentException>(() => new TokenSampler(options, [-1, 2]));
        Assert.Throws<ArgumentException>(() => new TokenSampler(options, [1, 8]).Sample(s_logits));
    }

    [Theory]
    [InlineData(0f, 1f, MarginVerdict.Tie)]
    [InlineData(0f, 0f, MarginVerdict.Tie)]
    [InlineData(0.002f, 0.001f, MarginVerdict.Noise)]
    [InlineData(0.0021f, 0.001f, MarginVerdict.Signal)]
    [InlineData(1e-6f, 0f, MarginVerdict.Signal)]
    public void AMarginIsNoiseWhenTwoLogitsCouldSwapWithinTheNoise(float margin, float noise, MarginVerdict expected) =>
        Assert.Equal(expected, MarginCheck.Judge(margin, noise));
}
