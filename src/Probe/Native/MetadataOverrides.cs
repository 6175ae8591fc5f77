using System.Runtime.InteropServices;
using System.Text;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// A native, terminated array of string metadata overrides (llama_model_kv_override) for
/// <c>llama_model_params.kv_overrides</c>; it must outlive the load call.
/// </summary>
internal sealed unsafe class MetadataOverrides : IDisposable
{
    // key[128] and the string value[128] are NUL-terminated in place.
    private const int MaxBytes = 127;

    private readonly LLamaModelMetadataOverride* _items;

    private MetadataOverrides(LLamaModelMetadataOverride* items) => _items = items;

    /// <summary>The array, or null when there are no overrides (llama.cpp's "none").</summary>
    public LLamaModelMetadataOverride* Pointer => _items;

    /// <exception cref="InputException">A key or value is longer than llama.cpp's 127 bytes, or holds a NUL.</exception>
    public static MetadataOverrides Of(IReadOnlyList<(string Key, string Value)> strings)
    {
        if (strings.Count == 0) return new MetadataOverrides(null);
        var items = (LLamaModelMetadataOverride*)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(LLamaModelMetadataOverride));
        try
        {
            for (int i = 0; i < strings.Count; i++)
            {
                items[i].Tag = LLamaModelKvOverrideType.String;
                Copy(strings[i].Key, items[i].key, strings[i].Key);
                Copy(strings[i].Value, items[i].StringValue, strings[i].Key);
            }
        }
        catch
        {
            NativeMemory.Free(items);
            throw;
        }
        return new MetadataOverrides(items);
    }

    private static void Copy(string text, byte* destination, string key)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length is 0 or > MaxBytes || bytes.Contains((byte)0))
        {
            throw new InputException($"the override of {key} must be 1 to {MaxBytes} bytes without NUL, not '{Analysis.Text.PieceText.Escape(bytes)}'");
        }
        bytes.CopyTo(new Span<byte>(destination, MaxBytes));
    }

    public void Dispose() => NativeMemory.Free(_items);
}
