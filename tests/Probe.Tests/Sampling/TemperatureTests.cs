using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Tests.Sampling;

public sealed class TemperatureTests
{
    [Theory]
    [InlineData("0", TemperatureKind.Greedy, false)]
    [InlineData("0+", TemperatureKind.Greedy, false)]
    [InlineData("+0", TemperatureKind.Greedy, false)]
    [InlineData("-0", TemperatureKind.AntiGreedy, true)]
    [InlineData("0-", TemperatureKind.AntiGreedy, true)]
    [InlineData("-0.0", TemperatureKind.AntiGreedy, true)]
    [InlineData("0.7", TemperatureKind.Finite, false)]
    [InlineData("-1", TemperatureKind.Finite, true)]
    [InlineData("-0.05", TemperatureKind.Finite, true)]
    [InlineData("1e-3", TemperatureKind.Finite, false)]
    [InlineData("inf", TemperatureKind.Uniform, false)]
    [InlineData("-inf", TemperatureKind.Uniform, true)]
    public void ParsesEverySpelling(string text, TemperatureKind kind, bool negative)
    {
        Assert.True(Temperature.TryParse(text, out Temperature t));
        Assert.Equal(kind, t.Kind);
        Assert.Equal(negative, t.IsNegative);
        Assert.True(Temperature.TryParse(t.ToString(), out Temperature back));
        Assert.Equal(t.Kind, back.Kind);
        Assert.Equal(t.IsNegative, back.IsNegative);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nan")]
    [InlineData("warm")]
    [InlineData("1,5")]
    public void RejectsNonTemperatures(string text) => Assert.False(Temperature.TryParse(text, out _));
}
