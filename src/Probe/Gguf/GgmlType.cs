namespace AnomalyProbe.Probe.Gguf;

/// <summary>Tensor element types of ggml, with the ids used in GGUF files (ggml.h).</summary>
/// <remarks>Ids 4, 5 and 31..33, 36..38 were removed from ggml and are rejected as unknown.</remarks>
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,
    /// <summary>16-bit IEEE float.</summary>
    F16 = 1,
    /// <summary>4-bit quantization, blocks of 32.</summary>
    Q4_0 = 2,
    /// <summary>4-bit quantization with minimum, blocks of 32.</summary>
    Q4_1 = 3,
    /// <summary>5-bit quantization, blocks of 32.</summary>
    Q5_0 = 6,
    /// <summary>5-bit quantization with minimum, blocks of 32.</summary>
    Q5_1 = 7,
    /// <summary>8-bit quantization, blocks of 32.</summary>
    Q8_0 = 8,
    /// <summary>8-bit quantization with sum, blocks of 32.</summary>
    Q8_1 = 9,
    /// <summary>2-bit k-quant.</summary>
    Q2_K = 10,
    /// <summary>3-bit k-quant.</summary>
    Q3_K = 11,
    /// <summary>4-bit k-quant.</summary>
    Q4_K = 12,
    /// <summary>5-bit k-quant.</summary>
    Q5_K = 13,
    /// <summary>6-bit k-quant.</summary>
    Q6_K = 14,
    /// <summary>8-bit k-quant (intermediate type).</summary>
    Q8_K = 15,
    /// <summary>2.06 bpw i-quant.</summary>
    IQ2_XXS = 16,
    /// <summary>2.31 bpw i-quant.</summary>
    IQ2_XS = 17,
    /// <summary>3.06 bpw i-quant.</summary>
    IQ3_XXS = 18,
    /// <summary>1.56 bpw i-quant.</summary>
    IQ1_S = 19,
    /// <summary>4-bit non-linear quantization, blocks of 32.</summary>
    IQ4_NL = 20,
    /// <summary>3.44 bpw i-quant.</summary>
    IQ3_S = 21,
    /// <summary>2.5 bpw i-quant.</summary>
    IQ2_S = 22,
    /// <summary>4.25 bpw i-quant.</summary>
    IQ4_XS = 23,
    /// <summary>8-bit integer.</summary>
    I8 = 24,
    /// <summary>16-bit integer.</summary>
    I16 = 25,
    /// <summary>32-bit integer.</summary>
    I32 = 26,
    /// <summary>64-bit integer.</summary>
    I64 = 27,
    /// <summary>64-bit float.</summary>
    F64 = 28,
    /// <summary>1.75 bpw i-quant.</summary>
    IQ1_M = 29,
    /// <summary>bfloat16.</summary>
    BF16 = 30,
    /// <summary>Ternary quantization, 1.69 bpw.</summary>
    TQ1_0 = 34,
    /// <summary>Ternary quantization, 2.06 bpw.</summary>
    TQ2_0 = 35,
    /// <summary>Microscaling FP4, blocks of 32.</summary>
    MXFP4 = 39,
    /// <summary>NVIDIA FP4 with E4M3 sub-block scales, blocks of 64.</summary>
    NVFP4 = 40,
    /// <summary>1-bit quantization, blocks of 128.</summary>
    Q1_0 = 41,
    /// <summary>2-bit quantization, blocks of 64.</summary>
    Q2_0 = 42,
}
