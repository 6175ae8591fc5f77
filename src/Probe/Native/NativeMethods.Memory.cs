using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

// llama_memory_t is owned by its context; the context wrapper passes it right after
// reading it, while holding its own handle alive.
internal static partial class NativeMethods
{
    [LibraryImport(Llama)]
    internal static partial void llama_memory_clear(IntPtr memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_memory_seq_rm(IntPtr memory, int seqId, int p0, int p1);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_seq_cp(IntPtr memory, int seqIdSrc, int seqIdDst, int p0, int p1);

    [LibraryImport(Llama)]
    internal static partial int llama_memory_seq_pos_max(IntPtr memory, int seqId);
}
