using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>llama.cpp's greedy sampler chain, the oracle for our argmax path.</summary>
internal static class SafeLlamaSamplerHandleFactory
{
    public static SafeLlamaSamplerHandle Greedy()
    {
        var chain = new SafeLlamaSamplerHandle(NativeMethods.llama_sampler_chain_init(NativeMethods.llama_sampler_chain_default_params()));
        NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_greedy());
        return chain;
    }
}
