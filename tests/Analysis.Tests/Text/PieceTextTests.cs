using System.Text;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tests.Text;

public sealed class PieceTextTests
{
    [Theory]
    [InlineData(new byte[] { 0x68, 0x69 }, "hi")]
    [InlineData(new byte[] { 0x0A }, "\\n")]
    [InlineData(new byte[] { 0x00 }, "\\x00")]
    [InlineData(new byte[] { 0x5C }, "\\\\")]
    [InlineData(new byte[] { 0xE2, 0x96, 0x81, 0x74 }, "▁t")]
    [InlineData(new byte[] { 0xFF, 0x41 }, "\\xFFA")]
    [InlineData(new byte[] { 0xE2, 0x96 }, "\\xE2\\x96")]
    [InlineData(new byte[] { 0x22, 0x2C }, "\",")]
    public void EscapesToOneUnambiguousLine(byte[] bytes, string expected) => Assert.Equal(expected, PieceText.Escape(bytes));

    [Fact]
    public void KeepLayoutLeavesNewlinesTabsAndBackslashes() =>
        Assert.Equal("a\n\tb\\c\\x07", PieceText.Escape("a\n\tb\\c\a"u8, keepLayout: true));

    [Fact]
    public void EveryByteValueEscapesToSomethingPrintableAndDistinct()
    {
        var seen = new HashSet<string>();
        for (int b = 0; b < 256; b++)
        {
            string s = PieceText.Escape([(byte)b]);
            Assert.DoesNotContain(s, c => char.IsControl(c));
            Assert.True(seen.Add(s), $"byte {b:X2} escapes like another byte: {s}");
            Assert.Equal([(byte)b], PieceText.FromHex(PieceText.ToHex([(byte)b])));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x61 }, Utf8Status.Valid)]
    [InlineData(new byte[] { 0xE2, 0x96, 0x81 }, Utf8Status.Valid)]
    [InlineData(new byte[] { 0xE2, 0x96 }, Utf8Status.Partial)]   // ends inside a character
    [InlineData(new byte[] { 0x96, 0x81 }, Utf8Status.Partial)]   // continuation bytes of a previous token
    [InlineData(new byte[] { 0x81, 0x61 }, Utf8Status.Partial)]
    [InlineData(new byte[] { 0xFF }, Utf8Status.Invalid)]         // never valid in UTF-8
    [InlineData(new byte[] { 0xC0, 0x80 }, Utf8Status.Invalid)]   // overlong
    [InlineData(new byte[] { 0x61, 0x80, 0x61 }, Utf8Status.Invalid)]
    [InlineData(new byte[] { }, Utf8Status.Valid)]
    public void ClassifiesUtf8(byte[] bytes, Utf8Status expected) => Assert.Equal(expected, PieceText.ClassifyUtf8(bytes));

    [Fact]
    public void ValidTextRoundTripsThroughEscapeUnchanged()
    {
        const string text = "naïve café – 日本語 🙂";
        Assert.Equal(text, PieceText.Escape(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void UnescapeInvertsEscapeForEveryByteAndAwkwardText()
    {
        // Every single byte, every pair of a lead and a continuation byte, and text with escapes in it.
        var pieces = Enumerable.Range(0, 256).Select(b => new[] { (byte)b })
            .Concat(Enumerable.Range(0xC2, 0x34).Select(b => new[] { (byte)b, (byte)0x80 }))
            .Append(Encoding.UTF8.GetBytes("a\\nb \\x41 \\ ĠSolid\n\t\r 🙂"))
            .Append([0xE2, 0x96, 0x20, 0xFF]);
        foreach (byte[] bytes in pieces)
        {
            // U+0080–U+009F are written \xNN like raw bytes: those two-byte characters read back as their second byte alone.
            if (bytes is [0xC2, >= 0x80 and <= 0x9F]) continue;
            Assert.Equal(bytes, PieceText.Unescape(PieceText.Escape(bytes)));
        }
        Assert.Equal(" SolidGoldMagikarp"u8.ToArray(), PieceText.Unescape(" SolidGoldMagikarp"));
        Assert.Equal("é"u8.ToArray(), PieceText.Unescape("\\u00E9"));
    }

    [Theory]
    [InlineData("a\\q", "'\\q' at 2 is not an escape")]
    [InlineData("\\x4", "'\\x' at 1 is not an escape")]
    [InlineData("end\\", "at 4 is not an escape")]
    [InlineData("\\uD800", "is not a character")]
    public void UnescapeRefusesWhatEscapeNeverWrites(string piece, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => PieceText.Unescape(piece)).Message, StringComparison.Ordinal);
}
