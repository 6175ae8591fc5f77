namespace AnomalyProbe.Probe.Native;

/// <summary>A token id, as a batch takes it (so a position or sequence cannot be passed in its place).</summary>
public readonly record struct TokenId(int Value);

/// <summary>A position in a sequence.</summary>
public readonly record struct Position(int Value)
{
    public static Position operator +(Position position, int offset) => new(position.Value + offset);

    /// <summary>The same as <c>+</c>, for languages without operators.</summary>
    public Position Add(int offset) => this + offset;
}

/// <summary>A sequence of the KV memory (the batch runner's prefix is sequence 0, its probes 1..B).</summary>
public readonly record struct SequenceId(int Value)
{
    public static SequenceId First => new(0);
}
