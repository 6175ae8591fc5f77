using System.Text;
using AnomalyProbe.Analysis.Tests.Tokenizers;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;

namespace AnomalyProbe.Analysis.Tests.Tokens;

public sealed class TokenClassTests
{
    private static bool In(TokenClass c, string piece, string type = "normal", string? text = null) =>
        new TokenFacts(TokenizerSamples.AttributesOf(type), text ?? piece, Encoding.UTF8.GetBytes(piece)).IsIn(c);

    private static bool InBytes(TokenClass c, byte[] piece, string type = "normal") => new TokenFacts(TokenizerSamples.AttributesOf(type), "x", piece).IsIn(c);

    [Fact]
    public void NamesParseBackCaseInsensitively()
    {
        foreach (TokenClass c in Enum.GetValues<TokenClass>())
        {
            Assert.True(TokenClasses.TryParse(TokenClasses.Name(c), out TokenClass back));
            Assert.Equal(c, back);
            Assert.True(TokenClasses.TryParse(" " + TokenClasses.Name(c).ToUpperInvariant(), out back));
            Assert.Equal(c, back);
        }
        Assert.False(TokenClasses.TryParse("letters", out _));
        Assert.False(TokenClasses.TryParse("", out _));
    }

    [Theory]
    [InlineData(" the", true)]
    [InlineData("the", true)]
    [InlineData(" Straße", true)]
    [InlineData(" 東京", true)]
    [InlineData("e\u0301t\u00e9", true)] // a combining accent belongs to its letter
    [InlineData("the ", false)]
    [InlineData("  the", false)]
    [InlineData("don't", false)]
    [InlineData(" 12", false)]
    [InlineData("x2", false)]
    [InlineData("the\n", false)] // no "$ before a final newline" loophole
    [InlineData(" ", false)]
    [InlineData("", false)]
    public void AlphaIsAnOptionalSpaceThenLettersOnly(string piece, bool expected) =>
        Assert.Equal(expected, In(TokenClass.Alpha, piece));

    [Theory]
    [InlineData("hello, world!", true)]
    [InlineData(" {}\t\n\r~", true)]
    [InlineData("é", false)]
    [InlineData("\u007f", false)]
    [InlineData("\u0001", false)]
    [InlineData("", false)]
    public void AsciiIsPrintableAsciiAndLayout(string piece, bool expected) =>
        Assert.Equal(expected, In(TokenClass.Ascii, piece));

    [Fact]
    public void TextClassesNeverAdmitByteSpecialOrUnusedTokensWhateverTheyRenderTo()
    {
        foreach (TokenClass c in new[] { TokenClass.Alpha, TokenClass.Ascii })
        {
            Assert.False(In(c, "A", type: "byte", text: "<0x41>"));
            Assert.False(In(c, "A", type: "control", text: "A"));
            Assert.False(In(c, "A", type: "unknown"));
            Assert.False(In(c, "A", type: "unused"));
            Assert.False(In(c, "pad", text: "<pad>"));
            Assert.True(In(c, "A", type: "user_defined"));
        }
    }

    [Fact]
    public void NoBytesDropsByteFallbackAndPiecesThatAreNotUtf8OnTheirOwn()
    {
        Assert.False(In(TokenClass.NoBytes, "A", type: "byte", text: "<0x41>"));
        Assert.False(InBytes(TokenClass.NoBytes, [0xE6, 0x9D])); // first two bytes of 東
        Assert.False(InBytes(TokenClass.NoBytes, [0x9D, 0xB1])); // its tail
        Assert.False(InBytes(TokenClass.NoBytes, [0xFF]));       // never UTF-8
        Assert.True(InBytes(TokenClass.NoBytes, [0xE6, 0x9D, 0xB1]));
        Assert.True(In(TokenClass.NoBytes, " "));
        Assert.True(In(TokenClass.NoBytes, "", type: "control", text: "</s>")); // special, but not a byte token
    }

    [Fact]
    public void NoSpecialDropsControlUnknownUnusedAndReservedNames()
    {
        Assert.False(In(TokenClass.NoSpecial, "", type: "control", text: "<s>"));
        Assert.False(In(TokenClass.NoSpecial, "<unk>", type: "unknown"));
        Assert.False(In(TokenClass.NoSpecial, "", type: "unused", text: "<unused3>"));
        Assert.False(In(TokenClass.NoSpecial, "<|reserved_special_token_7|>", type: "user_defined"));
        Assert.True(In(TokenClass.NoSpecial, "<|im_start|>", type: "user_defined"));
        Assert.True(In(TokenClass.NoSpecial, "A", type: "byte", text: "<0x41>"));
        Assert.True(In(TokenClass.NoSpecial, " the"));
    }
}
