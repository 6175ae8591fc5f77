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
    /// collects the logits row at every position that predicts a next token — from index
    /// <paramref name="firstScored"/>[i] of sequence i on (default 1: all but the start; a prompt's
    /// tokens were not sampled, so a generation is scored from its first generated token).
    /// </summary>
    public static Rows Collect(LlamaContext context, IReadOnlyList<int[]> sequences, IReadOnlyList<int>? firstScored = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sequences);
        int v = context.VocabularySize;
        int bos = context.Model.Vocabulary.Bos;
        int From(int i) => Math.Max(1, firstScored?[i] ?? 1);
        long total = 0;
        for (int i = 0; i < sequences.Count; i++) total += Math.Max(0, sequences[i].Length - From(i));
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
        for (int i = 0; i < sequences.Count; i++)
        {
            int[] sequence = sequences[i];
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
                    if (first + j < From(i)) continue;
                    context.GetLogits(j).CopyTo(logits.AsSpan(row * v, v));
                    targets[row++] = sequence[first + j];
                }
            }
        }
        return new Rows(logits, v, targets);
    }

    /// <summary>Fits T* on token ids (no re-tokenization), scored as <see cref="Collect"/> says: see <see cref="TemperatureFit"/>.</summary>
    public static TemperatureFitResult Fit(LlamaContext context, IReadOnlyList<int[]> sequences, IReadOnlyList<int>? firstScored = null) =>
        Fit(Collect(context, sequences, firstScored));

    /// <summary>
    /// Positions where the model all but certainly wanted a control token (p ≥ 0.5 at T = 1: stories260K's
    /// &lt;s&gt; between two stories) and the text goes on with another token. A sampled control token
    /// renders as nothing, so text that was generated loses it, and the tokens after the gap look far
    /// less likely than they were: the fit of such a text is biased towards higher T.
    /// </summary>
    public static List<(int Row, int Expected)> DroppedControlTokens(Rows rows, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var gaps = new List<(int, int)>();
        int v = rows.VocabularySize;
        for (int row = 0; row < rows.Targets.Length; row++)
        {
            ReadOnlySpan<float> logits = rows.Logits.AsSpan(row * v, v);
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
            if (vocabulary.GetTokenType(best) != Analysis.Tokens.TokenType.Control || vocabulary.GetTokenType(rows.Targets[row]) == Analysis.Tokens.TokenType.Control) continue;
            // p(best) = 1 / Σ exp(l − l_best) ≥ 0.5  ⇔  Σ ≤ 2.
            double sum = 0;
            foreach (float l in logits) sum += Math.Exp(l - logits[best]);
            if (sum <= 2) gaps.Add((row, best));
        }
        return gaps;
    }

    /// <summary>Fits T* on collected rows.</summary>
    public static TemperatureFitResult Fit(Rows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
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
