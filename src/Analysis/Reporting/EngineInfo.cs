namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The llama.cpp build a run used, as loaded (not as configured).</summary>
/// <param name="Backend">Where the natives came from: the LLamaSharp backend package and version, or "custom" (<c>--llama-dir</c>).</param>
/// <param name="Variant">The build LLamaSharp chose: avx512, avx2, avx, noavx, cuda12, vulkan, or custom.</param>
/// <param name="LlamaCppCommit">The llama.cpp commit the backend package ships.</param>
/// <param name="GgmlVersion">ggml's version as its library reports it.</param>
/// <param name="GgmlCommit">ggml's build commit as its library reports it.</param>
/// <param name="Library">Full path of the libllama that was loaded.</param>
/// <param name="Devices">The ggml devices found, e.g. "CPU (AMD EPYC)", "CUDA0 (NVIDIA …)".</param>
public sealed record EngineInfo(
    string Backend, string Variant, string LlamaCppCommit, string GgmlVersion, string GgmlCommit, string Library, IReadOnlyList<string> Devices)
{
    /// <summary>One line for reports: "c0c7e147 (ggml 0.18.0 815a2a591, LLamaSharp.Backend.Cpu 0.30.0, avx2)".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Summary => $"{LlamaCppCommit} (ggml {GgmlVersion} {GgmlCommit}, {Backend}, {Variant})";
}
