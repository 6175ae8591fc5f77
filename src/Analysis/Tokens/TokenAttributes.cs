using System.Text;

namespace AnomalyProbe.Analysis.Tokens;

/// <summary><c>enum llama_token_attr</c>: what llama.cpp knows about a vocabulary entry.</summary>
[Flags]
public enum TokenAttributes
{
    /// <summary>No attribute.</summary>
    None = 0,
    Unknown = 1 << 0,
    /// <summary>Unused / padding entry.</summary>
    Unused = 1 << 1,
    Normal = 1 << 2,
    /// <summary>A control (special) token such as BOS/EOS.</summary>
    Control = 1 << 3,
    UserDefined = 1 << 4,
    /// <summary>A byte-fallback token such as &lt;0x0A&gt;.</summary>
    Byte = 1 << 5,
    Normalized = 1 << 6,
    /// <summary>Strips whitespace on the left.</summary>
    LStrip = 1 << 7,
    /// <summary>Strips whitespace on the right.</summary>
    RStrip = 1 << 8,
    /// <summary>Matches only as a single word.</summary>
    SingleWord = 1 << 9,
}

/// <summary>How the CSV files write <see cref="TokenAttributes"/>.</summary>
public static class TokenAttributeNames
{
    private static readonly (TokenAttributes Flag, string Name)[] s_names =
    [
        (TokenAttributes.Unknown, "unknown"), (TokenAttributes.Unused, "unused"), (TokenAttributes.Normal, "normal"),
        (TokenAttributes.Control, "control"), (TokenAttributes.UserDefined, "user_defined"), (TokenAttributes.Byte, "byte"),
        (TokenAttributes.Normalized, "normalized"), (TokenAttributes.LStrip, "lstrip"), (TokenAttributes.RStrip, "rstrip"),
        (TokenAttributes.SingleWord, "single_word"),
    ];

    /// <summary>"control|rstrip": the set flags, lowest bit first (empty for none).</summary>
    public static string Join(TokenAttributes attributes)
    {
        var sb = new StringBuilder();
        foreach (var (flag, name) in s_names)
        {
            if ((attributes & flag) == 0) continue;
            if (sb.Length > 0) sb.Append('|');
            sb.Append(name);
        }
        return sb.ToString();
    }
}
