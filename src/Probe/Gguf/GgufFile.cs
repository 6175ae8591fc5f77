namespace AnomalyProbe.Probe.Gguf;

// TEMPORARY placeholder until the gguf branch is merged.
public sealed class GgufFile : IDisposable
{
    public bool IsVocabOnly { get; private init; }
    public static GgufFile Open(string path) => File.Exists(path) ? new GgufFile() : throw new FileNotFoundException(path);
    public void Dispose() { }
}
public sealed class GgufFormatException(string message, long offset) : Exception(message) { public long Offset { get; } = offset; }
