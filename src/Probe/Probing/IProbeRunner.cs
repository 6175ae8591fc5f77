namespace AnomalyProbe.Probe.Probing;

/// <summary>Runs probes of one template for a group of token ids.</summary>
public interface IProbeRunner : IDisposable
{
    /// <summary>Probes every id in <paramref name="tokens"/> with <paramref name="prompt"/>; results in the same order.</summary>
    IReadOnlyList<ProbeResult> Run(int templateIndex, TemplateTokens prompt, ReadOnlySpan<int> tokens);
}
