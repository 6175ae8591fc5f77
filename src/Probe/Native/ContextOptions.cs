namespace AnomalyProbe.Probe.Native;

/// <summary>How to create a <see cref="LlamaContext"/>.</summary>
/// <param name="ContextSize">KV cells (tokens) in the context; 0 = the model's training length.</param>
/// <param name="BatchSize">Most tokens one <c>llama_decode</c> call may take.</param>
/// <param name="MicroBatchSize">Physical batch size; 0 = same as <paramref name="BatchSize"/>.</param>
/// <param name="MaxSequences">Distinct sequence ids the context can hold.</param>
/// <param name="Threads">CPU threads; 0 = the number of cores.</param>
/// <param name="UnifiedKv">One KV buffer shared by all sequences, so copied prefixes share cells.</param>
/// <param name="FlashAttention">null = llama.cpp decides (auto); true/false forces it.</param>
/// <param name="Float32Cache">Keep K/V in float32 instead of float16: costs memory, removes the
/// fp16 rounding that makes results depend on how tokens were grouped into batches.</param>
public sealed record ContextOptions(
    int ContextSize = 0,
    int BatchSize = 512,
    int MicroBatchSize = 0,
    int MaxSequences = 1,
    int Threads = 0,
    bool UnifiedKv = true,
    bool? FlashAttention = null,
    bool Float32Cache = false);
