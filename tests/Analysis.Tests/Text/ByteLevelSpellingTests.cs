using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tests.Text;

public sealed class ByteLevelSpellingTests
{
    [Fact]
    public void EveryByteHasItsOwnPrintableCharacter()
    {
        var chars = Enumerable.Range(0, 256).Select(b => ByteLevelSpelling.CharOf((byte)b)).ToList();
        Assert.Equal(256, chars.Distinct().Count());
        Assert.All(chars, c => Assert.False(char.IsWhiteSpace(c) || char.IsControl(c), $"U+{(int)c:X4}"));
        // GPT-2's table: printable Latin-1 stands for itself, the rest count up from U+0100 in byte order.
        Assert.Equal(('Ā', 'Ġ', 'Ċ', 'ā', 'ġ', 'ł', 'Ń', 'A', '¡', 'ÿ'),
            (chars[0], chars[' '], chars['\n'], chars[1], chars[0x7F], chars[0xA0], chars[0xAD], chars['A'], chars[0xA1], chars[0xFF]));
    }

    [Fact]
    public void SpellAndUnspellAreInverse()
    {
        byte[] bytes = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];
        Assert.Equal(bytes, ByteLevelSpelling.Unspell(ByteLevelSpelling.Spell(bytes)));
        Assert.Equal("ĠSolidGoldMagikarp", ByteLevelSpelling.Spell(" SolidGoldMagikarp"u8));
        Assert.Null(ByteLevelSpelling.Unspell("▁the")); // SentencePiece's mark is no byte's spelling
    }
}
