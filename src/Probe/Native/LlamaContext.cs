using System.Runtime.InteropServices;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>An inference context over a <see cref="LlamaModel"/>: decode batches, read logits, edit the KV memory.</summary>
public sealed unsafe class LlamaContext : IDisposable
{
    private readonly SafeLLamaContextHandle _handle;

    private LlamaContext(SafeLLamaContextHandle handle, LlamaModel model)
    {
        _handle = handle;
        Model = model;
        ContextSize = (int)handle.ContextSize;
        BatchSize = (int)handle.BatchSize;
        MicroBatchSize = (int)handle.UBatchSize;
        MaxSequences = (int)handle.MaxSeq;
        VocabularySize = model.Vocabulary.Count;
    }

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
        LLamaContextParams p = LLamaContextParams.Default();
        p.n_ctx = (uint)(options.ContextSize > 0 ? options.ContextSize : model.TrainingContextLength);
        p.n_batch = (uint)options.BatchSize;
        p.n_ubatch = (uint)(options.MicroBatchSize > 0 ? options.MicroBatchSize : options.BatchSize);
        p.n_seq_max = (uint)options.MaxSequences;
        int threads = ThreadCount.Resolve(options.Threads);
        p.n_threads = threads;
        p.n_threads_batch = threads;
        p.kv_unified = options.UnifiedKv;
        p.no_perf = true;
        if (options.FlashAttention is bool flash)
        {
            p.llama_flash_attn_type = flash ? LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_ENABLED : LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED;
        }
        if (options.Float32Cache) p.type_k = p.type_v = GGMLType.GGML_TYPE_F32;
        NativeLog.ResetErrors();
        try
        {
            return new LlamaContext(SafeLLamaContextHandle.Create(model.Handle, p), model);
        }
        catch (LLama.Exceptions.RuntimeError)
        {
            throw new LlamaException($"llama.cpp could not create a context (n_ctx {p.n_ctx}, n_batch {p.n_batch}, n_seq_max {p.n_seq_max}): {NativeLog.LastError ?? "no reason given"}");
        }
    }

    /// <summary>Decodes a batch. Returns <see cref="DecodeResult.NoKvSlot"/> when the memory is full; throws on anything else.</summary>
    public DecodeResult Decode(LlamaBatch batch)
    {
        if (batch.Count == 0) throw new ArgumentException("cannot decode an empty batch", nameof(batch));
        NativeLog.ResetErrors();
        LLama.Native.DecodeResult code = _handle.Decode(batch.Native);
        return code switch
        {
            LLama.Native.DecodeResult.Ok => DecodeResult.Ok,
            LLama.Native.DecodeResult.NoKvSlot => DecodeResult.NoKvSlot,
            LLama.Native.DecodeResult.ComputeAborted => throw new OperationCanceledException("llama_decode was aborted"),
            LLama.Native.DecodeResult.InvalidInputBatch => throw new LlamaException($"llama_decode rejected the batch as invalid: {NativeLog.LastError ?? "no reason given"}"),
            _ => throw new LlamaException($"llama_decode failed with code {(int)code}: {NativeLog.LastError ?? "no reason given"}"),
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
    /// Address of a logits row, for reading several rows on several threads (fetching a row is not
    /// thread-safe in llama.cpp; reading it is). Same validity as <see cref="GetLogits"/>.
    /// </summary>
    internal float* LogitsAddress(int batchIndex)
    {
        Span<float> row;
        try
        {
            row = _handle.GetLogitsIth(batchIndex);
        }
        catch (LLama.Exceptions.GetLogitsInvalidIndexException)
        {
            throw new LlamaException($"no logits for batch index {batchIndex} (was it marked for output?)");
        }
        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(row));
    }

    /// <summary>Empties the KV memory of every sequence.</summary>
    public void ClearMemory() => _handle.MemoryClear(true);

    /// <summary>Removes all of a sequence's cells.</summary>
    public void RemoveSequence(SequenceId sequence) => _handle.MemorySequenceRemove((LLamaSeqId)sequence.Value, -1, -1);

    /// <summary>Removes a sequence's cells at <paramref name="from"/> and later positions.</summary>
    public void RemoveSequenceFrom(SequenceId sequence, Position from) =>
        _handle.MemorySequenceRemove((LLamaSeqId)sequence.Value, from.Value, -1);

    /// <summary>
    /// Gives <paramref name="destination"/> all the cells of <paramref name="source"/>: shared cells in a
    /// unified memory, a copy of the source's stream (applied at the next decode) otherwise.
    /// </summary>
    public void CopySequence(SequenceId source, SequenceId destination) =>
        _handle.MemorySequenceCopy((LLamaSeqId)source.Value, (LLamaSeqId)destination.Value, -1, -1);

    /// <summary>
    /// Decodes <paramref name="tokens"/> into <paramref name="sequence"/> from position 0, in chunks of the
    /// batch size, on whatever the memory holds (clear it first for a fresh prompt). With
    /// <paramref name="logitsForLast"/> the last token's logits are readable at the returned batch index
    /// (until the next decode); otherwise it returns -1.
    /// </summary>
    public int DecodePrompt(IReadOnlyList<int> tokens, SequenceId sequence, bool logitsForLast)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _promptBatch ??= new LlamaBatch(BatchSize);
        int last = -1;
        for (int start = 0; start < tokens.Count; start += BatchSize)
        {
            _promptBatch.Clear();
            int end = Math.Min(tokens.Count, start + BatchSize);
            for (int i = start; i < end; i++)
            {
                int index = _promptBatch.Add(new TokenId(tokens[i]), new Position(i), sequence, logitsForLast && i == tokens.Count - 1);
                if (i == tokens.Count - 1 && logitsForLast) last = index;
            }
            DecodeOrThrow(_promptBatch);
        }
        return last;
    }

    private LlamaBatch? _promptBatch;

    internal SafeLLamaContextHandle Handle => _handle;

    /// <summary>Frees the context.</summary>
    public void Dispose() => _handle.Dispose();
}
