using System.Runtime.Intrinsics;

namespace AnomalyProbe.Analysis.Geometry;

/// <summary>
/// The inner loops of the geometry over float32 rows: dot products and updates accumulated in
/// double, in explicit 256-bit lanes and a fixed order — fast, and the same sums on every machine
/// whatever its vector width (TensorPrimitives would pick 512-bit lanes where it can, and change the
/// last digits of tokens.csv between machines).
/// </summary>
internal static class RowKernels
{
    /// <summary>row · v, the float32 row widened to double.</summary>
    public static double Dot(ReadOnlySpan<float> row, double[] v)
    {
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= row.Length; i += 8)
        {
            Vector256<float> x = Vector256.Create(row.Slice(i, 8));
            acc0 += Vector256.WidenLower(x) * Vector256.Create(v.AsSpan(i, 4));
            acc1 += Vector256.WidenUpper(x) * Vector256.Create(v.AsSpan(i + 4, 4));
        }
        Vector256<double> acc = acc0 + acc1;
        double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (; i < row.Length; i++) sum += row[i] * v[i];
        return sum;
    }

    /// <summary>target += scale × row.</summary>
    public static void AddScaled(double[] target, double scale, ReadOnlySpan<float> row)
    {
        var factor = Vector256.Create(scale);
        int i = 0;
        for (; i + 8 <= row.Length; i += 8)
        {
            Vector256<float> x = Vector256.Create(row.Slice(i, 8));
            Span<double> t = target.AsSpan(i, 8);
            (Vector256.Create(t[..4]) + Vector256.WidenLower(x) * factor).CopyTo(t[..4]);
            (Vector256.Create(t[4..]) + Vector256.WidenUpper(x) * factor).CopyTo(t[4..]);
        }
        for (; i < row.Length; i++) target[i] += scale * row[i];
    }

    /// <summary>row · other, both float32, in double.</summary>
    public static double Dot(ReadOnlySpan<float> row, ReadOnlySpan<float> other)
    {
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= row.Length; i += 8)
        {
            Vector256<float> x = Vector256.Create(row.Slice(i, 8)), y = Vector256.Create(other.Slice(i, 8));
            acc0 += Vector256.WidenLower(x) * Vector256.WidenLower(y);
            acc1 += Vector256.WidenUpper(x) * Vector256.WidenUpper(y);
        }
        Vector256<double> acc = acc0 + acc1;
        double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (; i < row.Length; i++) sum += (double)row[i] * other[i];
        return sum;
    }
}
