using AnomalyProbe.Analysis.Statistics;

namespace AnomalyProbe.Analysis.Tests.Statistics;

public sealed class SelectionDesignTests
{
    private static readonly int[] Population = Enumerable.Range(0, 1000).ToArray();

    private static double Value(int id) => (id * 7919 % 1000) / 1000.0;

    private static string Category(int id) => id % 10 == 0 ? "byte" : "normal";

    [Fact]
    public void CandidatesAreTheLowestAndTheControlIsStratifiedAndSeeded()
    {
        SelectionDesign design = SelectionDesign.Build("m", Population, Value, Category, candidates: 100, control: 100, seed: 3);
        Assert.Equal(Population.OrderBy(Value).Take(100).Order(), design.Candidates);
        Assert.Equal(100, design.ControlSize);
        Assert.Empty(design.Candidates.Intersect(design.Strata.SelectMany(s => s.Sampled)));
        Assert.Equal(900, design.Strata.Sum(s => s.Size));
        Assert.All(design.Strata, s => Assert.True(s.Sampled.Length >= SelectionDesign.MinimumPerStratum, $"{s.Name}: {s.Sampled.Length}"));
        // Proportional allocation: each stratum's share of the sample is its share of the rest, to one token.
        Assert.All(design.Strata, s => Assert.InRange(s.Sampled.Length, Math.Floor(s.Size / 9.0), Math.Ceiling(s.Size / 9.0)));
        Assert.Equal(design.ProbedIds(), SelectionDesign.Build("m", Population, Value, Category, 100, 100, seed: 3).ProbedIds());
        Assert.NotEqual(design.ProbedIds(), SelectionDesign.Build("m", Population, Value, Category, 100, 100, seed: 4).ProbedIds());
        Assert.Equal(9.0, design.Weights()[design.Strata[0].Sampled[0]], 1);
        Assert.Equal(1.0, design.Weights()[design.Candidates[0]]);
    }

    [Fact]
    public void SmallStrataAreMerged()
    {
        // 20 control tokens over 10 deciles × 2 categories: byte cells expect 0.2 each and merge.
        SelectionDesign design = SelectionDesign.Build("m", Population, Value, Category, candidates: 0, control: 20, seed: 1);
        Assert.All(design.Strata, s => Assert.True(s.Sampled.Length >= 2));
        Assert.Contains(design.Strata, s => s.Name.Contains('+', StringComparison.Ordinal) || s.Name.EndsWith("/other", StringComparison.Ordinal));
        Assert.Equal(1000, design.Strata.Sum(s => s.Size));
    }

    [Theory]
    [InlineData("10%", 512, 51)]
    [InlineData("2.5%", 1000, 25)]
    [InlineData("10%", 14019, 1401)]
    [InlineData("300", 512, 300)]
    public void CountsAndPercentagesParse(string text, int population, int expected) =>
        Assert.Equal(expected, SelectionDesign.ParseCount(text, population, "candidates"));

    [Fact]
    public void NonsenseIsRefused()
    {
        Assert.Throws<FormatException>(() => SelectionDesign.ParseCount("ten", 100, "candidates"));
        Assert.Throws<FormatException>(() => SelectionDesign.ParseCount("120%", 100, "candidates"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SelectionDesign.Build("m", Population, Value, Category, 600, 600, 1));
    }
}
