namespace AnomalyProbe.Analysis.Tokenizers;

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
