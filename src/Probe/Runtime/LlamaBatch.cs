using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Runtime;

/// <summary>
/// A <c>llama_batch</c> from <c>llama_batch_init</c>, reused across decodes and freed exactly once.
/// Each token belongs to one sequence.
/// </summary>
public sealed unsafe class LlamaBatch : IDisposable
{
    private LlamaBatchNative _native;
    private bool _disposed;

    /// <summary>Allocates room for <paramref name="capacity"/> tokens.</summary>
    public LlamaBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        LlamaRuntime.Initialize();
        _native = NativeMethods.llama_batch_init(capacity, 0, 1);
        if (_native.token == null) throw new LlamaException($"llama_batch_init({capacity}) failed");
        Capacity = capacity;
    }

    /// <summary>Most tokens the batch holds.</summary>
    public int Capacity { get; }

    /// <summary>Tokens currently in the batch.</summary>
    public int Count => _native.n_tokens;

    /// <summary>Number of tokens that request logits.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Empties the batch (keeps its memory).</summary>
    public void Clear()
    {
        _native.n_tokens = 0;
        OutputCount = 0;
    }

    /// <summary>Appends a token; returns its index in the batch (the index to read its logits with).</summary>
    public int Add(int token, int position, int sequenceId, bool wantLogits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int i = _native.n_tokens;
        if (i >= Capacity) throw new InvalidOperationException($"batch is full ({Capacity} tokens)");
        _native.token[i] = token;
        _native.pos[i] = position;
        _native.n_seq_id[i] = 1;
        _native.seq_id[i][0] = sequenceId;
        _native.logits[i] = wantLogits ? (sbyte)1 : (sbyte)0;
        _native.n_tokens = i + 1;
        if (wantLogits) OutputCount++;
        return i;
    }

    /// <summary>Appends a run of tokens of one sequence at consecutive positions; logits only for the last if asked.</summary>
    public void AddSequence(ReadOnlySpan<int> tokens, int firstPosition, int sequenceId, bool logitsForLast)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            Add(tokens[i], firstPosition + i, sequenceId, logitsForLast && i == tokens.Length - 1);
        }
    }

    internal LlamaBatchNative Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _native;
        }
    }

    /// <summary>Frees the native arrays.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Backstop for a forgotten Dispose.</summary>
    ~LlamaBatch() => Free();

    private void Free()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMethods.llama_batch_free(_native);
    }
}
