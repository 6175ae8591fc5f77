namespace AnomalyProbe.Probe.Tests;

// TEMPORARY until the gguf branch lands its version.
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
    public static string ModelsDir => Path.Combine(SharedDir, "models");
    public static string VocabDir => Path.Combine(SharedDir, "vocab");
    public static string DefaultModel => Path.Combine(RepoRoot, "models", "stories260K.gguf");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AnomalyProbe.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repo root not found");
    }
}
