namespace AnomalyProbe.Probe.Native;

/// <summary>The recoverable outcomes of <c>llama_decode</c>; everything else is a <see cref="LlamaException"/>.</summary>
public enum DecodeResult
{
    /// <summary>Decoded.</summary>
    Ok = 0,
    /// <summary>No KV slot for the batch: the caller can shrink the batch or free sequences.</summary>
    NoKvSlot = 1,
}
