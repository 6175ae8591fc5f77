using System.Runtime.InteropServices;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Runtime;

namespace AnomalyProbe.Probe.Tests.Runtime;

public sealed class TensorReaderTests
{
    [Fact]
    public void F32RowsAreTheRawFileFloats()
    {
        using GgufFile file = GgufFile.Open(TestPaths.DefaultModel);
        GgufTensorInfo embd = file.FindTensor("token_embd.weight")!;
        float[] rows = TensorReader.ReadRows(file, embd, 100, 3);
        byte[] raw = File.ReadAllBytes(TestPaths.DefaultModel);
        float[] expected = MemoryMarshal.Cast<byte, float>(raw.AsSpan((int)(embd.AbsoluteOffset + 100 * embd.RowByteSize), (int)(3 * embd.RowByteSize))).ToArray();
        Assert.Equal(expected, rows);
    }

    // Q8_0 stores each block of 32 values as round(x / d) with d = max|x| / 127 (d kept as fp16),
    // so every value is off by at most d / 2 plus the fp16 rounding of d: we allow d.
    [Fact]
    public void Q8_0RowsAreWithinTheQuantizationError()
    {
        string dir = Directory.CreateTempSubdirectory("q8").FullName;
        string q8 = Path.Combine(dir, "stories-q8_0.gguf");
        ModelQuantizer.Quantize(TestPaths.DefaultModel, q8, LlamaFileType.MostlyQ8_0, threads: 2);

        using GgufFile original = GgufFile.Open(TestPaths.DefaultModel);
        using GgufFile quantized = GgufFile.Open(q8);
        GgufTensorInfo q8Embd = quantized.FindTensor("token_embd.weight")!;
        Assert.Equal(GgmlType.Q8_0, q8Embd.Type);

        float[] exact = TensorReader.ReadRows(original, original.FindTensor("token_embd.weight")!, 0, 512);
        float[] approx = TensorReader.ReadRows(quantized, q8Embd, 0, 512);
        Assert.Equal(exact.Length, approx.Length);
        double worst = 0;
        for (int block = 0; block < exact.Length; block += 32)
        {
            float d = exact.AsSpan(block, 32).ToArray().Max(Math.Abs) / 127f;
            for (int i = block; i < block + 32; i++)
            {
                Assert.True(Math.Abs(exact[i] - approx[i]) <= d + 1e-7f, $"element {i}: {exact[i]} vs {approx[i]} (block scale {d})");
                worst = Math.Max(worst, Math.Abs(exact[i] - approx[i]));
            }
        }
        Assert.True(worst > 0, "Q8_0 equal to F32 everywhere: the quantization did not happen");
        Directory.Delete(dir, recursive: true);
    }
}
