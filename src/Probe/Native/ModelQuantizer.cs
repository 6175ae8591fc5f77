using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>llama.cpp file types used by <see cref="ModelQuantizer"/> (<c>enum llama_ftype</c>).</summary>
public enum LlamaFileType
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyQ4_0 = 2,
    MostlyQ8_0 = 7,
    MostlyQ4_K_M = 15,
    MostlyQ6_K = 18,
}

/// <summary>Writes a quantized copy of a GGUF model through <c>llama_model_quantize</c>.</summary>
public static class ModelQuantizer
{
    /// <summary>
    /// Quantizes every weight of <paramref name="input"/> into <paramref name="output"/> (pure: no
    /// per-tensor mixture). Rows must fit the type's block size: for Q8_0 this llama.cpp has no
    /// fallback type and refuses (a <see cref="LlamaException"/> with its reason).
    /// </summary>
    public static void Quantize(string input, string output, LlamaFileType type, int threads = 0)
    {
        using (Gguf.GgufFile.Open(input)) { } // validate before llama.cpp reads it
        LlamaRuntime.Initialize();
        LLamaModelQuantizeParams p = LLamaModelQuantizeParams.Default();
        p.ftype = (LLamaFtype)(int)type;
        p.nthread = threads;
        p.pure = true;
        NativeLog.ResetErrors();
        uint code = NativeApi.llama_model_quantize(input, output, ref p);
        if (code != 0) throw new LlamaException($"llama_model_quantize({type}) failed with code {code}: {NativeLog.LastError ?? "no reason given"}");
    }
}
