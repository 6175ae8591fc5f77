using System.Buffers;
using AnomalyProbe.Probe.Gguf;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Reads rows of a GGUF tensor as float32, whatever its storage type, by dequantizing with
/// ggml's own <c>to_float</c> (no hand-written kernels). Rows are streamed, so a 262k × 8192
/// matrix never has to be in memory twice.
/// </summary>
public static unsafe class TensorReader
{
    /// <summary>
    /// Fills <paramref name="destination"/> (rowCount × RowLength floats, row-major) with rows
    /// [firstRow, firstRow + rowCount) of <paramref name="tensor"/>.
    /// </summary>
    public static void ReadRows(GgufFile file, GgufTensorInfo tensor, long firstRow, int rowCount, Span<float> destination)
    {
        long elements = rowCount * tensor.RowLength;
        if (destination.Length < elements) throw new ArgumentException($"destination holds {destination.Length} floats, {elements} needed", nameof(destination));
        int bytes = checked((int)(rowCount * tensor.RowByteSize));
        byte[] raw = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            file.CopyRows(tensor, firstRow, rowCount, raw.AsSpan(0, bytes));
            if (tensor.Type == GgmlType.F32)
            {
                raw.AsSpan(0, bytes).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
                return;
            }
            LlamaRuntime.Initialize();
            GgmlTypeTraits* traits = NativeMethods.ggml_get_type_traits((int)tensor.Type);
            if (traits == null || traits->to_float == null)
            {
                throw new InputException($"tensor '{tensor.Name}' has type {tensor.Type}, which ggml cannot convert to float");
            }
            fixed (byte* source = raw)
            fixed (float* target = destination)
            {
                traits->to_float(source, target, elements);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Rows as a new array (convenience for small reads).</summary>
    public static float[] ReadRows(GgufFile file, GgufTensorInfo tensor, long firstRow, int rowCount)
    {
        var result = new float[rowCount * tensor.RowLength];
        ReadRows(file, tensor, firstRow, rowCount, result);
        return result;
    }
}
