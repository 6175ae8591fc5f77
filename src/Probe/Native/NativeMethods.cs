using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// The llama.cpp / ggml C functions the project uses, and no others. Split into partial files
/// by header area. Library names are logical; <see cref="NativeLibraryLoader"/> maps them to files.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Llama = "llama";
    internal const string Ggml = "ggml";
    internal const string GgmlBase = "ggml-base";

    [LibraryImport(Llama)]
    internal static partial byte* llama_version();

    [LibraryImport(Llama)]
    internal static partial void llama_backend_init();

    [LibraryImport(Llama)]
    internal static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ggml_backend_load_all_from_path(string directory);

    [LibraryImport(Ggml)]
    internal static partial nuint ggml_backend_dev_count();

    [LibraryImport(GgmlBase)]
    internal static partial GgmlTypeTraits* ggml_get_type_traits(int type);

    [LibraryImport(Llama)]
    internal static partial byte* llama_print_system_info();
}
