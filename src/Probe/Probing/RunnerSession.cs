using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>The runner a scan's settings ask for (batched or naive), with its context sized for the templates; disposes both.</summary>
internal sealed class RunnerSession : IDisposable
{
    private readonly LlamaContext _context;

    private RunnerSession(LlamaContext context, IProbeRunner runner)
    {
        _context = context;
        Runner = runner;
    }

    public IProbeRunner Runner { get; }

    public static RunnerSession Open(LlamaModel model, ScanSettings settings, IReadOnlyList<TemplateTokens> templates, int threads)
    {
        ContextOptions options = settings.Naive
            ? NaiveRunner.ContextFor(templates, settings.AnswerTokens, threads, settings.Exact)
            : BatchRunner.ContextFor(templates, settings.BatchProbes, settings.AnswerTokens, threads, settings.Exact, settings.Sampling);
        LlamaContext context = LlamaContext.Create(model, options);
        try
        {
            IProbeRunner runner = settings.Naive
                ? new NaiveRunner(context, settings.AnswerTokens, settings.Sampling)
                : new BatchRunner(context, settings.BatchProbes, settings.AnswerTokens, settings.Sampling);
            return new RunnerSession(context, runner);
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
        _context.Dispose();
    }
}
