using AnomalyProbe.Analysis.Temperature;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.TemperatureStudies;

/// <summary>
/// Logits rows by teacher forcing, and the maximum-likelihood temperature fitted on them.
/// Each sequence is scored from its second token on (its first is the BOS it starts from). A
/// sequence longer than the context is cut into chunks; every chunk is decoded on a cleared
/// context as BOS + the chunk's tokens (no sliding window), so the first token of a later chunk is
/// predicted from BOS alone. All rows are kept in memory: positions × vocabulary floats, at most
/// <see cref="MaxLogitValues"/> (for stories260K, 512 floats = 2 KiB per position).
/// </summary>
public static class TeacherForcing
{
    /// <summary>Largest number of stored logits (256 MiB of floats).</summary>
    public const long MaxLogitValues = 64L * 1024 * 1024;

    /// <summary>The rows (row-major, one per scored position) and the targets they predict.</summary>
    public sealed record Rows(float[] Logits, int VocabularySize, int[] Targets);

    /// <summary>
    /// Decodes every sequence (each must start with the BOS / start token its scoring assumes) and
    /// collects the logits row at every position that predicts a next token.
    /// </summary>
    public static Rows Collect(LlamaContext context, IReadOnlyList<int[]> sequences)
    {
        int v = context.VocabularySize;
        int bos = context.Model.Vocabulary.Bos;
        long total = 0;
        foreach (int[] s in sequences) total += Math.Max(0, s.Length - 1);
        if (total == 0) throw new InputException("nothing to score: the text has no token after BOS");
        if (total * v > MaxLogitValues)
        {
            throw new InputException($"{total} positions x {v} logits exceed the in-memory cap of {MaxLogitValues} values; shorten the text to at most {MaxLogitValues / v} tokens");
        }
        var logits = new float[total * v];
        var targets = new int[total];
        int chunkLength = Math.Min(context.ContextSize, context.BatchSize) - 1;
        if (chunkLength < 1) throw new InputException("the context is too small to score anything");
        var batch = new LlamaBatch(chunkLength + 1);
        int row = 0;
        foreach (int[] sequence in sequences)
        {
            int start = sequence.Length > 0 ? sequence[0] : bos;
            for (int first = 1; first < sequence.Length; first += chunkLength)
            {
                int count = Math.Min(chunkLength, sequence.Length - first);
                context.ClearMemory();
                batch.Clear();
                // Inputs: start, x[first], ..., x[first+count-2]; row j predicts x[first+j].
                batch.Add(new TokenId(first == 1 ? start : bos), new Position(0), SequenceId.First, wantLogits: true);
                for (int j = 1; j < count; j++) batch.Add(new TokenId(sequence[first + j - 1]), new Position(j), SequenceId.First, wantLogits: true);
                context.DecodeOrThrow(batch);
                for (int j = 0; j < count; j++)
                {
                    context.GetLogits(j).CopyTo(logits.AsSpan(row * v, v));
                    targets[row++] = sequence[first + j];
                }
            }
        }
        return new Rows(logits, v, targets);
    }

    /// <summary>Fits T* on token ids (no re-tokenization): see <see cref="TemperatureFit"/>.</summary>
    public static TemperatureFitResult Fit(LlamaContext context, IReadOnlyList<int[]> sequences)
    {
        Rows rows = Collect(context, sequences);
        try
        {
            return TemperatureFit.Fit(rows.Logits, rows.VocabularySize, rows.Targets);
        }
        catch (TemperatureFitException e)
        {
            throw new InputException(e.Message, e);
        }
    }

    /// <summary>A context suited to <see cref="Collect"/>: the model's training length, float32 KV cache.</summary>
    public static LlamaContext CreateContext(LlamaModel model, int threads)
    {
        int size = Math.Min(model.TrainingContextLength, 2048);
        return LlamaContext.Create(model, new ContextOptions(ContextSize: size, BatchSize: size, Threads: threads, Float32Cache: true));
    }
}
