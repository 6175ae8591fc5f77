namespace AnomalyProbe.Probe.Tests;

/// <summary>Locates the repository and the shared test data from the test's base directory.</summary>
/// <remarks>The shared data (real models and vocab files) lives in a folder <c>shared</c> holding
/// <c>models</c> and <c>vocab</c>, found by walking up from the test binaries; in CI it is a
/// sibling of the repository root.</remarks>
public static class TestPaths
{
    // The build output holds a copy of models/stories260K.gguf too, hence the .sln check.
    private static readonly Lazy<string> Repo = new(() => FindUp(
        dir => File.Exists(Path.Combine(dir, "AnomalyProbe.sln")) && File.Exists(Path.Combine(dir, "models", "stories260K.gguf")),
        "the repository root (AnomalyProbe.sln and models/stories260K.gguf)"));

    private static readonly Lazy<string> Shared = new(() => Path.Combine(FindUp(
        dir => Directory.Exists(Path.Combine(dir, "shared", "models")),
        "a folder containing shared/models"), "shared"));

    /// <summary>The repository root.</summary>
    public static string RepoRoot => Repo.Value;

    /// <summary>The shared test data folder.</summary>
    public static string SharedDir => Shared.Value;

    /// <summary>The shared real models (stories260K.gguf, aidreams260K.gguf, poem-zh.gguf).</summary>
    public static string ModelsDir => Path.Combine(SharedDir, "models");

    /// <summary>The shared vocab-only files (ggml-vocab-*.gguf).</summary>
    public static string VocabDir => Path.Combine(SharedDir, "vocab");

    /// <summary>The project's embedded default model.</summary>
    public static string DefaultModel => Path.Combine(RepoRoot, "models", "stories260K.gguf");

    private static string FindUp(Func<string, bool> matches, string what)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (matches(dir.FullName))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"could not find {what} above {AppContext.BaseDirectory}");
    }
}
