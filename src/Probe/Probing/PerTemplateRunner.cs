using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The batched runner with a context sized for each template alone, opened when the template's
/// first group arrives (the previous template's freed: a scan runs its templates one after the
/// other). Every KV stream holds one prefix + probe + answer, so a short template's attention does
/// not run over the longest one's cells — measured on the 134m shape, induction in a context sized
/// for the chat template ran at 0.8x its own probes/s — and a template's results no longer depend
/// on which other templates the scan has.
/// </summary>
public sealed class PerTemplateRunner : IProbeRunner
{
    private readonly LlamaModel _model;
    private readonly IReadOnlyList<int> _batches;
    private readonly int _answerTokens;
    private readonly int _threads;
    private readonly bool _exact;
    private readonly AttemptSettings? _attempts;
    private TemplateTokens? _open;
    private LlamaContext? _context;
    private BatchRunner? _runner;

    /// <summary>
    /// A runner of <paramref name="batches"/>[t] probes per decode for template t; contexts are made
    /// with <see cref="BatchRunner.ContextFor"/> for these settings.
    /// </summary>
    public PerTemplateRunner(LlamaModel model, IReadOnlyList<int> batches, int answerTokens, int threads, bool exact, AttemptSettings? attempts = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (int b in batches) BatchRunner.CheckBatch(b, attempts);
        _model = model;
        _batches = batches;
        _answerTokens = answerTokens;
        _threads = threads;
        _exact = exact;
        _attempts = attempts;
    }

    /// <summary>The runner of the template run last (its phases are what <c>bench</c> reads); null before the first group.</summary>
    public BatchRunner? Current => _runner;

    /// <inheritdoc/>
    public IReadOnlyList<ProbeResult> Run(int templateIndex, TemplateTokens prompt, ReadOnlySpan<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!ReferenceEquals(_open, prompt)) Open(prompt, _batches[templateIndex]);
        return _runner!.Run(templateIndex, prompt, tokens);
    }

    private void Open(TemplateTokens template, int batchProbes)
    {
        Close();
        _context = LlamaContext.Create(_model, BatchRunner.ContextFor([template], batchProbes, _answerTokens, _threads, _exact, _attempts));
        _runner = new BatchRunner(_context, batchProbes, _answerTokens, _attempts);
        _open = template;
    }

    private void Close()
    {
        _open = null;
        _runner?.Dispose();
        _runner = null;
        _context?.Dispose();
        _context = null;
    }

    /// <summary>Frees the open context.</summary>
    public void Dispose() => Close();
}
