using System.Text.RegularExpressions;
using AnomalyProbe.Probe.Commands;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace AnomalyProbe.Probe.Tests.Cluster;

/// <summary>
/// deploy/k8s and deploy/Dockerfile cannot run here (no cluster, no image registry), so they are
/// checked against the app: the command lines the Jobs run parse with the app's own parser, agree
/// with each other and the image, and — run here with /data mapped to a directory — scan and merge
/// the embedded model into the unsharded scan's tokens.csv.
/// </summary>
public sealed partial class KubernetesRecipeTests : IDisposable
{
    private static readonly string Deploy = Path.Combine(TestPaths.RepoRoot, "deploy");

    private readonly string _data = Directory.CreateTempSubdirectory("k8s-data").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Deploy, "k8s", file))) yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => key.StartsWith('#') ? ((YamlSequenceNode)n)[int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture)] : ((YamlMappingNode)n)[key]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static string[] List(YamlNode node, params string[] path) => [.. ((YamlSequenceNode)At(node, path)).Select(n => ((YamlScalarNode)n).Value!)];

    private static YamlNode Container(YamlMappingNode job) => At(job, "spec", "template", "spec", "containers", "#0");

    // Kubernetes expands $(NAME) in args from the container's env; every name used must be defined there.
    private static string[] Expand(YamlNode container, string[] args, Dictionary<string, string> values)
    {
        var defined = ((YamlSequenceNode)At(container, "env")).Select(e => Text(e, "name")).ToHashSet();
        return [.. args.Select(a => Variable().Replace(a, m =>
        {
            Assert.Contains(m.Groups[1].Value, defined);
            return values[m.Groups[1].Value];
        }))];
    }

    [GeneratedRegex(@"\$\(([A-Z_]+)\)")]
    private static partial Regex Variable();

    private static void AssertParses(string[] args)
    {
        var parse = Cli.Build().Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)) + " in: " + string.Join(' ', args));
    }

    private static string Option(string[] args, string name) => args[Array.IndexOf(args, name) + 1];

    // The args as run here: /data (the volume's mount) becomes a directory of the test's, holding the model.
    private string[] Local(string[] args, string mount) => [.. args.Select(a => a.StartsWith(mount + "/", StringComparison.Ordinal) ? _data + a[mount.Length..] : a)];

    [Fact]
    public void TheIndexedJobAndTheMergeRunTheAppsOwnCommandLines()
    {
        YamlMappingNode scanJob = Load("scan-job.yaml"), mergeJob = Load("merge-job.yaml"), claim = Load("data-pvc.yaml");
        Assert.Equal("Indexed", Text(scanJob, "spec", "completionMode"));
        int n = int.Parse(Text(scanJob, "spec", "completions"), System.Globalization.CultureInfo.InvariantCulture);
        YamlNode scan = Container(scanJob), merge = Container(mergeJob);

        // The image's entry point, the shared volume and its claim.
        string entry = Regex.Match(File.ReadAllText(Path.Combine(Deploy, "Dockerfile")), @"^ENTRYPOINT \[""([^""]+)""\]", RegexOptions.Multiline).Groups[1].Value;
        foreach (var (job, container) in new[] { (scanJob, scan), (mergeJob, merge) })
        {
            Assert.Equal([entry], List(container, "command"));
            Assert.Equal(Text(claim, "metadata", "name"), Text(job, "spec", "template", "spec", "volumes", "#0", "persistentVolumeClaim", "claimName"));
            Assert.Equal("Never", Text(job, "spec", "template", "spec", "restartPolicy"));
        }
        string mount = Text(scan, "volumeMounts", "#0", "mountPath");
        Assert.Equal(mount, Text(merge, "volumeMounts", "#0", "mountPath"));

        // Shard i of n for each index, resumable; the merge reads what the shards wrote, from the same model.
        string[] scanArgs = List(scan, "args"), mergeArgs = List(merge, "args");
        Assert.Equal("scan", scanArgs[0]);
        Assert.Equal($"$(SHARD_INDEX)/{n}", Option(scanArgs, "--shard"));
        Assert.Contains("--resume", scanArgs);
        Assert.Equal("merge", mergeArgs[0]);
        Assert.Equal(Option(scanArgs, "--model"), Option(mergeArgs, "--model"));
        string shards = Option(scanArgs, "--out").Replace("/$(SHARD_INDEX)", "", StringComparison.Ordinal);
        Assert.Equal(shards, mergeArgs[1]);
        Assert.All(new[] { Option(scanArgs, "--model"), shards, Option(mergeArgs, "--out") }, p => Assert.StartsWith(mount + "/", p, StringComparison.Ordinal));

        // Every pod's command line parses; run here, the pods and the merge give the unsharded scan.
        string model = Local(scanArgs, mount)[Array.IndexOf(scanArgs, "--model") + 1];
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.Copy(TestPaths.DefaultModel, model);
        for (int i = 0; i < n; i++)
        {
            string[] pod = Expand(scan, scanArgs, new Dictionary<string, string> { ["SHARD_INDEX"] = $"{i}", ["THREADS"] = "2" });
            AssertParses(pod);
            CliResult r = CliProcess.Run(Local(pod, mount));
            Assert.True(r.ExitCode == 0, r.StdErr);
        }
        AssertParses(mergeArgs);
        CliResult m = CliProcess.Run(Local(mergeArgs, mount));
        Assert.True(m.ExitCode == 0, m.StdErr);
        string merged = Path.Combine(Local(mergeArgs, mount)[Array.IndexOf(mergeArgs, "--out") + 1], ScanOutputs.TokensFile);
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "reports", "stories260K", ScanOutputs.TokensFile)), File.ReadAllText(merged));
        // Run again (a retried merge pod), it replaces its own result.
        Assert.Equal(0, CliProcess.Run(Local(mergeArgs, mount)).ExitCode);
    }

    [Fact]
    public void TheDockerfileCopiesWhatTheBuildNeedsAndPublishesTheApp()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile"));
        var sources = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, s)) || Directory.Exists(Path.Combine(TestPaths.RepoRoot, s)), $"COPY {s}: not in the repository"));
        // Everything the build reads from the repository root is copied.
        foreach (string file in new[] { "global.json", ".editorconfig", "Directory.Build.props", "Directory.Packages.props" }) Assert.Contains(file, sources);
        string publish = lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal));
        string project = Regex.Match(publish, @"dotnet publish (\S+)").Groups[1].Value;
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, project)), project);
        Assert.Contains("-o /app", publish, StringComparison.Ordinal);
        Assert.Contains(@"ENTRYPOINT [""/app/anomalyprobe""]", lines);
        // The backend argument is one the project accepts.
        Assert.Contains("ARG BACKEND=Cpu", lines);
        Assert.Contains("-p:LlamaBackend=$BACKEND", publish, StringComparison.Ordinal);
    }
}
