namespace AnomalyProbe.Analysis.Text;

/// <summary>How an answer's text relates to the text of the token it was asked to repeat.</summary>
public enum Repetition
{
    /// <summary>The answer starts with the token's text, whatever ids spell it.</summary>
    Repeated,

    /// <summary>The answer says something else.</summary>
    Different,

    /// <summary>The answer is a proper beginning of the token's text: too few answer tokens to decide.</summary>
    TooShort,
}

/// <summary>
/// Whether an answer reproduces a token's text with any segmentation ("Mediab" + "estanden" repeats
/// "▁Mediabestanden"). Compared as bytes, the way the template quotes the token: after the opening
/// quote (or the slot) a leading space is the token's own spelling or the model's choice, so leading
/// spaces are ignored on both sides — unless the token is nothing but spaces; and where the template
/// closes the quote right after the slot (<c>"{token}"</c>), the answer must close it there too, so
/// <c>I'm"</c> does not repeat <c>I</c>. Without a closing mark, a word must end where the token does.
/// An answer that ends exactly with the token's text repeats it (the answer tokens ran out).
/// </summary>
public static class TextRepetition
{
    /// <summary>The characters that close a quoted slot when they follow it.</summary>
    public const string ClosingMarks = "\"'`)]}>»”’」』*";

    /// <summary>The closing mark a template puts right after its slot (<paramref name="afterSlot"/>'s first character), or null.</summary>
    public static string? ClosingMark(string afterSlot)
    {
        ArgumentNullException.ThrowIfNull(afterSlot);
        return afterSlot.Length > 0 && ClosingMarks.Contains(afterSlot[0], StringComparison.Ordinal) ? afterSlot[..1] : null;
    }

    /// <summary>
    /// Judges <paramref name="answer"/> (the answer tokens' pieces, concatenated) against <paramref name="token"/>
    /// (its piece); <paramref name="closing"/> is the template's closing mark (<see cref="ClosingMark"/>), if any.
    /// </summary>
    public static Repetition Judge(ReadOnlySpan<byte> token, ReadOnlySpan<byte> answer, string? closing = null)
    {
        ReadOnlySpan<byte> word = token.TrimStart((byte)' ');
        if (word.IsEmpty) word = token;
        else answer = answer.TrimStart((byte)' ');
        if (word.IsEmpty) return Repetition.Different;
        if (!answer.StartsWith(word)) return word.StartsWith(answer) ? Repetition.TooShort : Repetition.Different;

        ReadOnlySpan<byte> rest = answer[word.Length..];
        if (rest.IsEmpty) return Repetition.Repeated;
        if (closing is not null) return rest.StartsWith(System.Text.Encoding.UTF8.GetBytes(closing)) ? Repetition.Repeated : Repetition.Different;
        return IsWordByte(word[^1]) && IsWordByte(rest[0]) ? Repetition.Different : Repetition.Repeated;
    }

    // Letters and digits, and every byte of a multi-byte UTF-8 character (a word goes on through them).
    private static bool IsWordByte(byte b) => b >= 0x80 || char.IsAsciiLetterOrDigit((char)b);
}
