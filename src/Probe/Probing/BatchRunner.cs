using System.Diagnostics;
using System.Numerics.Tensors;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The fast runner. A template's shared prefix is decoded once into sequence 0 and copied into
/// sequences 1..B-1 (sequence j holds probe j); for each group of up to B tokens the B suffixes go into one <c>llama_decode</c>,
/// only the needed values are read from each output row, and everything after the prefix is
/// removed again — which leaves the memory exactly as the copy left it, so every group is computed
/// in the same state whatever ran before it (resume and shards are bit-identical to an
/// uninterrupted run). Sampled attempts (<see cref="AttemptSettings"/>) copy their probe's sequence
/// once each after the probe decode, and their answer tokens join the greedy ones in every answer
/// step's decode: N attempts cost N more tokens per step, not N more probes.
/// </summary>
public sealed unsafe class BatchRunner : IProbeRunner
{
    private readonly LlamaContext _context;
    private readonly int _answerTokens;
    private readonly AttemptSettings _attempts;
    private readonly LlamaBatch _batch;
    private readonly ThreadLocal<float[]> _scratch;
    private TemplateTokens? _prefixLoaded;

    /// <summary>Probes per decode (B).</summary>
    public int BatchProbes { get; }

    /// <summary>Time per phase over every group run so far (<c>bench</c> resets and reads it).</summary>
    public RunnerPhases Phases { get; } = new();

    /// <summary>Creates a runner over a context made with <see cref="ContextFor"/> for the same settings.</summary>
    public BatchRunner(LlamaContext context, int batchProbes, int answerTokens, AttemptSettings? attempts = null)
    {
        _attempts = attempts ?? AttemptSettings.Greedy;
        int sequences = batchProbes * _attempts.SequencesPerProbe;
        if (sequences > context.MaxSequences)
        {
            throw new ArgumentException($"the context holds {context.MaxSequences} sequences; {batchProbes} probes need {sequences}");
        }
        _context = context;
        _answerTokens = answerTokens;
        BatchProbes = batchProbes;
        _batch = new LlamaBatch(context.BatchSize);
        _scratch = new ThreadLocal<float[]>(() => new float[context.VocabularySize]);
    }

    /// <summary>Most KV sequences llama.cpp holds.</summary>
    public const int MaxSequences = 256;

    /// <summary>Most probes per decode llama.cpp allows with greedy answers (one sequence each; the prefix is decoded into probe 0's).</summary>
    public const int MaxBatchProbes = MaxSequences;

    /// <summary>Most probes per decode with <paramref name="attempts"/>: every attempt is a sequence of its own.</summary>
    public static int MaxBatchProbesFor(AttemptSettings attempts) => MaxBatchProbes / attempts.SequencesPerProbe;

    /// <summary>
    /// A context sized for B probes of the given templates: one sequence per answer, each in a KV stream of its own (see <see cref="UsesStreams"/>). With <paramref name="exact"/> K/V stay float32 and flash attention is off, so batch
    /// shape changes only float32 summation order (|Δ log p| ~ 1e-5); the default (fp16 cache, flash
    /// attention as llama.cpp chooses) is about 1.6x faster on CPU and agrees to ~5e-3 in log p.
    /// </summary>
    public static ContextOptions ContextFor(IReadOnlyCollection<TemplateTokens> templates, int batchProbes, int answerTokens, int threads, bool exact,
        AttemptSettings? attempts = null)
    {
        attempts ??= AttemptSettings.Greedy;
        CheckBatch(batchProbes, attempts);
        int prefix = templates.Max(t => t.Prefix.Length);
        int perProbe = templates.Max(t => t.TokensPerProbe);
        int answers = batchProbes * attempts.SequencesPerProbe;
        // The answers' sequences share their probe's cells (unified KV); only answer tokens take new ones.
        int unifiedCells = prefix + batchProbes * perProbe + answers * (answerTokens - 1);
        int streamCells = answers * (prefix + perProbe + answerTokens - 1);
        bool streams = UsesStreams(unifiedCells, streamCells);
        int batchTokens = Math.Max(Math.Max(batchProbes * perProbe, answers), Math.Min(prefix, 512));
        return Precision(new ContextOptions(
            ContextSize: streams ? streamCells : unifiedCells,
            BatchSize: batchTokens,
            MicroBatchSize: Math.Min(batchTokens, 512),
            MaxSequences: answers,
            Threads: threads,
            UnifiedKv: !streams), exact);
    }

