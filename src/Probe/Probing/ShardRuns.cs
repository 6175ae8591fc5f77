using System.Text.Json;
using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// What the shards' own run.json files say about how they ran, for the merged run.json: the thread
/// count and GPU layers when every shard agrees (null threads when they differ or a shard wrote no
/// run.json), and the probes and seconds of their last runs, whose ratio is one process's speed.
/// </summary>
public sealed record ShardRuns(int? Threads, int GpuLayers, int Probes, double ProbeSeconds)
{
    /// <summary>Reads the run.json of each shard directory that has one.</summary>
    public static ShardRuns Read(IEnumerable<string> shardDirectories)
    {
        var runs = new List<RunInfo>();
        int total = 0;
        foreach (string dir in shardDirectories)
        {
            total++;
            string path = Path.Combine(dir, ScanOutputs.RunFile);
            if (!File.Exists(path)) continue;
            try
            {
                runs.Add(RunInfo.Read(path));
            }
            catch (JsonException)
            {
                // A shard's run.json is a summary; the journal is what the merge trusts.
            }
        }
        bool all = runs.Count == total;
        int? threads = all && runs.Select(r => r.Settings.Threads).Distinct().Count() == 1 ? runs[0].Settings.Threads : null;
        int gpuLayers = all && runs.Select(r => r.Settings.GpuLayers).Distinct().Count() == 1 ? runs[0].Settings.GpuLayers : 0;
        var timed = runs.Where(r => r.ProbesPerS > 0).ToList();
        return new ShardRuns(threads, gpuLayers, timed.Sum(r => r.Counts.Probes), timed.Sum(r => r.Counts.Probes / r.ProbesPerS));
    }
}
