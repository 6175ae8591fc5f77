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
}
