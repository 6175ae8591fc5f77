namespace AnomalyProbe.Probe.Native;

/// <summary>
/// A batch of tokens for one <c>llama_decode</c> (LLamaSharp's <see cref="LLama.Native.LLamaBatch"/>,
/// managed arrays pinned only while a decode runs), with a fixed capacity: the context's batch size.
/// Each token belongs to one sequence.
/// </summary>
public sealed class LlamaBatch
{
    private readonly LLama.Native.LLamaBatch _native = new();

    /// <summary>Room for <paramref name="capacity"/> tokens.</summary>
    public LlamaBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most tokens the batch holds.</summary>
    public int Capacity { get; }

    /// <summary>Tokens currently in the batch.</summary>
    public int Count => _native.TokenCount;

    /// <summary>Number of tokens that request logits.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Empties the batch (keeps its memory).</summary>
    public void Clear()
    {
        _native.Clear();
        OutputCount = 0;
    }

    /// <summary>Appends a token; returns its index in the batch (the index to read its logits with).</summary>
    public int Add(TokenId token, Position position, SequenceId sequence, bool wantLogits)
    {
        if (Count >= Capacity) throw new InvalidOperationException($"batch is full ({Capacity} tokens)");
        if (wantLogits) OutputCount++;
        return _native.Add(token.Value, position.Value, (LLama.Native.LLamaSeqId)sequence.Value, wantLogits);
    }

    /// <summary>Appends a run of tokens of one sequence at consecutive positions; logits only for the last if asked. Returns the last one's index.</summary>
    public int AddSequence(ReadOnlySpan<int> tokens, Position first, SequenceId sequence, bool logitsForLast)
    {
        int last = -1;
        for (int i = 0; i < tokens.Length; i++)
        {
            last = Add(new TokenId(tokens[i]), first + i, sequence, logitsForLast && i == tokens.Length - 1);
        }
        return last;
    }

    internal LLama.Native.LLamaBatch Native => _native;
}
