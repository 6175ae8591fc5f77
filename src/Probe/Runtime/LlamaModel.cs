using System.Runtime.InteropServices;
using System.Text;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Runtime;

/// <summary>A GGUF model loaded by llama.cpp. The file is validated by our own reader first.</summary>
public sealed unsafe class LlamaModel : IDisposable
{
    internal SafeLlamaModelHandle Handle { get; }

    private LlamaModel(SafeLlamaModelHandle handle, string path, bool vocabOnly)
    {
        Handle = handle;
        Path = path;
        IsVocabOnly = vocabOnly;
        Vocabulary = new Vocabulary(handle);
    }

    /// <summary>Full path of the model file.</summary>
    public string Path { get; }
    /// <summary>True when only the vocabulary was loaded.</summary>
    public bool IsVocabOnly { get; }
    /// <summary>The tokenizer.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>
    /// Validates <paramref name="path"/> with the managed GGUF reader, then loads it.
    /// <paramref name="vocabOnly"/> loads just the tokenizer (works for vocab-only files);
    /// otherwise a file without weights is refused with an <see cref="InputException"/>.
    /// </summary>
    public static LlamaModel Load(string path, bool vocabOnly = false)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new InputException($"model file not found: {path}");
        try
        {
            using GgufFile gguf = GgufFile.Open(fullPath);
            if (!vocabOnly && gguf.IsVocabOnly)
            {
                throw new InputException($"'{path}' is a vocabulary-only GGUF (it has no tensors); this command needs a model with weights");
            }
            // Spec-valid, and our reader takes them, but llama.cpp's loader refuses them.
            if (gguf.Metadata.FirstOrDefault(e => e.Value.ElementType == GgufValueType.Array) is { } nested)
            {
                throw new InputException($"'{path}': metadata '{GgufText.Printable(nested.Key)}' is an array of arrays, which llama.cpp v{NativeLibraryLoader.ExpectedVersion} cannot load");
            }
        }
        catch (GgufFormatException e)
        {
            throw new InputException($"'{path}' is not a valid GGUF file: {e.Message}", e);
        }

        LlamaRuntime.Initialize();
        LlamaModelParams parameters = NativeMethods.llama_model_default_params();
        parameters.vocab_only = vocabOnly;
        NativeLog.LastError = null;
        IntPtr handle = NativeMethods.llama_model_load_from_file(fullPath, parameters);
        if (handle == IntPtr.Zero)
        {
            throw new LlamaException($"llama.cpp could not load '{path}': {NativeLog.LastError ?? "no reason given (run with --verbose)"}");
        }
        return new LlamaModel(new SafeLlamaModelHandle(handle), fullPath, vocabOnly);
    }

    /// <summary>Context length the model was trained with.</summary>
    public int TrainingContextLength => NativeMethods.llama_model_n_ctx_train(Handle);
    /// <summary>Embedding width.</summary>
    public int EmbeddingSize => NativeMethods.llama_model_n_embd(Handle);
    /// <summary>Number of layers.</summary>
    public int LayerCount => NativeMethods.llama_model_n_layer(Handle);
    /// <summary>Attention heads.</summary>
    public int HeadCount => NativeMethods.llama_model_n_head(Handle);
    /// <summary>Key/value heads.</summary>
    public int KvHeadCount => NativeMethods.llama_model_n_head_kv(Handle);
    /// <summary>Total parameters.</summary>
    public ulong ParameterCount => NativeMethods.llama_model_n_params(Handle);
    /// <summary>Total tensor bytes.</summary>
    public ulong SizeBytes => NativeMethods.llama_model_size(Handle);
    /// <summary>Whether the model can generate (has a decoder).</summary>
    public bool HasDecoder => NativeMethods.llama_model_has_decoder(Handle);
    /// <summary>Whether the model has an encoder (e.g. T5, BERT).</summary>
    public bool HasEncoder => NativeMethods.llama_model_has_encoder(Handle);

    /// <summary>llama.cpp's one-line description, e.g. "llama ?B all F32".</summary>
    public string Description => ReadString((b, n) => NativeMethods.llama_model_desc(Handle, b, n));

    /// <summary>The file type (quantization) name, e.g. "Q8_0".</summary>
    public string FileTypeName =>
        Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_ftype_name(NativeMethods.llama_model_ftype(Handle))) ?? "?";

    /// <summary>llama.cpp's name of a GGUF <c>general.file_type</c> value, e.g. "Q8_0".</summary>
    public static string FileTypeNameOf(int fileType)
    {
        LlamaRuntime.Initialize();
        return Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_ftype_name(fileType)) ?? "?";
    }

    /// <summary>Scalar metadata as llama.cpp renders it (arrays are summarised by llama.cpp).</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get
        {
            int count = NativeMethods.llama_model_meta_count(Handle);
            var result = new Dictionary<string, string>(count);
            for (int i = 0; i < count; i++)
            {
                string key = ReadString((b, n) => NativeMethods.llama_model_meta_key_by_index(Handle, i, b, n));
                result[key] = ReadString((b, n) => NativeMethods.llama_model_meta_val_str_by_index(Handle, i, b, n));
            }
            return result;
        }
    }

    private delegate int StringReader(byte* buffer, nuint size);

    private static string ReadString(StringReader read)
    {
        int size = 256;
        while (true)
        {
            byte[] buffer = new byte[size];
            int n;
            fixed (byte* b = buffer) n = read(b, (nuint)buffer.Length);
            if (n < 0) return "";
            if (n < size) return Encoding.UTF8.GetString(buffer, 0, n);
            size = n + 1;
        }
    }

    /// <summary>Frees the model (contexts keep it alive until they are freed too).</summary>
    public void Dispose() => Handle.Dispose();
}
