using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Commands;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM (what Slurm and Kubernetes send on <c>scancel</c>, preemption,
/// a time limit or a pod deletion, before SIGKILL after a grace period) into one cancellation that
/// long work checks between probe groups. System.CommandLine's own handler is off because it ends
/// the process two seconds after the signal, which on a big model is in the middle of a group.
/// A second signal ends the process at once (the journal cuts off a torn record on --resume).
/// </summary>
internal sealed class Termination : IDisposable
{
    // Linux signal numbers: the exit code of a process stopped by a signal is 128 + its number.
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    private Termination()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Receive(context, SigInt)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Receive(context, SigTerm)),
        ];
    }

    /// <summary>Starts listening; dispose to restore the default handling.</summary>
    public static Termination Listen() => new();

    /// <summary>Cancelled on the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>
    /// The process exit code for a command's <paramref name="result"/>: an interrupted command ends
    /// with 128 + the signal that stopped it (130 for Ctrl-C, 143 for SIGTERM), as a shell reports it
    /// and as Slurm and Kubernetes read it.
    /// </summary>
    public int ExitCode(int result) => result == ExitCodes.Interrupted && Volatile.Read(ref _signal) == SigTerm ? ExitCodes.Terminated : result;

    private void Receive(PosixSignalContext context, int signal)
    {
        context.Cancel = true; // keep running until the current group is committed
        if (Interlocked.CompareExchange(ref _signal, signal, 0) != 0)
        {
            Console.Error.WriteLine("anomalyprobe: second signal: stopping now (work before the current group is kept)");
            Environment.Exit(128 + signal);
        }
        Console.Error.WriteLine($"anomalyprobe: {(signal == SigTerm ? "SIGTERM" : "interrupt")}: stopping after the current step (a second one stops at once)");
        _cancellation.Cancel();
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
