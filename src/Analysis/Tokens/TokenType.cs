namespace AnomalyProbe.Analysis.Tokens;

/// <summary>The token type, a view of llama.cpp's <see cref="TokenAttributes"/> (the GGUF <c>token_type</c> classes).</summary>
public enum TokenType
{
    /// <summary>No type recorded.</summary>
    Undefined,
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    /// <summary>A byte-fallback token.</summary>
    Byte,
}

/// <summary>The one mapping from attributes to <see cref="TokenType"/>, and the names the CSV files use.</summary>
public static class TokenTypes
{
    /// <summary>The type implied by the attributes; the first of byte, control, unknown, user-defined, unused, normal that is set.</summary>
    public static TokenType FromAttributes(TokenAttributes attributes)
    {
        if (attributes.HasFlag(TokenAttributes.Byte)) return TokenType.Byte;
        if (attributes.HasFlag(TokenAttributes.Control)) return TokenType.Control;
        if (attributes.HasFlag(TokenAttributes.Unknown)) return TokenType.Unknown;
        if (attributes.HasFlag(TokenAttributes.UserDefined)) return TokenType.UserDefined;
        if (attributes.HasFlag(TokenAttributes.Unused)) return TokenType.Unused;
        if (attributes.HasFlag(TokenAttributes.Normal)) return TokenType.Normal;
        return TokenType.Undefined;
    }

    /// <summary>normal, byte, control, unknown, unused, user_defined or undefined.</summary>
    public static string Name(TokenType type) => type switch
    {
        TokenType.UserDefined => "user_defined",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Inverse of <see cref="Name"/>; false for anything else.</summary>
    public static bool TryParse(string name, out TokenType type)
    {
        foreach (TokenType t in Enum.GetValues<TokenType>())
        {
            if (Name(t) == name)
            {
                type = t;
                return true;
            }
        }
        type = default;
        return false;
    }
}
