using System.Diagnostics;
using System.Security.Cryptography;

namespace AnomalyProbe.Probe.Tests.Support;

/// <summary>
/// The C headers of the pinned llama.cpp build, taken from the npm package node-llama-cpp@3.22.1
/// (its git bundle of the llama.cpp source), extracted once into artifacts/llama-header/.
/// </summary>
public static class LlamaHeader
{
    private const string Package = "node-llama-cpp@3.22.1";
    private const string Integrity = "sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw==";
    private static readonly Lazy<string> s_root = new(Extract);

    /// <summary>Folder with include/llama.h and ggml/include/*.h.</summary>
    public static string Root => s_root.Value;

    private static string Extract()
    {
        string cache = Path.Combine(TestPaths.RepoRoot, "artifacts", "llama-header");
        string source = Path.Combine(cache, "src");
        string stamp = Path.Combine(cache, ".extracted");
        if (File.Exists(stamp)) return source;

        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        Directory.CreateDirectory(cache);
        Run("npm", cache, "pack", Package, "--silent");
        string tarball = Directory.GetFiles(cache, "node-llama-cpp-*.tgz").Single();
        string hash = "sha512-" + Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(tarball)));
        if (hash != Integrity) throw new InvalidOperationException($"{Package} integrity mismatch: {hash}");
        Run("tar", cache, "-xzf", tarball, "package/llama/gitRelease.bundle");
        Run("git", cache, "clone", "-q", "--no-checkout", "package/llama/gitRelease.bundle", "src");
        Run("git", source, "-c", "advice.detachedHead=false", "checkout", "-q", "HEAD", "--", "include", "ggml/include");
        File.Delete(tarball);
        Directory.Delete(Path.Combine(cache, "package"), recursive: true);
        File.WriteAllText(stamp, Package);
        return source;
    }

    /// <summary>Runs a tool and returns its stdout; throws with its stderr on failure.</summary>
    public static string Run(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }
}
