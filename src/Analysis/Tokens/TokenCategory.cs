using System.Text.RegularExpressions;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tokens;

/// <summary>
/// What a vocabulary entry is, for a glitch-token hunt. Exactly one category per token, chosen by
/// the first rule that applies in <see cref="TokenCategories.Priority"/> order.
/// </summary>
public enum TokenCategory
{
    /// <summary>An ordinary token that plain text can produce, with complete UTF-8 bytes.</summary>
    Normal,
    /// <summary>A control or unknown token (BOS, EOS, &lt;unk&gt;, chat markers): never produced from plain text.</summary>
    Special,
    /// <summary>A SentencePiece byte-fallback token &lt;0xNN&gt;, whatever its round trip.</summary>
    ByteFallback,
    /// <summary>An unused, reserved, placeholder or padding slot (by attribute or by its name).</summary>
    Unused,
    /// <summary>An ordinary token that no tried text produces (see the audit's reachability search).</summary>
    Unreachable,
    /// <summary>A reachable ordinary token whose bytes are only part of a UTF-8 character.</summary>
    PartialUtf8,
}

/// <summary>
/// The category rules, in priority order (the first that applies wins):
/// <list type="number">
/// <item><b>byte_fallback</b>: token type <c>byte</c> (SentencePiece &lt;0xNN&gt;), whatever its round trip.</item>
/// <item><b>unused</b>: token type <c>unused</c>, or a name that marks a reserved slot — <c>[PAD]</c>,
/// <c>[PAD32011]</c>, <c>[unused3]</c>, <c>&lt;pad&gt;</c>, <c>&lt;|padding|&gt;</c>, <c>&lt;|placeholder1|&gt;</c>,
/// <c>&lt;|reserved_special_token_7|&gt;</c>, <c>&lt;unused12&gt;</c>, <c>&lt;|extratoken_1|&gt;</c>, <c>madeupword0</c> —
/// even when it is also a control token: a reserved row is a likely untrained one, which is what a
/// glitch hunt wants to know.</item>
/// <item><b>special</b>: token type <c>control</c> or <c>unknown</c>. Control tokens are never produced
/// from plain text (parse_special is off), so they are special, not unreachable.</item>
/// <item><b>unreachable</b>: no tried text produces the token (its bytes' round trip fails and no
/// neighbour context finds it; tokens whose bytes can never occur in valid UTF-8 are unreachable).</item>
/// <item><b>partial_utf8</b>: reachable, but its bytes are only part of a UTF-8 character.</item>
/// <item><b>normal</b>: everything else.</item>
/// </list>
/// </summary>
public static partial class TokenCategories
{
    /// <summary>The categories in the order their rules are tried.</summary>
    public static IReadOnlyList<TokenCategory> Priority { get; } =
    [
        TokenCategory.ByteFallback, TokenCategory.Unused, TokenCategory.Special,
        TokenCategory.Unreachable, TokenCategory.PartialUtf8, TokenCategory.Normal,
    ];

    /// <summary>The category of a token from its facts; see the class remarks for the rules.</summary>
    /// <param name="type">The token type.</param>
    /// <param name="text">The vocabulary's spelling of the token.</param>
    /// <param name="utf8">Whether the token's bytes are UTF-8 on their own.</param>
    /// <param name="reachable">Whether some tried text produces the token.</param>
    public static TokenCategory Classify(TokenType type, string text, Utf8Status utf8, bool reachable)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (type == TokenType.Byte) return TokenCategory.ByteFallback;
        if (type == TokenType.Unused || IsPlaceholderText(text)) return TokenCategory.Unused;
        if (type is TokenType.Control or TokenType.Unknown) return TokenCategory.Special;
        if (!reachable) return TokenCategory.Unreachable;
        if (utf8 != Utf8Status.Valid) return TokenCategory.PartialUtf8;
        return TokenCategory.Normal;
    }

    /// <summary>Whether a token's name marks a reserved, placeholder or padding slot (case-insensitive, whole text).</summary>
    public static bool IsPlaceholderText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PlaceholderPattern().IsMatch(text);
    }

    /// <summary>The name written in the CSV files: normal, special, byte_fallback, unused, unreachable, partial_utf8.</summary>
    public static string Name(TokenCategory category) => category switch
    {
        TokenCategory.Normal => "normal",
        TokenCategory.Special => "special",
        TokenCategory.ByteFallback => "byte_fallback",
        TokenCategory.Unused => "unused",
        TokenCategory.Unreachable => "unreachable",
        TokenCategory.PartialUtf8 => "partial_utf8",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown category"),
    };

    /// <summary>Inverse of <see cref="Name"/>; false for anything else.</summary>
    public static bool TryParse(string name, out TokenCategory category)
    {
        foreach (TokenCategory c in Priority)
        {
            if (Name(c) == name)
            {
                category = c;
                return true;
            }
        }
        category = default;
        return false;
    }

    [GeneratedRegex(
        @"^(?:\[(?:pad|unused)\d*\]" +
        @"|<\|?(?:pad|padding|unused_?\d*|placeholder_?\d*|reserved[a-z_]*\d*|extratoken_?\d+|dummy_?\d+)\|?>" +
        @"|madeupword\d+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();
}
