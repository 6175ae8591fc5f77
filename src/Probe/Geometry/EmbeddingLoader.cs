using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Geometry;

/// <summary>The model's input and output embedding matrices, dequantized to float32.</summary>
/// <param name="Input">token_embd.weight, one row per token.</param>
/// <param name="Output">output.weight (the unembedding); the same object as Input when tied.</param>
/// <param name="Tied">True when the model has no output.weight and reuses token_embd.weight.</param>
public sealed record ModelEmbeddings(EmbeddingMatrix Input, EmbeddingMatrix Output, bool Tied)
{
    /// <summary>GGUF tensor names.</summary>
    public const string InputTensor = "token_embd.weight", OutputTensor = "output.weight";

    /// <summary>
    /// Reads both matrices from <paramref name="file"/>, streaming rows through ggml's dequantizer in
    /// chunks: each matrix is held once, as float32, never twice.
    /// </summary>
    public static ModelEmbeddings Load(GgufFile file, int vocabularySize, CancellationToken cancellation = default)
    {
        GgufTensorInfo input = file.FindTensor(InputTensor) ?? throw new InputException($"'{file.Path}' has no {InputTensor}: no embedding geometry without weights");
        GgufTensorInfo? output = file.FindTensor(OutputTensor);
        EmbeddingMatrix inputMatrix = Read(file, input, vocabularySize, cancellation);
        return output is null
            ? new ModelEmbeddings(inputMatrix, inputMatrix, Tied: true)
            : new ModelEmbeddings(inputMatrix, Read(file, output, vocabularySize, cancellation), Tied: false);
    }

    private static EmbeddingMatrix Read(GgufFile file, GgufTensorInfo tensor, int vocabularySize, CancellationToken cancellation)
    {
        if (tensor.Dimensions.Count != 2) throw new InputException($"{tensor.Name} is not a matrix ({tensor.Dimensions.Count} dimensions)");
        // Rows past the vocabulary are padding some converters add; rows short of it are an error.
        if (tensor.RowCount < vocabularySize) throw new InputException($"{tensor.Name} has {tensor.RowCount} rows for {vocabularySize} tokens");
        int dims = checked((int)tensor.RowLength);
        var matrix = new EmbeddingMatrix(vocabularySize, dims);
        int chunk = Math.Max(1, (16 << 20) / (dims * sizeof(float))); // ~16 MiB per read
        for (int row = 0; row < vocabularySize;)
        {
            cancellation.ThrowIfCancellationRequested();
            // A read never crosses a storage block: it stops at the block's end.
            int blockEnd = (row / matrix.RowsPerBlock + 1) * matrix.RowsPerBlock;
            int count = Math.Min(Math.Min(chunk, vocabularySize - row), blockEnd - row);
            TensorReader.ReadRows(file, tensor, row, count, matrix.RowsForWriting(row, count));
            row += count;
        }
        return matrix;
    }
}
