using System.Diagnostics;
using AnomalyProbe.Probe.Probing;
using Spectre.Console;

namespace AnomalyProbe.Probe.Commands;

/// <summary>
/// Scan progress on stderr: a live bar (probes done / total, probes/s, ETA) on a terminal, plain
/// periodic lines otherwise (CI logs, pipes).
/// </summary>
internal static class ScanProgress
{
    /// <summary>Runs <paramref name="work"/> with the progress display that suits stderr.</summary>
    public static T Run<T>(Func<IScanProgress, T> work)
    {
        if (Console.IsErrorRedirected) return work(new LineProgress(Console.Error, TimeSpan.FromSeconds(10)));
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(new BarProgress(ctx, console)));
        return result;
    }

    private static string Rate(int probes, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? $"{probes / elapsed.TotalSeconds:F1} probes/s" : "";

    private sealed class BarProgress(ProgressContext context, IAnsiConsole console) : IScanProgress
    {
        private readonly Stopwatch _clock = new();
        private ProgressTask? _task;
        private int _total, _done, _thisRun;

        public void Start(int total, int done)
        {
            (_total, _done) = (total, done);
            _task = context.AddTask("probes", maxValue: Math.Max(1, total));
            _task.Value = done;
            _clock.Start();
            Update();
        }

        public void Advance(int probes)
        {
            _done += probes;
            _thisRun += probes;
            _task!.Value = _done;
            Update();
        }

        public void Phase(string description) => context.AddTask(Markup.Escape(description), maxValue: 1).IsIndeterminate = true;

        // Written above the live bars.
        public void Note(string line) => console.WriteLine(line);

        private void Update() => _task!.Description = $"probes {_done}/{_total} {Rate(_thisRun, _clock.Elapsed)}";
    }

    private sealed class LineProgress(TextWriter output, TimeSpan every) : IScanProgress
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _lastPrint;
        private int _total, _done, _thisRun;

        public void Start(int total, int done)
        {
            (_total, _done) = (total, done);
            _clock.Start();
            output.WriteLine($"scan: {_done}/{_total} probes already journaled");
        }

        public void Advance(int probes)
        {
            _done += probes;
            _thisRun += probes;
            if (_clock.Elapsed - _lastPrint < every && _done < _total) return;
            _lastPrint = _clock.Elapsed;
            double rate = _thisRun / Math.Max(1e-9, _clock.Elapsed.TotalSeconds);
            TimeSpan eta = TimeSpan.FromSeconds((_total - _done) / Math.Max(1e-9, rate));
            output.WriteLine($"scan: {_done}/{_total} probes ({100.0 * _done / Math.Max(1, _total):F1}%), {rate:F1} probes/s, ETA {eta:hh\\:mm\\:ss}");
        }

        public void Phase(string description) => output.WriteLine($"scan: {description}");

        public void Note(string line) => output.WriteLine($"scan: {line}");
    }
}
