using System.Runtime.InteropServices;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// How long llama.cpp's OpenMP workers spin before they sleep. GNU OpenMP's default (300,000 spins)
/// suits a machine of one's own; where other processes hold the cores (a shared HPC node), each
/// spinning worker keeps a core from the thread it waits for and a decode runs several times slower.
/// With 10,000 spins, measured on 2 cores (README, Speed): a scan 10 % slower on an idle machine,
/// 2–3x faster on a busy one, and generation 4–9x faster there. libgomp reads its settings once,
/// when it loads, so this runs before the natives do; a GOMP_SPINCOUNT or OMP_WAIT_POLICY the
/// user set wins.
/// </summary>
internal static partial class OpenMpWaitPolicy
{
    /// <summary>The spin count set when the user set none.</summary>
    public const string DefaultSpinCount = "10000";

    /// <summary>Sets GOMP_SPINCOUNT in the process environment (the native one libgomp reads) unless the user chose a policy.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return; // the Linux CPU builds link GNU OpenMP
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        // Environment.SetEnvironmentVariable changes only .NET's copy; libgomp reads the C environment.
        if (SetEnv("GOMP_SPINCOUNT", DefaultSpinCount, 0) != 0) return; // without it the default still works
        Environment.SetEnvironmentVariable("GOMP_SPINCOUNT", DefaultSpinCount);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
