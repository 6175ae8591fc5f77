namespace AnomalyProbe.Probe.Gguf;

// The members are the GGUF spec's type names (GGUF_TYPE_UINT8, ...), which read best in
// messages ("Array of String"); renaming them to dodge CA1720 would only obscure that.
#pragma warning disable CA1720 // Identifier contains type name

/// <summary>Types of GGUF metadata values, with their ids in the file.</summary>
public enum GgufValueType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 1,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 2,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 3,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 4,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 5,
    /// <summary>32-bit IEEE float.</summary>
    Float32 = 6,
    /// <summary>Boolean stored as one byte, 0 or 1.</summary>
    Bool = 7,
    /// <summary>Length-prefixed byte string, normally UTF-8.</summary>
    String = 8,
    /// <summary>Typed array (element type, count, elements).</summary>
    Array = 9,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 10,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 11,
    /// <summary>64-bit IEEE float.</summary>
    Float64 = 12,
}

#pragma warning restore CA1720
