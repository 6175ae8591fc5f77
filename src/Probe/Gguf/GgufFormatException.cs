namespace AnomalyProbe.Probe.Gguf;

/// <summary>A GGUF file is malformed or violates a rule llama.cpp relies on.</summary>
public sealed class GgufFormatException : Exception
{
    /// <summary>Creates the exception with a one-line message and the file offset of the offending bytes.</summary>
    public GgufFormatException(string message, long offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>Creates the exception with no known offset (<see cref="Offset"/> is -1).</summary>
    public GgufFormatException()
        : this("malformed GGUF file", -1)
    {
    }

    /// <summary>Creates the exception with no known offset (<see cref="Offset"/> is -1).</summary>
    public GgufFormatException(string message)
        : this(message, -1)
    {
    }

    /// <summary>Creates the exception with no known offset (<see cref="Offset"/> is -1).</summary>
    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
    }

    /// <summary>Byte offset in the file where the problem was found, or -1 when unknown.</summary>
    public long Offset { get; }
}
