using System.Runtime.InteropServices;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Native;

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
    // so every value is off by at most d / 2 plus the fp16 rounding of d: we allow d. The model is a
    // synthetic llama with stories260K's 64-wide rows: stories260K itself cannot be quantized to
    // Q8_0 by this llama.cpp (its 172-wide feed-forward rows do not fit 32-value blocks; see below).
    [Fact]
    public void Q8_0RowsAreWithinTheQuantizationError()
    {
        string dir = Directory.CreateTempSubdirectory("q8").FullName;
        var shape = AnomalyProbe.Probe.Bench.ModelShape.Named("name=q8,embd=64,layers=1,heads=4,ff=192,vocab=512");
        string f32 = Path.Combine(dir, "f32.gguf"), q8 = Path.Combine(dir, "q8_0.gguf");
        AnomalyProbe.Probe.Bench.SyntheticGguf.WriteF32(shape, f32);
        ModelQuantizer.Quantize(f32, q8, LlamaFileType.MostlyQ8_0, threads: 2);

        using GgufFile original = GgufFile.Open(f32);
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

    // Q4_K (super-blocks of 256 = 8 sub-blocks of 32, 4-bit values with a 6-bit scale and min per
    // sub-block, scales themselves fp16-scaled) needs rows that are multiples of 256, so the test uses
    // a synthetic llama with 256-wide embeddings. Documented error: each value lies within one
    // quantization step of its sub-block, (max − min) / 15, plus the rounding of the 6-bit scale and
    // min, for which we allow a second step.
    [Fact]
    public void Q4_KRowsAreWithinTheQuantizationError()
    {
        string dir = Directory.CreateTempSubdirectory("q4k").FullName;
        var shape = AnomalyProbe.Probe.Bench.ModelShape.Named("name=q4k,embd=256,layers=1,heads=4,ff=256,vocab=512");
        string f32 = Path.Combine(dir, "f32.gguf"), q4 = Path.Combine(dir, "q4_k.gguf");
        AnomalyProbe.Probe.Bench.SyntheticGguf.WriteF32(shape, f32);
        ModelQuantizer.Quantize(f32, q4, LlamaFileType.MostlyQ4_K_M, threads: 2);

        using GgufFile original = GgufFile.Open(f32);
        using GgufFile quantized = GgufFile.Open(q4);
        GgufTensorInfo q4Embd = quantized.FindTensor("token_embd.weight")!;
        Assert.Equal(GgmlType.Q4_K, q4Embd.Type);
        float[] exact = TensorReader.ReadRows(original, original.FindTensor("token_embd.weight")!, 0, 512);
        float[] approx = TensorReader.ReadRows(quantized, q4Embd, 0, 512);
        for (int block = 0; block < exact.Length; block += 32)
        {
            float[] values = exact.AsSpan(block, 32).ToArray();
            float step = (values.Max() - Math.Min(0, values.Min())) / 15f;
            for (int i = block; i < block + 32; i++)
            {
                Assert.True(Math.Abs(exact[i] - approx[i]) <= 2 * step + 1e-6f, $"element {i}: {exact[i]} vs {approx[i]} (step {step})");
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void RowsThatDoNotFitTheBlockSizeAreRefusedWithLlamaCppsReason()
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory("q8-refused").FullName, "out.gguf");
        var e = Assert.Throws<LlamaException>(() => ModelQuantizer.Quantize(TestPaths.DefaultModel, output, LlamaFileType.MostlyQ8_0, threads: 2));
        Assert.Contains("no tensor type fallback is defined for type q8_0", e.Message, StringComparison.Ordinal);
    }
}
