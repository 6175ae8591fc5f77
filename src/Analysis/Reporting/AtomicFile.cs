namespace AnomalyProbe.Analysis.Reporting;

/// <summary>
/// Writes a file whole or not at all: into a temporary file beside it, then renamed over it. A scan
/// stopped by SIGKILL (a scheduler's grace period ran out) leaves the old file or the new one, never half.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on an exception the old file stays.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
