using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>The runner a scan's settings ask for: batched (a context per template, <see cref="PerTemplateRunner"/>) or naive (one context for the longest prompt).</summary>
internal sealed class RunnerSession : IDisposable
{
    private readonly LlamaContext? _context;

    private RunnerSession(LlamaContext? context, IProbeRunner runner)
    {
        _context = context;
        Runner = runner;
    }

    public IProbeRunner Runner { get; }

    public static RunnerSession Open(LlamaModel model, ScanSettings settings, IReadOnlyList<TemplateTokens> templates, int threads)
    {
        if (!settings.Naive)
        {
            return new RunnerSession(null, new PerTemplateRunner(model, settings.Batches.For(settings.Templates), settings.AnswerTokens, threads, settings.Exact, settings.Sampling));
        }
        LlamaContext context = LlamaContext.Create(model, NaiveRunner.ContextFor(templates, settings.AnswerTokens, threads, settings.Exact));
        try
        {
            return new RunnerSession(context, new NaiveRunner(context, settings.AnswerTokens, settings.Sampling));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Runner.Dispose();
        _context?.Dispose();
    }
}
