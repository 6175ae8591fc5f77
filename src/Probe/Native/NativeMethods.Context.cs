using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Llama)]
    internal static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_free(IntPtr context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_batch(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ubatch(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_seq_max(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial void llama_set_n_threads(SafeLlamaContextHandle context, int threads, int threadsBatch);

    [LibraryImport(Llama)]
    internal static partial LlamaBatchNative llama_batch_init(int tokens, int embd, int seqMax);

    [LibraryImport(Llama)]
    internal static partial void llama_batch_free(LlamaBatchNative batch);

    [LibraryImport(Llama)]
    internal static partial int llama_decode(SafeLlamaContextHandle context, LlamaBatchNative batch);

    [LibraryImport(Llama)]
    internal static partial float* llama_get_logits_ith(SafeLlamaContextHandle context, int index);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_get_memory(SafeLlamaContextHandle context);
}
