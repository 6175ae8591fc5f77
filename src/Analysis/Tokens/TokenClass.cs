using System.Text;
using System.Text.RegularExpressions;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tokens;

/// <summary>A class of tokens sampling can be restricted to (<c>--vocab-filter</c>).</summary>
public enum TokenClass
{
    /// <summary>Word tokens: one optional leading space, then letters only (any script, with combining marks).</summary>
    Alpha,
    /// <summary>Text tokens whose bytes are all printable ASCII, space, tab or newline.</summary>
    Ascii,
    /// <summary>Everything but byte tokens: SentencePiece &lt;0xNN&gt; fallbacks and pieces that are not UTF-8 on their own.</summary>
    NoBytes,
    /// <summary>Everything but control, unknown and unused/reserved tokens.</summary>
    NoSpecial,
}

/// <summary>
/// Which tokens belong to a <see cref="TokenClass"/>, from the token's type, vocabulary text and the
/// bytes it renders to, through the audit's <see cref="TokenCategories"/>: "bytes" are the byte_fallback
/// and partial_utf8 categories, "special" the special and unused ones. <c>alpha</c> and <c>ascii</c>
/// describe text, so they admit only normal tokens (a &lt;0x41&gt; renders "A" but is not a word).
/// </summary>
public static partial class TokenClasses
{
    /// <summary>The command-line names, in <see cref="TokenClass"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["alpha", "ascii", "no-bytes", "no-special"];

    /// <summary>The command-line name of a class.</summary>
    public static string Name(TokenClass tokenClass) => Names[(int)tokenClass];

    /// <summary>Parses a command-line name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string name, out TokenClass tokenClass)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                tokenClass = (TokenClass)i;
                return true;
            }
        }
        tokenClass = default;
        return false;
    }

    /// <summary>Whether a token belongs to <paramref name="tokenClass"/> (placeholder names such as &lt;unused3&gt; count as unused).</summary>
    public static bool Contains(TokenClass tokenClass, TokenFacts token)
    {
        ArgumentNullException.ThrowIfNull(token);
        // The audit's category rules, reachability aside (a class is about what a token is, not how text reaches it).
        TokenCategory category = token.Category(reachable: true);
        ReadOnlySpan<byte> piece = token.Piece;
        bool isText = category == TokenCategory.Normal && !piece.IsEmpty;
        return tokenClass switch
        {
            TokenClass.NoBytes => category is not (TokenCategory.ByteFallback or TokenCategory.PartialUtf8),
            TokenClass.NoSpecial => category is not (TokenCategory.Special or TokenCategory.Unused),
            TokenClass.Ascii => isText && IsAsciiText(piece),
            TokenClass.Alpha => isText && WordPattern().IsMatch(Encoding.UTF8.GetString(piece)),
            _ => throw new ArgumentOutOfRangeException(nameof(tokenClass), tokenClass, "unknown token class"),
        };
    }

    private static bool IsAsciiText(ReadOnlySpan<byte> piece)
    {
        foreach (byte b in piece)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        }
        return true;
    }

    [GeneratedRegex(@"^ ?(?:\p{L}\p{M}*)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
