using System.Text;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tests.Text;

public sealed class TextRepetitionTests
{
    [Theory]
    // Any segmentation: the text counts, not the ids.
    [InlineData(" Mediabestanden", " Mediab" + "estanden\"", "\"", Repetition.Repeated)]
    // The leading space of the token's spelling, or of the model's answer, does not count.
    [InlineData(" the", "the\".", "\"", Repetition.Repeated)]
    [InlineData("the", " the\"", "\"", Repetition.Repeated)]
    // A quoted slot must be closed where the token ends: I'm is not I.
    [InlineData("I", "I'm", "\"", Repetition.Different)]
    [InlineData("I", "I\" and", "\"", Repetition.Repeated)]
    // The answer ran out exactly at the token's end: repeated; inside it: too short to tell.
    [InlineData("ababab", "ababab", "\"", Repetition.Repeated)]
    [InlineData("ababab", "abab", "\"", Repetition.TooShort)]
    [InlineData("ababab", "abx", "\"", Repetition.Different)]
    // Without a closing mark a word must end where the token does.
    [InlineData(" cat", " cats", null, Repetition.Different)]
    [InlineData(" cat", " cat.\n", null, Repetition.Repeated)]
    [InlineData("ca", "caté", null, Repetition.Different)]
    // A token of spaces is compared as it is.
    [InlineData("  ", "  \"", "\"", Repetition.Repeated)]
    [InlineData("  ", "x", "\"", Repetition.Different)]
    [InlineData("\n", "\n\"", "\"", Repetition.Repeated)]
    public void JudgesTheAnswersText(string token, string answer, string? closing, Repetition expected) =>
        Assert.Equal(expected, TextRepetition.Judge(Bytes(token), Bytes(answer), closing));

    [Fact]
    public void ByteTokensAreComparedAsBytes()
    {
        // A lone UTF-8 lead byte: repeated by that byte and the closing quote, not by the whole character it starts.
        Assert.Equal(Repetition.Repeated, TextRepetition.Judge([0xC3], [0xC3, (byte)'"'], "\""));
        Assert.Equal(Repetition.Different, TextRepetition.Judge([0xC3], Bytes("é\""), "\""));
    }

    [Theory]
    [InlineData("\".\nRepeated: \"", "\"")]
    [InlineData("»", "»")]
    [InlineData(")", ")")]
    [InlineData("\n", null)]
    [InlineData("", null)]
    public void TheClosingMarkIsWhatFollowsTheSlot(string afterSlot, string? expected) =>
        Assert.Equal(expected, TextRepetition.ClosingMark(afterSlot));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
