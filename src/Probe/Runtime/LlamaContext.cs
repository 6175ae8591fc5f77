using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Runtime;

/// <summary>An inference context over a <see cref="LlamaModel"/>: decode batches, read logits, edit the KV memory.</summary>
public sealed unsafe class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle _handle;

    private LlamaContext(SafeLlamaContextHandle handle, LlamaModel model)
    {
        _handle = handle;
        Model = model;
        ContextSize = (int)NativeMethods.llama_n_ctx(handle);
        BatchSize = (int)NativeMethods.llama_n_batch(handle);
        MicroBatchSize = (int)NativeMethods.llama_n_ubatch(handle);
        MaxSequences = (int)NativeMethods.llama_n_seq_max(handle);
        VocabularySize = model.Vocabulary.Count;
    }

    /// <summary>The model.</summary>
    public LlamaModel Model { get; }
    /// <summary>KV cells actually allocated.</summary>
    public int ContextSize { get; }
    /// <summary>Most tokens per decode.</summary>
    public int BatchSize { get; }
    /// <summary>Physical batch size.</summary>
    public int MicroBatchSize { get; }
    /// <summary>Distinct sequences.</summary>
    public int MaxSequences { get; }
    /// <summary>Logits per output row.</summary>
    public int VocabularySize { get; }

    /// <summary>Creates a context. Refuses vocab-only and encoder-only models with an <see cref="InputException"/>.</summary>
    public static LlamaContext Create(LlamaModel model, ContextOptions options)
    {
        if (model.IsVocabOnly) throw new InputException($"'{model.Path}' was loaded vocabulary-only; inference needs the weights");
        if (!model.HasDecoder) throw new InputException($"'{model.Path}' has no decoder (an encoder-only model such as BERT cannot generate)");
        LlamaContextParams p = NativeMethods.llama_context_default_params();
        p.n_ctx = (uint)(options.ContextSize > 0 ? options.ContextSize : model.TrainingContextLength);
        p.n_batch = (uint)options.BatchSize;
        p.n_ubatch = (uint)(options.MicroBatchSize > 0 ? options.MicroBatchSize : options.BatchSize);
        p.n_seq_max = (uint)options.MaxSequences;
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        p.n_threads = threads;
        p.n_threads_batch = threads;
        p.kv_unified = options.UnifiedKv;
        p.n_outputs_max_per_seq = 0; // v0.5.0 defaults to 1 output per sequence; any token may ask for logits here
        p.no_perf = true;
        if (options.FlashAttention is bool flash) p.flash_attn_type = flash ? 1 : 0;
        if (options.Float32Cache) p.type_k = p.type_v = 0; // GGML_TYPE_F32
        NativeLog.LastError = null;
        IntPtr handle = NativeMethods.llama_init_from_model(model.Handle, p);
        if (handle == IntPtr.Zero)
        {
            throw new LlamaException($"llama.cpp could not create a context (n_ctx {p.n_ctx}, n_batch {p.n_batch}, n_seq_max {p.n_seq_max}): {NativeLog.LastError ?? "no reason given"}");
        }
        return new LlamaContext(new SafeLlamaContextHandle(handle, model.Handle), model);
    }

    /// <summary>Decodes a batch. Returns <see cref="DecodeResult.NoKvSlot"/> when the memory is full; throws on anything else.</summary>
    public DecodeResult Decode(LlamaBatch batch)
    {
        if (batch.Count == 0) throw new ArgumentException("cannot decode an empty batch", nameof(batch));
        int code = NativeMethods.llama_decode(_handle, batch.Native);
        return code switch
        {
            0 => DecodeResult.Ok,
            1 => DecodeResult.NoKvSlot,
            2 => throw new OperationCanceledException("llama_decode was aborted"),
            -1 => throw new LlamaException($"llama_decode rejected the batch as invalid: {NativeLog.LastError ?? "no reason given"}"),
            _ => throw new LlamaException($"llama_decode failed with code {code}: {NativeLog.LastError ?? "no reason given"}"),
        };
    }

    /// <summary>Decodes and treats a full memory as an error.</summary>
    public void DecodeOrThrow(LlamaBatch batch)
    {
        if (Decode(batch) == DecodeResult.NoKvSlot)
        {
            throw new LlamaException($"the context is full ({ContextSize} cells): no KV slot for a batch of {batch.Count} tokens");
        }
    }

    /// <summary>
    /// The logits of the token at <paramref name="batchIndex"/> of the last decoded batch (it must have
    /// requested logits). Valid until the next decode; read it, do not keep it.
    /// </summary>
    public ReadOnlySpan<float> GetLogits(int batchIndex) => new(LogitsAddress(batchIndex), VocabularySize);

    /// <summary>
    /// Address of a logits row, for reading several rows on several threads (llama_get_logits_ith
    /// itself is not thread-safe; the rows are, once fetched). Same validity as <see cref="GetLogits"/>.
    /// </summary>
    internal float* LogitsAddress(int batchIndex)
    {
        float* row = NativeMethods.llama_get_logits_ith(_handle, batchIndex);
        if (row == null) throw new LlamaException($"no logits for batch index {batchIndex} (was it marked for output?)");
        return row;
    }

    /// <summary>Empties the KV memory of every sequence.</summary>
    public void ClearMemory() => NativeMethods.llama_memory_clear(Memory(), true);

    /// <summary>Removes a sequence's cells with positions in [p0, p1) (negative = open end).</summary>
    public bool RemoveSequence(int sequenceId, int p0 = -1, int p1 = -1) =>
        NativeMethods.llama_memory_seq_rm(Memory(), sequenceId, p0, p1);

    /// <summary>Makes <paramref name="destination"/> share the cells of <paramref name="source"/> in [p0, p1).</summary>
    public void CopySequence(int source, int destination, int p0 = -1, int p1 = -1) =>
        NativeMethods.llama_memory_seq_cp(Memory(), source, destination, p0, p1);

    /// <summary>Largest position stored for a sequence, or -1 when it is empty.</summary>
    public int SequenceMaxPosition(int sequenceId) => NativeMethods.llama_memory_seq_pos_max(Memory(), sequenceId);

    /// <summary>Sets the CPU threads used for decoding.</summary>
    public void SetThreads(int threads) => NativeMethods.llama_set_n_threads(_handle, threads, threads);

    private IntPtr Memory()
    {
        IntPtr memory = NativeMethods.llama_get_memory(_handle);
        if (memory == IntPtr.Zero) throw new LlamaException("the context has no memory");
        return memory;
    }

    internal SafeLlamaContextHandle Handle => _handle;

    /// <summary>Frees the context.</summary>
    public void Dispose() => _handle.Dispose();
}
