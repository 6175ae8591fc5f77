using AnomalyProbe.Probe.Bench;

namespace AnomalyProbe.Probe.Tests.Bench;

public sealed class ModelShapeTests
{
    [Fact]
    public void The134mPresetHasAbout134MillionParameters()
    {
        long n = ModelShape.Named("134m").ParameterCount;
        Assert.InRange(n, 130_000_000, 140_000_000);
    }

    [Fact]
    public void The1bPresetHasTinyLlamasParameterCount()
    {
        ModelShape shape = ModelShape.Named("1b");
        Assert.InRange(shape.ParameterCount, 1_000_000_000, 1_200_000_000);
        Assert.Equal((2048, 22, 32, 4, 5632, 32000), (shape.EmbeddingLength, shape.LayerCount, shape.HeadCount, shape.KvHeadCount, shape.FeedForwardLength, shape.VocabularySize));
    }

    [Fact]
    public void The7bPresetHasLlama2sParameterCount() =>
        Assert.InRange(ModelShape.Named("7b").ParameterCount, 6_700_000_000, 6_800_000_000);

    [Fact]
    public void ParameterCountIsTheSumOfTheTensors()
    {
        foreach (ModelShape shape in ModelShape.Presets)
        {
            Assert.Equal(shape.ParameterCount, SyntheticTensor.For(shape).Sum(t => t.ElementCount));
        }
    }

    [Fact]
    public void PresetsAreValidAndFoundCaseInsensitively()
    {
        foreach (ModelShape shape in ModelShape.Presets)
        {
            shape.Validate();
            Assert.Same(shape, ModelShape.Named(shape.Name.ToUpperInvariant()));
        }
    }

    [Fact]
    public void AnUnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Named("13b"));
        foreach (string known in new[] { "'13b'", "tiny", "134m", "1b", "7b", "embd=" })
        {
            Assert.Contains(known, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ACustomSpecIsParsedWithDefaults()
    {
        ModelShape shape = ModelShape.Named("embd=512,layers=8,heads=8,ff=1536");
        Assert.Equal(new ModelShape("e512-l8-h8-ff1536", 512, 8, 8, 8, 1536, 32000, 2048), shape);

        ModelShape gqa = ModelShape.Named(" embd=256, layers=2, heads=8, kv=2, ff=512, vocab=1000, ctx=128, name=Mine ");
        Assert.Equal(new ModelShape("mine", 256, 2, 8, 2, 512, 1000, 128), gqa);
    }

    [Fact]
    public void AWeightTypeWithoutASyntheticBuildIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => (ModelShape.Tiny with { WeightType = AnomalyProbe.Probe.Gguf.GgmlType.F16 }).Validate());
        Assert.Contains("weight type F16 is not one of q8_0, q4_k", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSpecOfAShapeParsesBackToIt()
    {
        foreach (ModelShape shape in ModelShape.Presets.Append(ModelShape.Named("embd=256,layers=1,heads=4,ff=512,type=Q4_K")))
        {
            Assert.Equal(shape with { Name = "x" }, ModelShape.Named(shape.Spec + ",name=x"));
        }
    }

    [Theory]
    [InlineData("embd=500,layers=2,heads=4,ff=128", "multiple of 32")]
    [InlineData("embd=64,layers=2,heads=4,ff=100", "multiple of 32")]
    [InlineData("embd=64,layers=2,heads=3,ff=128", "head count 3")]
    [InlineData("embd=64,layers=2,heads=4,kv=3,ff=128", "KV head count 3")]
    [InlineData("embd=64,layers=0,heads=4,ff=128", "layer count 0")]
    [InlineData("embd=64,layers=2,heads=4,ff=128,vocab=100", "vocabulary size 100")]
    [InlineData("embd=64,layers=2,heads=4", "'ff' is required")]
    [InlineData("embd=64,layers=2,heads=4,ff=128,depth=3", "unknown key 'depth'")]
    [InlineData("embd=64,layers=2,heads=4,ff=-1", "'ff' needs a non-negative integer")]
    [InlineData("embd=64,layers=2,heads=4,ff=128,ff=64", "'ff' is given twice")]
    [InlineData("embd=64,layers=2,heads=4,ff=128,name=a/b", "name 'a/b'")]
    [InlineData("embd=64,layers=2,heads=4,ff=256,type=q4_k", "embedding length 64 must be a positive multiple of 256 (q4_k rows)")]
    [InlineData("embd=64,layers=2,heads=4,ff=128,type=q2_k", "type 'q2_k' is not one of q8_0, q4_k")]
    public void ABadSpecSaysWhatIsWrong(string spec, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Named(spec));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorValuesAreDeterministicBoundedAndChunkIndependent()
    {
        SyntheticTensor q = SyntheticTensor.For(ModelShape.Tiny).Single(t => t.Name == "blk.1.attn_q.weight");
        Assert.Equal([64L, 64L], q.Dimensions);
        float[] whole = new float[1000];
        q.Fill(0, whole);
        float[] tail = new float[400];
        q.Fill(600, tail);
        Assert.Equal(whole[600..], tail);
        Assert.All(whole, v => Assert.InRange(v, -q.Amplitude, q.Amplitude));
        Assert.Equal(1 / 8f, q.Amplitude);
        Assert.True(whole.Distinct().Count() > 990);
        double mean = whole.Average();
        Assert.InRange(mean, -0.01, 0.01);

        SyntheticTensor otherLayer = SyntheticTensor.For(ModelShape.Tiny).Single(t => t.Name == "blk.0.attn_q.weight");
        float[] other = new float[1000];
        otherLayer.Fill(0, other);
        Assert.NotEqual(whole, other);

        SyntheticTensor norm = SyntheticTensor.For(ModelShape.Tiny).Single(t => t.Name == "output_norm.weight");
        float[] ones = new float[64];
        norm.Fill(0, ones);
        Assert.All(ones, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void TheVocabularyIsUniqueAndSentencePieceShaped()
    {
        var (tokens, scores, types) = SyntheticVocabulary.Build(32000);
        Assert.Equal(32000, tokens.Length);
        Assert.Equal(32000, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        Assert.Equal([2, 3, 3, 6], types[..4]);
        Assert.Equal("<0x0A>", tokens[3 + 10]);
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal(["\u2581", "a"], tokens[259..261]);
        Assert.Equal("\u2581ab", tokens[313]);
        Assert.All(tokens[259..], t => Assert.Matches("^\u2581?[a-z]*$", t));
        Assert.All(types[259..], t => Assert.Equal(1, t));
        Assert.True(scores[259..].Zip(scores[260..]).All(p => p.First > p.Second));
    }
}
