using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Llama)]
    internal static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr llama_model_load_from_file(string path, LlamaModelParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_model_free(IntPtr model);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_head(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_head_kv(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_size(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    internal static partial int llama_model_ftype(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial byte* llama_ftype_name(int ftype);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_model_has_decoder(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_model_has_encoder(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_count(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_key_by_index(SafeLlamaModelHandle model, int index, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_val_str_by_index(SafeLlamaModelHandle model, int index, byte* buffer, nuint bufferSize);

    [LibraryImport(Llama)]
    internal static partial LlamaModelQuantizeParams llama_model_quantize_default_params();

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint llama_model_quantize(string inputPath, string outputPath, LlamaModelQuantizeParams* parameters);
}
