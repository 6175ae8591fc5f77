using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tokens;

/// <summary>
/// What one vocabulary entry is — the one model every part of the tool asks. The facts are what
/// llama.cpp says (attributes, spelling, rendered bytes); the type, the audit's category and the
/// <c>--vocab-filter</c> classes are views of them, by the rules in <see cref="TokenTypes"/>,
/// <see cref="TokenCategories"/> and <see cref="TokenClasses"/>.
/// </summary>
/// <param name="Attributes">llama.cpp's attribute flags.</param>
/// <param name="Text">The vocabulary's own spelling (e.g. "▁the", "Ġthe", "&lt;0x0A&gt;").</param>
/// <param name="Piece">The bytes the token renders to as text (control tokens render empty).</param>
public sealed record TokenFacts(TokenAttributes Attributes, string Text, byte[] Piece)
{
    public TokenType Type => TokenTypes.FromAttributes(Attributes);

    /// <summary>Whether <see cref="Piece"/> is UTF-8 on its own.</summary>
    public Utf8Status Utf8 => PieceText.ClassifyUtf8(Piece);

    /// <summary>The audit's category, given whether some text produces the token (the audit's reachability search).</summary>
    public TokenCategory Category(bool reachable) => TokenCategories.Classify(Type, Text, Utf8, reachable);

    /// <summary>Whether the token belongs to a <c>--vocab-filter</c> class.</summary>
    public bool IsIn(TokenClass tokenClass) => TokenClasses.Contains(tokenClass, this);
}
