using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Runtime;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>The default parameter structs come back with llama.cpp's documented defaults, so no field is shifted.</summary>
public sealed class NativeDefaultsTests
{
    public NativeDefaultsTests() => LlamaRuntime.Initialize();

    [Fact]
    public void ContextDefaults()
    {
        LlamaContextParams p = NativeMethods.llama_context_default_params();
        Assert.Equal(512u, p.n_ctx);
        Assert.Equal(2048u, p.n_batch);
        Assert.Equal(512u, p.n_ubatch);
        Assert.Equal(1u, p.n_seq_max);
        Assert.Equal(0u, p.n_rs_seq);
        Assert.Equal(0u, p.n_outputs_max);
        Assert.Equal(1u, p.n_outputs_max_per_seq);
        Assert.Equal(4, p.n_threads);
        Assert.Equal(4, p.n_threads_batch);
        Assert.Equal(0, p.ctx_type);
        Assert.Equal(-1, p.rope_scaling_type);
        Assert.Equal(-1, p.pooling_type);
        Assert.Equal(-1, p.attention_type);
        Assert.Equal(-1, p.flash_attn_type);
        Assert.Equal(0f, p.rope_freq_base);
        Assert.Equal(0f, p.rope_freq_scale);
        Assert.Equal(-1f, p.yarn_ext_factor);
        Assert.Equal(-1f, p.yarn_attn_factor);
        Assert.Equal(-1f, p.yarn_beta_fast);
        Assert.Equal(-1f, p.yarn_beta_slow);
        Assert.Equal(0u, p.yarn_orig_ctx);
        Assert.Equal(-1f, p.defrag_thold);
        Assert.Equal(IntPtr.Zero, p.cb_eval);
        Assert.Equal(1, p.type_k); // GGML_TYPE_F16
        Assert.Equal(1, p.type_v);
        Assert.Equal(IntPtr.Zero, p.abort_callback);
        Assert.False(p.embeddings);
        Assert.True(p.offload_kqv);
        Assert.True(p.no_perf);
        Assert.True(p.op_offload);
        Assert.True(p.swa_full);
        Assert.False(p.kv_unified);
        Assert.Equal(IntPtr.Zero, p.samplers);
        Assert.Equal(0u, p.n_samplers);
        Assert.Equal(IntPtr.Zero, p.ctx_other);
    }

    [Fact]
    public void ModelDefaults()
    {
        LlamaModelParams p = NativeMethods.llama_model_default_params();
        Assert.Equal(IntPtr.Zero, p.devices);
        Assert.Equal(IntPtr.Zero, p.tensor_buft_overrides);
        Assert.Equal(-1, p.n_gpu_layers);
        Assert.Equal(1, p.split_mode);  // LLAMA_SPLIT_MODE_LAYER
        Assert.Equal(-1, p.load_mode);  // LLAMA_LOAD_MODE_AUTO
        Assert.Equal(1, p.lazy_mode);   // LLAMA_LAZY_MODE_AUTO
        Assert.Equal(0, p.main_gpu);
        Assert.Equal(IntPtr.Zero, p.tensor_split);
        Assert.Equal(IntPtr.Zero, p.progress_callback);
        Assert.Equal(IntPtr.Zero, p.kv_overrides);
        Assert.False(p.vocab_only);
        Assert.False(p.check_tensors);
        Assert.True(p.use_extra_bufts);
        Assert.False(p.no_host);
        Assert.False(p.no_alloc);
        Assert.False(p.load_mtp);
    }

    [Fact]
    public void QuantizeDefaults()
    {
        LlamaModelQuantizeParams p = NativeMethods.llama_model_quantize_default_params();
        Assert.Equal(0, p.nthread);
        Assert.Equal(7, p.ftype);                 // LLAMA_FTYPE_MOSTLY_Q8_0
        Assert.Equal(43, p.output_tensor_type);   // GGML_TYPE_COUNT
        Assert.Equal(43, p.token_embedding_type);
        Assert.False(p.allow_requantize);
        Assert.True(p.quantize_output_tensor);
        Assert.False(p.only_copy);
        Assert.False(p.pure);
        Assert.False(p.keep_split);
        Assert.False(p.dry_run);
        Assert.Equal(IntPtr.Zero, p.imatrix);
        Assert.Equal(IntPtr.Zero, p.prune_layers);
        Assert.Equal(8ul << 30, (ulong)p.max_buf_size); // the documented 8 GiB default
    }

    [Fact]
    public void TypeTraitsOfF32AndQ8_0()
    {
        unsafe
        {
            GgmlTypeTraits* f32 = NativeMethods.ggml_get_type_traits(0);
            Assert.Equal(1, f32->blck_size);
            Assert.Equal(4u, (uint)f32->type_size);
            Assert.False(f32->is_quantized);
            GgmlTypeTraits* q8 = NativeMethods.ggml_get_type_traits(8);
            Assert.Equal(32, q8->blck_size);
            Assert.Equal(34u, (uint)q8->type_size);
            Assert.True(q8->is_quantized);
            Assert.Equal("q8_0", System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)q8->type_name));
        }
    }
}
