using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

// Blittable mirrors of the llama.cpp v0.5.0 structs (include/llama.h, ggml/include/ggml.h).
// Field order and types follow the header exactly; NativeLayoutTests compares every offset
// with offsetof() from a C program compiled against that header. In memory a `bool` field is
// one byte (runtime marshalling is off, see AssemblyInfo.cs); [MarshalAs(U1)] makes
// Marshal.OffsetOf/SizeOf describe that same layout.

/// <summary><c>struct llama_model_params</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    public IntPtr devices;
    public IntPtr tensor_buft_overrides;
    public int n_gpu_layers;
    public int split_mode;
    public int load_mode;
    public int lazy_mode;
    public int main_gpu;
    public IntPtr tensor_split;
    public IntPtr progress_callback;
    public IntPtr progress_callback_user_data;
    public IntPtr kv_overrides;
    [MarshalAs(UnmanagedType.U1)] public bool vocab_only;
    [MarshalAs(UnmanagedType.U1)] public bool check_tensors;
    [MarshalAs(UnmanagedType.U1)] public bool use_extra_bufts;
    [MarshalAs(UnmanagedType.U1)] public bool no_host;
    [MarshalAs(UnmanagedType.U1)] public bool no_alloc;
    [MarshalAs(UnmanagedType.U1)] public bool load_mtp;
}

/// <summary><c>struct llama_context_params</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaContextParams
{
    public uint n_ctx;
    public uint n_batch;
    public uint n_ubatch;
    public uint n_seq_max;
    public uint n_rs_seq;
    public uint n_outputs_max;
    public uint n_outputs_max_per_seq;
    public int n_threads;
    public int n_threads_batch;
    public int ctx_type;
    public int rope_scaling_type;
    public int pooling_type;
    public int attention_type;
    public int flash_attn_type;
    public float rope_freq_base;
    public float rope_freq_scale;
    public float yarn_ext_factor;
    public float yarn_attn_factor;
    public float yarn_beta_fast;
    public float yarn_beta_slow;
    public uint yarn_orig_ctx;
    public float defrag_thold;
    public IntPtr cb_eval;
    public IntPtr cb_eval_user_data;
    public int type_k;
    public int type_v;
    public IntPtr abort_callback;
    public IntPtr abort_callback_data;
    [MarshalAs(UnmanagedType.U1)] public bool embeddings;
    [MarshalAs(UnmanagedType.U1)] public bool offload_kqv;
    [MarshalAs(UnmanagedType.U1)] public bool no_perf;
    [MarshalAs(UnmanagedType.U1)] public bool op_offload;
    [MarshalAs(UnmanagedType.U1)] public bool swa_full;
    [MarshalAs(UnmanagedType.U1)] public bool kv_unified;
    public IntPtr samplers;
    public nuint n_samplers;
    public IntPtr ctx_other;
}

/// <summary><c>struct llama_batch</c>: arrays allocated by <c>llama_batch_init</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatchNative
{
    public int n_tokens;
    public int* token;
    public float* embd;
    public int* pos;
    public int* n_seq_id;
    public int** seq_id;
    public sbyte* logits;
}

/// <summary><c>struct llama_model_quantize_params</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelQuantizeParams
{
    public int nthread;
    public int ftype;
    public int output_tensor_type;
    public int token_embedding_type;
    [MarshalAs(UnmanagedType.U1)] public bool allow_requantize;
    [MarshalAs(UnmanagedType.U1)] public bool quantize_output_tensor;
    [MarshalAs(UnmanagedType.U1)] public bool only_copy;
    [MarshalAs(UnmanagedType.U1)] public bool pure;
    [MarshalAs(UnmanagedType.U1)] public bool keep_split;
    [MarshalAs(UnmanagedType.U1)] public bool dry_run;
    public IntPtr imatrix;
    public IntPtr kv_overrides;
    public IntPtr tt_overrides;
    public IntPtr prune_layers;
    public nuint max_buf_size;
}

/// <summary><c>struct ggml_type_traits</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlTypeTraits
{
    public byte* type_name;
    public long blck_size;
    public long blck_size_interleave;
    public nuint type_size;
    [MarshalAs(UnmanagedType.U1)] public bool is_quantized;
    /// <summary><c>void (*)(const void * x, float * y, int64_t k)</c></summary>
    public delegate* unmanaged[Cdecl]<void*, float*, long, void> to_float;
    public IntPtr from_float_ref;
}

/// <summary><c>struct llama_sampler_chain_params</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    [MarshalAs(UnmanagedType.U1)] public bool no_perf;
}