    /// <summary>
    /// Whether each sequence gets a KV stream of its own. In one unified buffer every token's
    /// attention runs over all B sequences' cells (masked), and llama.cpp's CPU flash attention pays
    /// for each of them: the answer steps, one token per sequence, ran at 0.36–0.52 of the decode
    /// ceiling on the 134m shape. Per-sequence streams hold a copy of the prefix each, so they are
    /// chosen unless those copies would make the memory more than 4x the unified one (a long prefix).
    /// </summary>
    public static bool UsesStreams(int unifiedCells, int streamCells) => streamCells <= 4L * unifiedCells;

    /// <summary>Refuses a batch size outside [1, <see cref="MaxBatchProbesFor"/>].</summary>
    public static void CheckBatch(int batchProbes, AttemptSettings? attempts = null)
    {
        attempts ??= AttemptSettings.Greedy;
        int max = MaxBatchProbesFor(attempts);
        if (batchProbes is < 1 || batchProbes > max)
        {
            string why = attempts.Sampled ? $" with {attempts.Count} attempts (each probe takes {attempts.SequencesPerProbe} of llama.cpp's {MaxSequences} sequences)" : "";
            throw new InputException($"{batchProbes} must be in [1, {max}]{why}") { Parameter = "batch" };
        }
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
        long clock = Stopwatch.GetTimestamp();
        var slot = new Position(template.Prefix.Length);
        int n = tokens.Length;
        Span<int> outputs = stackalloc int[n];

        _batch.Clear();
        for (int j = 0; j < n; j++) outputs[j] = AddProbe(_batch, template, j, tokens[j]);
        clock = Phases.Add(RunnerPhase.Bookkeeping, clock);
        _context.DecodeOrThrow(_batch);
        clock = Phases.Add(RunnerPhase.SuffixDecode, clock, _batch.Count);

        // Rows are fetched one by one, then read in parallel: the cores are idle between decodes.
        var rows = new IntPtr[n];
        for (int j = 0; j < n; j++) rows[j] = (IntPtr)_context.LogitsAddress(outputs[j]);
        int[] ids = tokens.ToArray();
        var stats = new LogitStats[n];
        int vocabulary = _context.VocabularySize;
        int attempts = _attempts.Sampled ? _attempts.Count : 0;
        var answers = new int[n][];
        var sampled = new int[n * attempts][];
        Parallel.For(0, n, j =>
        {
            var row = new ReadOnlySpan<float>((float*)rows[j], vocabulary);
            stats[j] = LogitStats.Measure(row, ids[j], _scratch.Value!);
            answers[j] = new int[_answerTokens];
            answers[j][0] = stats[j].Argmax;
            for (int a = 0; a < attempts; a++)
            {
                sampled[j * attempts + a] = new int[_answerTokens];
                sampled[j * attempts + a][0] = Draw(row, templateIndex, ids[j], a, 0);
            }
        });
        clock = Phases.Add(RunnerPhase.LogitReading, clock);
        for (int j = 0; j < n; j++)
        {
            for (int a = 0; a < attempts; a++) _context.CopySequence(ProbeSequence(j), AttemptSequence(j * attempts + a));
        }

        // The answers: one more token per sequence per step, all sequences in one decode. Output i < n is
        // probe i's greedy answer, output n + k its sampled attempt k.
        Position answerStart = slot + template.TokensPerProbe;
        var attemptRows = new IntPtr[sampled.Length];
        for (int step = 1; step < _answerTokens; step++)
        {
            _batch.Clear();
            for (int j = 0; j < n; j++) AddAnswer(_batch, template, j, step - 1, answers[j][step - 1]);
            for (int k = 0; k < sampled.Length; k++) _batch.Add(new TokenId(sampled[k][step - 1]), answerStart + (step - 1), AttemptSequence(k), wantLogits: true);
            clock = Phases.Add(RunnerPhase.Bookkeeping, clock);
            _context.DecodeOrThrow(_batch);
            clock = Phases.Add(RunnerPhase.AnswerDecode, clock, _batch.Count);
            for (int j = 0; j < n; j++) rows[j] = (IntPtr)_context.LogitsAddress(j);
            for (int k = 0; k < sampled.Length; k++) attemptRows[k] = (IntPtr)_context.LogitsAddress(n + k);
            int current = step;
            Parallel.For(0, n + sampled.Length, i =>
            {
                if (i < n)
                {
                    answers[i][current] = TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>((float*)rows[i], vocabulary));
                    return;
                }
                int k = i - n;
                sampled[k][current] = Draw(new ReadOnlySpan<float>((float*)attemptRows[k], vocabulary), templateIndex, ids[k / attempts], k % attempts, current);
            });
            clock = Phases.Add(RunnerPhase.LogitReading, clock);
        }

