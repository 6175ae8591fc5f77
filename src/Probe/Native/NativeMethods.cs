using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// The few C functions LLamaSharp 0.30.0 does not expose or keeps internal, bound to the very
/// libraries LLamaSharp loaded: the library names are logical and only <see cref="NativeLibraries"/>
/// resolves them (to the handles of the files LLamaSharp opened), so nothing here can bind to
/// another copy of llama.cpp on the system search path.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Llama = "anomalyprobe:llama";
    internal const string Ggml = "anomalyprobe:ggml";
    internal const string GgmlBase = "anomalyprobe:ggml-base";
    internal const string Libc = "anomalyprobe:libc";

    // --- libllama: the vocabulary at the byte level (LLamaSharp's own getters are internal) ---

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_model_get_vocab(IntPtr model);

    [LibraryImport(Llama)]
    internal static partial byte* llama_vocab_get_text(IntPtr vocab, int token);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_get_add_sep(IntPtr vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_tokenize(IntPtr vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama)]
    internal static partial int llama_detokenize(IntPtr vocab, int* tokens, int tokenCount, byte* text, int maxLength,
        [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);

    /// <summary>Bound here because LLamaSharp's binding frees the static string it returns (a crash).</summary>
    [LibraryImport(Llama)]
    internal static partial byte* llama_ftype_name(int fileType);

    // --- libggml-base: identity of the build, dequantization ---

    [LibraryImport(GgmlBase)]
    internal static partial byte* ggml_version();

    [LibraryImport(GgmlBase)]
    internal static partial byte* ggml_commit();

    [LibraryImport(GgmlBase)]
    internal static partial GgmlTypeTraits* ggml_get_type_traits(int type);

    /// <summary>
    /// Replaces ggml's abort handler (print + gdb backtrace) for GGML_ASSERT/GGML_ABORT; ggml still
    /// calls abort() when the callback returns, so ours never returns. Returns the previous callback.
    /// </summary>
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_set_abort_callback(delegate* unmanaged[Cdecl]<byte*, void> callback);

    // --- the C library: leaving at once from a native abort, and ggml's own environment switches ---

    /// <summary>Ends the process now: no atexit handlers, no finalizers (nothing of ours is left unwritten; see NativeAborts).</summary>
    [LibraryImport(Libc, EntryPoint = "_exit")]
    internal static partial void exit_immediately(int status);

    /// <summary>setenv(3): the native environment, which .NET's Environment.SetEnvironmentVariable does not change on Unix.</summary>
    [LibraryImport(Libc, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int setenv(string name, string value, int overwrite);

    // --- libggml: what the backends found ---

    [LibraryImport(Ggml)]
    internal static partial nuint ggml_backend_dev_count();

    [LibraryImport(Ggml)]
    internal static partial IntPtr ggml_backend_dev_get(nuint index);

    [LibraryImport(Ggml)]
    internal static partial byte* ggml_backend_dev_name(IntPtr device);

    [LibraryImport(Ggml)]
    internal static partial byte* ggml_backend_dev_description(IntPtr device);

    /// <summary><c>enum ggml_backend_dev_type</c>: 0 CPU, 1 GPU, 2 integrated GPU, 3 accelerator.</summary>
    [LibraryImport(Ggml)]
    internal static partial int ggml_backend_dev_type(IntPtr device);
}

/// <summary>
/// <c>struct ggml_type_traits</c> (ggml/include/ggml.h). Not in any header the packages ship;
/// NativeDefaultsTests pins its layout by the values ggml reports for F32 and Q8_0.
/// </summary>
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
