using AnomalyProbe.Probe.Gguf;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>A GGUF model loaded by llama.cpp (through LLamaSharp). The file is validated by our own reader first.</summary>
public sealed class LlamaModel : IDisposable
{
    internal SafeLlamaModelHandle Handle { get; }

    private LlamaModel(SafeLlamaModelHandle handle, string path, bool vocabOnly, int gpuLayers)
    {
        Handle = handle;
        Path = path;
        IsVocabOnly = vocabOnly;
        GpuLayers = gpuLayers;
        Vocabulary = new Vocabulary(handle);
    }

    /// <summary>Full path of the model file.</summary>
    public string Path { get; }
    /// <summary>True when only the vocabulary was loaded.</summary>
    public bool IsVocabOnly { get; }
    /// <summary>Layers offloaded to a GPU (0 on CPU).</summary>
    public int GpuLayers { get; }
    /// <summary>The tokenizer.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>
    /// Validates <paramref name="path"/> with the managed GGUF reader, then loads it.
    /// <paramref name="vocabOnly"/> loads just the tokenizer (works for vocab-only files);
    /// otherwise a file without weights is refused with an <see cref="InputException"/>.
    /// <paramref name="gpuLayers"/>: layers to offload; null = all when a GPU was found, else 0.
    /// <paramref name="preTokenizer"/> overrides the file's <c>tokenizer.ggml.pre</c> (a metadata
    /// override: the file is not changed); llama.cpp refuses a name it does not know.
    /// </summary>
    public static LlamaModel Load(string path, bool vocabOnly = false, int? gpuLayers = null, string? preTokenizer = null)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath)) throw new InputException($"'{path}' is a directory, not a model file");
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
                throw new InputException($"'{path}': metadata '{GgufText.Printable(nested.Key)}' is an array of arrays, which llama.cpp cannot load");
            }
            ModelCheck check = CheckModels ? GgufModelRules.Check(gguf, weights: !vocabOnly) : new ModelCheck([], []);
            if (!check.Passed)
            {
                string more = check.Problems.Count > 1 ? $" (and {check.Problems.Count - 1} more problem(s); inspect lists them)" : "";
                throw new InputException($"'{path}': {check.Problems[0]}{more}");
            }
            foreach (string warning in check.Warnings) Warnings.Write($"'{path}': {warning}");
        }
        catch (GgufFormatException e)
        {
            throw new InputException($"'{path}' is not a valid GGUF file: {e.Message}", e);
        }

        LlamaRuntime.Initialize();
        int layers = vocabOnly ? 0 : gpuLayers ?? LlamaRuntime.DefaultGpuLayers;
        if (layers < 0) throw new InputException($"{layers} must be 0 or more") { Parameter = "gpu-layers" };
        if (layers > 0 && LlamaRuntime.DefaultGpuLayers == 0)
        {
            throw new InputException($"{layers} asks for a GPU, but {LlamaRuntime.Engine.Backend} found none " +
                $"({string.Join(", ", LlamaRuntime.Engine.Devices)}); build with -p:LlamaBackend=Cuda12 or Vulkan, or offload nothing") { Parameter = "gpu-layers" };
        }
        LLamaModelParams parameters = LLamaModelParams.Default();
        parameters.vocab_only = vocabOnly;
        parameters.n_gpu_layers = layers;
        NativeLog.ResetErrors();
        NativeAborts.Subject = path;
        try
        {
            using var overrides = MetadataOverrides.Of(preTokenizer is null ? [] : [("tokenizer.ggml.pre", preTokenizer)]);
            unsafe { parameters.kv_overrides = overrides.Pointer; }
            return new LlamaModel(SafeLlamaModelHandle.LoadFromFile(fullPath, parameters), fullPath, vocabOnly, layers);
        }
        catch (LLama.Exceptions.LoadWeightsFailedException)
        {
            throw new LlamaException($"llama.cpp could not load '{path}': {NativeLog.LoadError ?? "no reason given (run with --verbose)"}");
        }
    }

    /// <summary>
    /// Whether <see cref="Load"/> applies <see cref="GgufModelRules"/> (default). Off (<c>--skip-model-checks</c>)
    /// a file the rules refuse wrongly can still be tried; llama.cpp's own aborts still end in one line, exit 3.
    /// </summary>
    public static bool CheckModels { get; set; } = true;

    /// <summary>Context length the model was trained with.</summary>
    public int TrainingContextLength => Handle.ContextSize;
    public int EmbeddingSize => Handle.EmbeddingSize;
    public int LayerCount => Handle.LayerCount;
    public int HeadCount => Handle.HeadCount;
    /// <summary>Key/value heads.</summary>
    public int KvHeadCount => Handle.KVHeadCount;
    public ulong ParameterCount => Handle.ParameterCount;
    /// <summary>Whether the model can generate (has a decoder).</summary>
    public bool HasDecoder => Handle.HasDecoder;

    /// <summary>llama.cpp's one-line description, e.g. "llama ?B all F32".</summary>
    public string Description => Handle.Description;

    /// <summary>The file type (quantization) name, e.g. "Q8_0".</summary>
    public string FileTypeName => FileTypeNameOf((int)Handle.FileType);

    /// <summary>llama.cpp's name of a GGUF <c>general.file_type</c> value, e.g. "Q8_0".</summary>
    public static unsafe string FileTypeNameOf(int fileType)
    {
        LlamaRuntime.Initialize();
        return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_ftype_name(fileType)) ?? "?";
    }

    /// <summary>Frees the model (contexts keep it alive until they are freed too).</summary>
    public void Dispose() => Handle.Dispose();
}
