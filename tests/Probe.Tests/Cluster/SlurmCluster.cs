using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AnomalyProbe.Probe.Tests.Cluster;

/// <summary>A test that needs a real Slurm: skipped, with the reason, where one cannot be brought up.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "the cluster tests bring up Slurm, which runs on Linux";
        else if (SlurmCluster.WhyUnavailable() is { } why) Skip = why;
    }
}

/// <summary>
/// A single-node Slurm on localhost for the cluster tests: munged, slurmctld and slurmd (Debian's
/// slurm-wlm and munge, which .ci/run installs), each with its configuration, key, state, sockets,
/// ports and logs in one temporary directory, and stopped by their pids at the end. Process tracking
/// by /proc (proctrack/linuxproc), no task plugin and no accounting: no cgroups or database needed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmCluster : IDisposable
{
    private const string NodeName = "apnode";
    private static readonly string[] Programs = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "scancel"];

    private readonly string _dir;

    public SlurmCluster()
    {
        if (WhyUnavailable() is not null) throw new InvalidOperationException("no Slurm here: the tests using this fixture are skipped");
        _dir = Directory.CreateTempSubdirectory("slurm").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "state"));
        Directory.CreateDirectory(Path.Combine(_dir, "spool"));
        string key = Path.Combine(_dir, "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ConfigPath = Path.Combine(_dir, "slurm.conf");
        File.WriteAllText(ConfigPath, Config());

        Start("munged", "--force", "-S", Socket, "--key-file", key, "--pid-file", Pid("munged"), "--log-file", Path.Combine(_dir, "munged.log"),
            "--seed-file", Path.Combine(_dir, "munged.seed"));
        WaitFor(() => File.Exists(Socket), "munged's socket");
        Start("slurmctld", "-f", ConfigPath);
        Start("slurmd", "-f", ConfigPath, "-N", NodeName);
        WaitFor(() => Run("sinfo", "-h", "-o", "%t").Output.Trim() == "idle", "the node to be idle (see slurmctld.log, slurmd.log in " + _dir + ")");
    }

    /// <summary>The slurm.conf that client commands need (SLURM_CONF).</summary>
    public string ConfigPath { get; }

    private string Socket => Path.Combine(_dir, "munge.socket");

    /// <summary>Null when Slurm can run here, else why not (the skip reason).</summary>
    public static string? WhyUnavailable()
    {
        string[] absent = Programs.Where(p => Which(p) is null).ToArray();
        if (absent.Length > 0) return $"Slurm is not installed ({string.Join(", ", absent)} not found; .ci/run installs Debian's slurm-wlm and munge)";
        if (!Environment.IsPrivilegedProcess) return "slurmd must run as root to start jobs";
        return null;
    }

    /// <summary>Runs a Slurm client command against this cluster.</summary>
    public (int ExitCode, string Output) Run(string program, params string[] args) => Run(program, args, null);

    /// <summary>Runs a command (a Slurm client or a script calling them) with this cluster's SLURM_CONF plus <paramref name="environment"/>.</summary>
    public (int ExitCode, string Output) Run(string program, IReadOnlyList<string> args, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Waits (bounded) until no job is pending or running; says what is left when the time runs out.</summary>
    public void WaitUntilIdle(TimeSpan limit) =>
        WaitFor(() => Run("squeue", "-h").Output.Trim().Length == 0, "the queue to empty", limit, () => Run("squeue").Output);

    /// <summary>Waits (bounded) for <paramref name="condition"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what, TimeSpan? limit = null, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(30))) throw new TimeoutException($"timed out waiting for {what}" + (state is null ? "" : ": " + state()));
            Thread.Sleep(250);
        }
    }

    public void Dispose()
    {
        foreach (string daemon in new[] { "slurmd", "slurmctld", "munged" })
        {
            if (!File.Exists(Pid(daemon)) || !int.TryParse(File.ReadAllText(Pid(daemon)).Trim(), out int pid)) continue;
            try
            {
                using Process process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
        Directory.Delete(_dir, recursive: true);
    }

    private string Pid(string daemon) => Path.Combine(_dir, daemon + ".pid");

    private void Start(string program, params string[] args)
    {
        // Each daemon forks itself into the background; its exit code says whether it could start.
        var (code, output) = Run(Which(program)!, args);
        if (code != 0) throw new InvalidOperationException($"{program} did not start (exit {code}): {output}");
    }

    private string Config()
    {
        string host = Run("hostname", "-s").Output.Trim(); // slurmctld starts only on the host slurm.conf names
        return $"""
            ClusterName=anomalyprobe
            SlurmctldHost={host}(127.0.0.1)
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={Socket}
            SlurmUser=root
            SlurmdUser=root
            StateSaveLocation={_dir}/state
            SlurmdSpoolDir={_dir}/spool
            SlurmctldPidFile={Pid("slurmctld")}
            SlurmdPidFile={Pid("slurmd")}
            SlurmctldLogFile={_dir}/slurmctld.log
            SlurmdLogFile={_dir}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            MpiDefault=none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            ReturnToService=2
            KillWait=3
            SlurmdParameters=config_overrides
            NodeName={NodeName} NodeAddr=127.0.0.1 CPUs={Environment.ProcessorCount} RealMemory=1000 State=UNKNOWN
            PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
