using System.Numerics.Tensors;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The fast runner. A template's shared prefix is decoded once into sequence 0; for each group of
/// up to B tokens it is copied into sequences 1..B (unified KV: the copies share the prefix cells),
/// the B suffixes go into one <c>llama_decode</c>, only the needed values are read from each
/// output row, and the B sequences are removed again — which leaves the memory exactly as before,
/// so every group is computed in the same state whatever ran before it (resume and shards are
/// bit-identical to an uninterrupted run).
/// </summary>
public sealed unsafe class BatchRunner : IProbeRunner
{
    private readonly LlamaContext _context;
    private readonly int _answerTokens;
    private readonly LlamaBatch _batch;
    private readonly ThreadLocal<float[]> _scratch;
    private TemplateTokens? _prefixLoaded;

    /// <summary>Probes per decode (B).</summary>
    public int BatchProbes { get; }

    /// <summary>Creates a runner over a context made with <see cref="ContextFor"/>.</summary>
    public BatchRunner(LlamaContext context, int batchProbes, int answerTokens)
    {
        if (batchProbes + 1 > context.MaxSequences)
        {
            throw new ArgumentException($"the context holds {context.MaxSequences} sequences; {batchProbes} probes need {batchProbes + 1}");
        }
        _context = context;
        _answerTokens = answerTokens;
        BatchProbes = batchProbes;
        _batch = new LlamaBatch(context.BatchSize);
        _scratch = new ThreadLocal<float[]>(() => new float[context.VocabularySize]);
    }

    /// <summary>Most probes per decode llama.cpp allows (it holds 256 sequences, one is the prefix).</summary>
    public const int MaxBatchProbes = 255;

    /// <summary>
    /// A context sized for B probes of the given templates: unified KV, B + 1 sequences. With
    /// <paramref name="exact"/> K/V stay float32 and flash attention is off, so batch shape changes
    /// only float32 summation order (|Δ log p| ~ 1e-5); the default (fp16 cache, flash attention as
    /// llama.cpp chooses) is about 1.6x faster on CPU and agrees to ~5e-3 in log p.
    /// </summary>
    public static ContextOptions ContextFor(IReadOnlyCollection<TemplateTokens> templates, int batchProbes, int answerTokens, int threads, bool exact)
    {
        CheckBatch(batchProbes);
        int prefix = templates.Max(t => t.Prefix.Length);
        int perProbe = templates.Max(t => t.TokensPerProbe);
        int cells = prefix + batchProbes * (perProbe + answerTokens - 1);
        int batchTokens = Math.Max(Math.Max(batchProbes * perProbe, batchProbes + 1), Math.Min(prefix, 512));
        return Precision(new ContextOptions(
            ContextSize: cells,
            BatchSize: batchTokens,
            MicroBatchSize: Math.Min(batchTokens, 512),
            MaxSequences: batchProbes + 1,
            Threads: threads,
            UnifiedKv: true), exact);
    }

    /// <summary>Refuses a batch size outside [1, <see cref="MaxBatchProbes"/>].</summary>
    public static void CheckBatch(int batchProbes)
    {
        if (batchProbes is < 1 or > MaxBatchProbes) throw new InputException($"{batchProbes} must be in [1, {MaxBatchProbes}]") { Parameter = "batch" };
    }

    /// <summary>Applies the exact (float32 K/V, no flash attention) or fast settings.</summary>
    public static ContextOptions Precision(ContextOptions options, bool exact) =>
        exact ? options with { Float32Cache = true, FlashAttention = false } : options;

    /// <inheritdoc/>
    public IReadOnlyList<ProbeResult> Run(int templateIndex, TemplateTokens prompt, ReadOnlySpan<int> tokens)
    {
        var results = new List<ProbeResult>(tokens.Length);
        for (int start = 0; start < tokens.Length; start += BatchProbes)
        {
            RunGroup(templateIndex, prompt, tokens.Slice(start, Math.Min(BatchProbes, tokens.Length - start)), results);
        }
        return results;
    }

    private void RunGroup(int templateIndex, TemplateTokens template, ReadOnlySpan<int> tokens, List<ProbeResult> results)
    {
        LoadPrefix(template);
        var slot = new Position(template.Prefix.Length);
        int n = tokens.Length;
        Span<int> outputs = stackalloc int[n];

        _batch.Clear();
        for (int j = 0; j < n; j++)
        {
            SequenceId sequence = ProbeSequence(j);
            _context.CopySequence(SequenceId.First, sequence);
            _batch.Add(new TokenId(tokens[j]), slot, sequence, wantLogits: template.Suffix.Length == 0);
            _batch.AddSequence(template.Suffix, slot + 1, sequence, logitsForLast: true);
            outputs[j] = _batch.Count - 1;
        }
        _context.DecodeOrThrow(_batch);

        // Rows are fetched one by one, then read in parallel: the cores are idle between decodes.
        var rows = new IntPtr[n];
        for (int j = 0; j < n; j++) rows[j] = (IntPtr)_context.LogitsAddress(outputs[j]);
        int[] ids = tokens.ToArray();
        var stats = new LogitStats[n];
        int vocabulary = _context.VocabularySize;
        Parallel.For(0, n, j => stats[j] = LogitStats.Measure(new ReadOnlySpan<float>((float*)rows[j], vocabulary), ids[j], _scratch.Value!));
        var answers = new int[n][];
        for (int j = 0; j < n; j++)
        {
            answers[j] = new int[_answerTokens];
            answers[j][0] = stats[j].Argmax;
        }

        // The greedy answer: one more token per sequence per step, all sequences in one decode.
        Position answerStart = slot + template.TokensPerProbe;
        for (int step = 1; step < _answerTokens; step++)
        {
            _batch.Clear();
            for (int j = 0; j < n; j++) _batch.Add(new TokenId(answers[j][step - 1]), answerStart + (step - 1), ProbeSequence(j), wantLogits: true);
            _context.DecodeOrThrow(_batch);
            for (int j = 0; j < n; j++) answers[j][step] = TensorPrimitives.IndexOfMax(_context.GetLogits(j));
        }

        for (int j = 0; j < n; j++)
        {
            _context.RemoveSequence(ProbeSequence(j));
            results.Add(new ProbeResult(templateIndex, tokens[j], stats[j], answers[j]));
        }
    }

    // Probe j of a group lives in sequence j + 1; sequence 0 holds the prefix.
    private static SequenceId ProbeSequence(int j) => new(j + 1);

    // Decodes the template's prefix into sequence 0 on a cleared memory (once per template).
    private void LoadPrefix(TemplateTokens template)
    {
        if (ReferenceEquals(_prefixLoaded, template)) return;
        _context.ClearMemory();
        _prefixLoaded = null;
        _context.DecodePrompt(template.Prefix, SequenceId.First, logitsForLast: false);
        _prefixLoaded = template;
    }

    /// <summary>Frees the per-thread scratch rows.</summary>
    public void Dispose() => _scratch.Dispose();
}
