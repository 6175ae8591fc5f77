using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

// llama.cpp's own greedy sampler: not used to generate (our sampler handles T < 0, which
// llama.cpp treats as greedy) but kept as an independent oracle for our argmax path.
internal static partial class NativeMethods
{
    [LibraryImport(Llama)]
    internal static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, IntPtr sampler);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    internal static partial int llama_sampler_sample(SafeLlamaSamplerHandle sampler, SafeLlamaContextHandle context, int index);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_free(IntPtr sampler);
}
