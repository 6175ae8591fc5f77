using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Analysis.Tests.Tokenizers;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Tokens;

public sealed class TokenCategoryTests
{
    [Theory]
    // byte_fallback wins over everything, whatever the round trip.
    [InlineData("byte", "<0x41>", Utf8Status.Valid, false, TokenCategory.ByteFallback)]
    [InlineData("byte", "<0xFF>", Utf8Status.Invalid, true, TokenCategory.ByteFallback)]
    // unused: by attribute or by a reserved name, even for control tokens.
    [InlineData("unused", "whatever", Utf8Status.Valid, true, TokenCategory.Unused)]
    [InlineData("control", "<|placeholder3|>", Utf8Status.Valid, false, TokenCategory.Unused)]
    [InlineData("unknown", "[PAD32011]", Utf8Status.Valid, false, TokenCategory.Unused)]
    [InlineData("user_defined", "[PAD50280]", Utf8Status.Valid, true, TokenCategory.Unused)]
    // special: control and unknown, never "unreachable".
    [InlineData("control", "<s>", Utf8Status.Valid, false, TokenCategory.Special)]
    [InlineData("unknown", "<unk>", Utf8Status.Valid, false, TokenCategory.Special)]
    [InlineData("control", "<|im_start|>", Utf8Status.Valid, false, TokenCategory.Special)]
    // ordinary tokens.
    [InlineData("normal", "Ãº", Utf8Status.Valid, false, TokenCategory.Unreachable)]
    [InlineData("normal", "À", Utf8Status.Invalid, false, TokenCategory.Unreachable)]
    [InlineData("normal", "âĢ", Utf8Status.Partial, false, TokenCategory.Unreachable)]
    [InlineData("normal", "âĢ", Utf8Status.Partial, true, TokenCategory.PartialUtf8)]
    [InlineData("user_defined", "  ", Utf8Status.Valid, true, TokenCategory.Normal)]
    [InlineData("normal", "▁the", Utf8Status.Valid, true, TokenCategory.Normal)]
    public void FirstRuleThatAppliesWins(string type, string text, Utf8Status utf8, bool reachable, TokenCategory expected) =>
        Assert.Equal(expected, TokenCategories.Classify(TokenizerSamples.TypeNamed(type), text, utf8, reachable));

    [Theory]
    [InlineData("[PAD]", true)]
    [InlineData("[PAD32011]", true)]
    [InlineData("[unused17]", true)]
    [InlineData("<pad>", true)]
    [InlineData("<|padding|>", true)]
    [InlineData("<|placeholder12|>", true)]
    [InlineData("<|reserved_special_token_250|>", true)]
    [InlineData("<reserved_59>", true)]
    [InlineData("<unused3>", true)]
    [InlineData("<|extratoken_1|>", true)]
    [InlineData("madeupword0002", true)]
    [InlineData("<s>", false)]
    [InlineData("<unk>", false)]
    [InlineData("<|endoftext|>", false)]
    [InlineData("pad", false)]
    [InlineData("▁unused", false)]
    [InlineData("<extra_id_0>", false)]
    public void RecognisesReservedNames(string text, bool expected) => Assert.Equal(expected, TokenCategories.IsPlaceholderText(text));

    [Fact]
    public void NamesRoundTrip()
    {
        Assert.Equal(Enum.GetValues<TokenCategory>().Order(), TokenCategories.Priority.Order());
        foreach (TokenCategory c in TokenCategories.Priority)
        {
            Assert.True(TokenCategories.TryParse(TokenCategories.Name(c), out var back));
            Assert.Equal(c, back);
        }
        Assert.Equal(["byte_fallback", "unused", "special", "unreachable", "partial_utf8", "normal"], TokenCategories.Priority.Select(TokenCategories.Name));
        Assert.False(TokenCategories.TryParse("Normal", out _));
    }
}
