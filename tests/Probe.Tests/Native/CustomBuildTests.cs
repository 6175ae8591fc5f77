using System.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary><c>--llama-dir</c>: a custom build is used when it is the pinned one, refused with one line otherwise.</summary>
public sealed class CustomBuildTests
{
    [Fact]
    public void AnEmptyDirectoryNamesEveryMissingFile()
    {
        string dir = Directory.CreateTempSubdirectory("llama-empty").FullName;
        CliResult r = CliProcess.Run("generate", "-n", "1", "--llama-dir", dir);
        Assert.Equal(1, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (string file in new[] { "libllama.so", "libggml.so", "libggml-base.so" })
        {
            Assert.Contains(Path.Combine(dir, file) + " (missing)", r.StdErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AMissingDirectoryIsNamed()
    {
        CliResult r = CliProcess.Run(["generate", "-n", "1"], new Dictionary<string, string> { [NativeLibraries.DirectoryVariable] = "/nonexistent/llama" });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'/nonexistent/llama' does not exist", r.StdErr, StringComparison.Ordinal);
        Assert.False(r.LooksLikeCrash, r.StdErr);
    }

    [Fact]
    public void AFileThatIsNoLibraryGetsTheLoadersReason()
    {
        string dir = CopyOfThePackagesBuild();
        File.WriteAllText(Path.Combine(dir, "libllama.so"), "not a library");
        CliResult r = CliProcess.Run("generate", "-n", "1", "--llama-dir", dir);
        Assert.Equal(1, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains("libllama.so (failed to load:", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameBuildFromAnotherDirectoryWorks()
    {
        string dir = CopyOfThePackagesBuild();
        CliResult r = CliProcess.Run("generate", "-t", "0", "-n", "8", "--llama-dir", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.StartsWith("Once upon a time", r.StdOut, StringComparison.Ordinal);
        CliResult inspect = CliProcess.Run("inspect", "--json", "--llama-dir", dir);
        Assert.Contains($"\"library\": \"{Path.Combine(dir, "libllama.so")}\"", inspect.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"backend\": \"custom\"", inspect.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void ABuildOfAnotherCommitIsRefusedWithFoundAndExpected()
    {
        // The package's own libraries with ggml's commit string changed: the same code, another identity.
        string dir = CopyOfThePackagesBuild();
        string ggmlBase = Path.Combine(dir, "libggml-base.so");
        byte[] bytes = File.ReadAllBytes(ggmlBase);
        byte[] pinned = Encoding.ASCII.GetBytes(NativeLibraries.PinnedGgmlCommit + "\0");
        int at = bytes.AsSpan().IndexOf(pinned);
        Assert.True(at >= 0, "the pinned commit string is in libggml-base");
        Assert.True(bytes.AsSpan(at + 1).IndexOf(pinned) < 0, "and only once");
        Encoding.ASCII.GetBytes("0123abcde").CopyTo(bytes, at);
        File.WriteAllBytes(ggmlBase, bytes);

        CliResult r = CliProcess.Run(["generate", "-n", "1"], new Dictionary<string, string> { [NativeLibraries.DirectoryVariable] = dir });
        Assert.Equal(1, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains("commit 0123abcde", r.StdErr, StringComparison.Ordinal);
        Assert.Contains($"commit {NativeLibraries.PinnedGgmlCommit}", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    // The variant this process loaded, copied into a fresh directory.
    private static string CopyOfThePackagesBuild()
    {
        string source = Path.GetDirectoryName(LlamaRuntime.Engine.Library)!;
        string dir = Directory.CreateTempSubdirectory("llama-copy").FullName;
        foreach (string file in Directory.GetFiles(source, "*.so")) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }
}
