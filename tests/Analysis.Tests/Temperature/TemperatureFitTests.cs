using AnomalyProbe.Analysis.Temperature;

namespace AnomalyProbe.Analysis.Tests.TemperatureFitting;

public sealed class TemperatureFitTests
{
    [Fact]
    public void TwoTokenRowsHaveTheLogisticClosedForm()
    {
        // Rows [0, 1]: p(token 1) = σ(β). Targets 1,1,1,0 → σ(β*) = 3/4, β* = ln 3; I = n p (1 − p) = 0.75.
        float[] logits = [0, 1, 0, 1, 0, 1, 0, 1];
        TemperatureFitResult r = TemperatureFit.Fit(logits, 2, [1, 1, 1, 0]);
        Assert.Equal(Math.Log(3), r.Beta, 1e-9);
        Assert.Equal(1 / Math.Log(3), r.Temperature, 1e-9);
        Assert.Equal(1 / Math.Sqrt(0.75), r.BetaStandardError, 1e-9);
        Assert.Equal(r.BetaStandardError / (r.Beta * r.Beta), r.TemperatureStandardError, 1e-12);
        Assert.Equal(4, r.TokenCount);
        // L(β)/n = (3 ln σ(β) + ln(1 − σ(β))) / 4.
        Assert.Equal((3 * Math.Log(0.75) + Math.Log(0.25)) / 4, r.LogLikelihoodPerTokenAtOptimum, 1e-9);
        double s1 = 1 / (1 + Math.Exp(-1));
        Assert.Equal((3 * Math.Log(s1) + Math.Log(1 - s1)) / 4, r.LogLikelihoodPerTokenAtOne, 1e-9);
    }

    [Fact]
    public void TargetsFavouringLowLogitsGiveANegativeTemperature()
    {
        // Targets 0,0,0,1 on rows [0, 1]: σ(β*) = 1/4, β* = −ln 3.
        float[] logits = [0, 1, 0, 1, 0, 1, 0, 1];
        TemperatureFitResult r = TemperatureFit.Fit(logits, 2, [0, 0, 0, 1]);
        Assert.Equal(-Math.Log(3), r.Beta, 1e-9);
        Assert.True(r.Temperature < 0);
    }

    [Fact]
    public void HalfAndHalfGivesInfiniteTemperature()
    {
        float[] logits = [0, 1, 0, 1];
        TemperatureFitResult r = TemperatureFit.Fit(logits, 2, [0, 1]);
        Assert.Equal(0, r.Beta, 1e-12);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-1.0)]
    public void RecoversTheTemperatureTargetsWereSampledAt(double tau)
    {
        const int rows = 3000, v = 64;
        var random = new Random(7);
        var logits = new float[rows * v];
        var targets = new int[rows];
        var p = new double[v];
        for (int t = 0; t < rows; t++)
        {
            Span<float> row = logits.AsSpan(t * v, v);
            for (int i = 0; i < v; i++) row[i] = (float)(3 * Gaussian(random));
            double max = double.NegativeInfinity;
            foreach (float l in row) max = Math.Max(max, l / tau);
            double sum = 0;
            for (int i = 0; i < v; i++) sum += p[i] = Math.Exp(row[i] / tau - max);
            double u = random.NextDouble() * sum, acc = 0;
            targets[t] = v - 1;
            for (int i = 0; i < v; i++)
            {
                acc += p[i];
                if (u < acc)
                {
                    targets[t] = i;
                    break;
                }
            }
        }
        TemperatureFitResult r = TemperatureFit.Fit(logits, v, targets);
        // The MLE is consistent with asymptotic SE; 4 SE is a 6e-5 two-sided false-alarm rate.
        Assert.InRange(r.Temperature, tau - 4 * r.TemperatureStandardError, tau + 4 * r.TemperatureStandardError);
        Assert.True(r.TemperatureStandardError < 0.05 * Math.Abs(tau), $"SE {r.TemperatureStandardError} too large");
        Assert.True(r.LogLikelihoodPerTokenAtOptimum >= r.LogLikelihoodPerTokenAtOne - 1e-12);
        // Gradient is zero at the optimum: nearby β are no better.
        double at = TemperatureFit.LogLikelihoodPerToken(logits, v, targets, r.Beta);
        Assert.True(TemperatureFit.LogLikelihoodPerToken(logits, v, targets, r.Beta * 1.01) <= at);
        Assert.True(TemperatureFit.LogLikelihoodPerToken(logits, v, targets, r.Beta * 0.99) <= at);
    }

    [Fact]
    public void ConstantRowsHaveNoTemperature()
    {
        float[] logits = [2, 2, 2, 5, 5, 5];
        var e = Assert.Throws<TemperatureFitException>(() => TemperatureFit.Fit(logits, 3, [0, 2]));
        Assert.Contains("constant", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AlwaysTheArgmaxHasNoFiniteTemperature()
    {
        float[] logits = [0, 1, 3, 1, 0, 2];
        var e = Assert.Throws<TemperatureFitException>(() => TemperatureFit.Fit(logits, 3, [2, 2]));
        Assert.Contains("0⁺", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<TemperatureFitException>(() => TemperatureFit.Fit(logits, 3, [0, 1]));
        Assert.Contains("0⁻", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit(new float[5], 2, [0, 1]));
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit(new float[4], 2, [0, 2]));
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit([], 2, []));
        Assert.Throws<ArgumentException>(() => TemperatureFit.Fit([0, float.NaN], 2, [0]));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
