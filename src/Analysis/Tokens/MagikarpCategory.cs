namespace AnomalyProbe.Analysis.Tokens;

/// <summary>
/// The coarser categories of Magikarp's published tokenizer tables (Land &amp; Bartolo 2024), so an
/// audit's counts can be set beside theirs. They differ from <see cref="TokenCategory"/> in one
/// place that matters: a vocabulary's byte tokens are <b>bytes</b> — SentencePiece's &lt;0xNN&gt;
/// fallbacks where it has them, else (a byte-level BPE) its single-byte tokens, including those
/// that are partial UTF-8 or can never occur in UTF-8 (0xC0, 0xC1, 0xF5–0xFF), which the finer
/// categories call partial_utf8 and unreachable.
/// </summary>
public enum MagikarpCategory
{
    /// <summary>Everything else.</summary>
    Normal,

    /// <summary>Control, unknown and unused/reserved tokens.</summary>
    Special,

    /// <summary>A byte-fallback token, or in a vocabulary without them a token of one byte.</summary>
    Bytes,

    /// <summary>A multi-byte ordinary token no tried text produces.</summary>
    Unreachable,

    /// <summary>A reachable multi-byte token that is only part of a UTF-8 character.</summary>
    PartialUtf8,
}

/// <summary>The rule and names of <see cref="MagikarpCategory"/>.</summary>
public static class MagikarpCategories
{
    /// <summary>The categories in the order audit.md lists them.</summary>
    public static IReadOnlyList<MagikarpCategory> Order { get; } =
        [MagikarpCategory.Special, MagikarpCategory.Bytes, MagikarpCategory.Unreachable, MagikarpCategory.PartialUtf8, MagikarpCategory.Normal];

    /// <summary>
    /// From the fine category and the token's length in bytes: special (special or unused) &gt; bytes
    /// (byte_fallback; one byte when <paramref name="singleBytesAreBytes"/>, i.e. the vocabulary has no
    /// byte-fallback tokens, see <see cref="SingleBytesAreBytes"/>) &gt; the fine category.
    /// </summary>
    public static MagikarpCategory Classify(TokenCategory fine, int byteLength, bool singleBytesAreBytes) => fine switch
    {
        TokenCategory.Special or TokenCategory.Unused => MagikarpCategory.Special,
        TokenCategory.ByteFallback => MagikarpCategory.Bytes,
        _ when byteLength == 1 && singleBytesAreBytes => MagikarpCategory.Bytes,
        TokenCategory.Unreachable => MagikarpCategory.Unreachable,
        TokenCategory.PartialUtf8 => MagikarpCategory.PartialUtf8,
        _ => MagikarpCategory.Normal,
    };

    /// <summary>
    /// Whether a vocabulary's single-byte tokens are its byte tokens: true without byte-fallback
    /// tokens (a byte-level BPE's base alphabet), false with them (SentencePiece: "a" is a piece).
    /// </summary>
    public static bool SingleBytesAreBytes(IEnumerable<TokenCategory> categories) => !categories.Contains(TokenCategory.ByteFallback);

    /// <summary>The name written in audit.csv and audit.md.</summary>
    public static string Name(MagikarpCategory category) => category switch
    {
        MagikarpCategory.Normal => "normal",
        MagikarpCategory.Special => "special",
        MagikarpCategory.Bytes => "bytes",
        MagikarpCategory.Unreachable => "unreachable",
        MagikarpCategory.PartialUtf8 => "partial_utf8",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown category"),
    };
}