        ClearGroup(_context, template, n);
        for (int j = 0; j < n; j++)
        {
            int[][]? mine = attempts == 0 ? null : sampled[(j * attempts)..((j + 1) * attempts)];
            for (int a = 0; a < attempts; a++) _context.RemoveSequence(AttemptSequence(j * attempts + a));
            results.Add(new ProbeResult(templateIndex, tokens[j], stats[j], answers[j], mine));
        }
        Phases.Add(RunnerPhase.Bookkeeping, clock);
    }

    private int Draw(ReadOnlySpan<float> row, int template, int token, int attempt, int step) =>
        AnswerSampler.Sample(row, _attempts.Temperature, AnswerSampler.Key(_attempts.Seed, template, token, attempt, step), _scratch.Value!);

    // Probe j of a group lives in sequence j (sequence 0 is where the prefix is decoded); the sampled
    // attempts follow all B probe sequences (a short last group leaves the unused ones holding their prefix).
    private static SequenceId ProbeSequence(int j) => new(j);

    private SequenceId AttemptSequence(int k) => new(BatchProbes + k);

    private void LoadPrefix(TemplateTokens template)
    {
        if (ReferenceEquals(_prefixLoaded, template)) return;
        _prefixLoaded = null;
        LoadPrefix(_context, template, BatchProbes);
        _prefixLoaded = template;
    }

    /// <summary>
    /// Decodes the template's prefix into sequence 0 on a cleared memory and copies it into the other
    /// probe sequences 1..<paramref name="probes"/>-1 (once per template; a group removes only what follows
    /// it, see <see cref="ClearGroup"/>). The bench's ceiling decode starts from the same state.
    /// </summary>
    internal static void LoadPrefix(LlamaContext context, TemplateTokens template, int probes)
    {
        context.ClearMemory();
        context.DecodePrompt(template.Prefix, SequenceId.First, logitsForLast: false);
        for (int j = 1; j < probes; j++) context.CopySequence(SequenceId.First, ProbeSequence(j));
    }

    /// <summary>Adds probe j's inserted token and the suffix to <paramref name="batch"/>; returns the batch index of its output row.</summary>
    internal static int AddProbe(LlamaBatch batch, TemplateTokens template, int j, int token)
    {
        var slot = new Position(template.Prefix.Length);
        batch.Add(new TokenId(token), slot, ProbeSequence(j), wantLogits: template.Suffix.Length == 0);
        batch.AddSequence(template.Suffix, slot + 1, ProbeSequence(j), logitsForLast: true);
        return batch.Count - 1;
    }

    /// <summary>Adds probe j's answer token number <paramref name="step"/> (0 = the first, after the suffix), with an output row.</summary>
    internal static void AddAnswer(LlamaBatch batch, TemplateTokens template, int j, int step, int token) =>
        batch.Add(new TokenId(token), new Position(template.Prefix.Length + template.TokensPerProbe + step), ProbeSequence(j), wantLogits: true);

    /// <summary>Removes what a group added to probe sequences 0..<paramref name="probes"/>-1, keeping their prefix.</summary>
    internal static void ClearGroup(LlamaContext context, TemplateTokens template, int probes)
    {
        for (int j = 0; j < probes; j++) context.RemoveSequenceFrom(ProbeSequence(j), new Position(template.Prefix.Length));
    }

    /// <summary>Frees the per-thread scratch rows.</summary>
    public void Dispose() => _scratch.Dispose();
}
