using System.Diagnostics;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Bench;

/// <summary>
/// Synthetic llama-architecture models of a given <see cref="ModelShape"/> for benchmarks: a
/// 32k-token SentencePiece-style vocabulary, deterministic pseudo-random weights, quantized to
/// Q8_0 (or Q4_K) by llama.cpp and cached on disk, so a benchmark gets realistic sizes and timings without
/// downloading a model.
/// </summary>
public static class SyntheticModel
{
    private const string LockSuffix = ".lock";
    private const string TemporarySuffix = ".tmp";
    private static readonly TimeSpan LockRetryInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// <c>$XDG_CACHE_HOME/anomalyprobe/synthetic</c> when XDG_CACHE_HOME is an absolute path,
    /// otherwise <c>~/.cache/anomalyprobe/synthetic</c>.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "anomalyprobe", "synthetic");
        }
    }

    /// <summary>File name of the cached model, e.g. <c>llama-134m-q8_0.gguf</c>.</summary>
    public static string FileName(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return $"llama-{shape.Name}-{shape.WeightTypeName}.gguf";
    }

    /// <summary>Where <see cref="GetOrCreate"/> keeps the model of <paramref name="shape"/> (whether or not it exists yet).</summary>
    public static string CachePath(ModelShape shape, string? cacheDirectory = null) =>
        Path.GetFullPath(Path.Combine(cacheDirectory ?? DefaultCacheDirectory, FileName(shape)));

    /// <summary>
    /// The path of the quantized model of <paramref name="shape"/>, creating it first unless a valid
    /// copy is cached.
    /// </summary>
    /// <remarks>
    /// A cached file is reused when the GGUF reader validates it and its metadata records the
    /// same shape and generator version; anything else (a truncated file, another shape of the
    /// same name) is rebuilt. Building writes an F32 staging file next to the cache entry,
    /// quantizes it with <c>llama_model_quantize</c> (every matrix, the embeddings and output
    /// included, to the shape's weight type), deletes the staging file and renames the result into place, so the
    /// cache never holds a partial file. A lock file serialises builders of one shape across
    /// threads and processes; a second caller waits and then reuses the first one's file.
    /// Disk use while building: the F32 size (4 bytes a parameter) plus the quantized size.
    /// </remarks>
    /// <param name="shape">The model shape.</param>
    /// <param name="cacheDirectory">Cache folder (created if missing); default <see cref="DefaultCacheDirectory"/>.</param>
    /// <param name="progress">Told what is happening (reuse, waiting, writing, quantizing), in a line each.</param>
    /// <returns>The full path of the cached GGUF.</returns>
    /// <exception cref="ArgumentException">The shape breaks a rule of <see cref="ModelShape.Validate"/>.</exception>
    /// <exception cref="IOException">Not enough disk space, or the cache cannot be written.</exception>
    /// <exception cref="LlamaException">llama.cpp failed to quantize.</exception>
    public static string GetOrCreate(ModelShape shape, string? cacheDirectory = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        string path = CachePath(shape, cacheDirectory);
        if (ProblemWithCachedFile(path, shape) is null)
        {
            progress?.Invoke($"using cached {path}");
            return path;
        }

        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        using (AcquireLock(path + LockSuffix, progress))
        {
            // Another thread or process may have built it while we waited.
            string? problem = ProblemWithCachedFile(path, shape);
            if (problem is null)
            {
                progress?.Invoke($"using cached {path}");
                return path;
            }
            if (File.Exists(path))
            {
                progress?.Invoke($"cached {path} is unusable ({problem}); rebuilding it");
            }
            Build(shape, path, progress);
        }
        return path;
    }

    /// <summary>Why the file at <paramref name="path"/> cannot serve as the model of <paramref name="shape"/>, or null when it can.</summary>
    internal static string? ProblemWithCachedFile(string path, ModelShape shape)
    {
        if (!File.Exists(path))
        {
            return "missing";
        }
        try
        {
            using GgufFile file = GgufFile.Open(path);
            if (file.GetString(SyntheticGguf.ShapeKey) != shape.Spec || file.GetString("general.name") != $"synthetic-llama-{shape.Name}")
            {
                return $"built for another shape: {file.GetString("general.name")} ({file.GetString(SyntheticGguf.ShapeKey)})";
            }
            if (file.GetInt64(SyntheticGguf.VersionKey) != SyntheticGguf.GeneratorVersion)
            {
                return $"built by generator version {file.GetInt64(SyntheticGguf.VersionKey)}, not {SyntheticGguf.GeneratorVersion}";
            }
            int expected = SyntheticTensor.For(shape).Count;
            if (file.Tensors.Count != expected)
            {
                return $"{file.Tensors.Count} tensors instead of {expected}";
            }
            foreach (string name in (string[])["token_embd.weight", "output.weight"])
            {
                if (file.FindTensor(name)?.Type != shape.WeightType)
                {
                    return $"{name} is not {shape.WeightTypeName}";
                }
            }
            return null;
        }
        catch (Exception e) when (e is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static void Build(ModelShape shape, string path, Action<string>? progress)
    {
        var clock = Stopwatch.StartNew();
        string directory = Path.GetDirectoryName(path)!;
        DeleteLeftovers(path);

        long f32Bytes = SyntheticGguf.DataSize(shape);
        GgmlTypeInfo info = GgmlTypeInfo.Get(shape.WeightType);
        long quantizedBytes = shape.ParameterCount / info.BlockSize * info.TypeSize;
        RequireFreeSpace(directory, f32Bytes + quantizedBytes + (64L << 20));

        string unique = Guid.NewGuid().ToString("N");
        string staging = $"{path}.{unique}.f32{TemporarySuffix}";
        string quantized = $"{path}.{unique}{TemporarySuffix}";
        try
        {
            progress?.Invoke($"creating synthetic model {shape}: writing F32 staging file ({f32Bytes / (1024.0 * 1024.0):F0} MiB)");
            SyntheticGguf.WriteF32(shape, staging, progress);
            progress?.Invoke($"quantizing to {shape.WeightType} ({Environment.ProcessorCount} threads)");
            // Pure quantization: with MostlyQ4_K_M every matrix becomes Q4_K (no per-tensor mixture).
            LlamaFileType fileType = shape.WeightType == GgmlType.Q4_K ? LlamaFileType.MostlyQ4_K_M : LlamaFileType.MostlyQ8_0;
            ModelQuantizer.Quantize(staging, quantized, fileType, Environment.ProcessorCount);
            File.Delete(staging);
            using (var written = new FileStream(quantized, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                written.Flush(flushToDisk: true);
            }
            if (ProblemWithCachedFile(quantized, shape) is string problem)
            {
                throw new InvalidDataException($"the quantized synthetic model is not as expected: {problem}");
            }
            File.Move(quantized, path, overwrite: true);
            progress?.Invoke($"created {path} ({new FileInfo(path).Length / (1024.0 * 1024.0):F1} MiB) in {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            File.Delete(staging);
            File.Delete(quantized);
        }
    }

    // Temporary files of this entry left by a builder that died (we hold the lock, so no live
    // builder owns them): a 7B staging file alone takes 27 GB.
    private static void DeleteLeftovers(string path)
    {
        string directory = Path.GetDirectoryName(path)!;
        foreach (string leftover in Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".*" + TemporarySuffix))
        {
            File.Delete(leftover);
        }
    }

    private static void RequireFreeSpace(string directory, long bytes)
    {
        long available;
        try
        {
            available = new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return; // cannot tell: let the writes fail if they must
        }
        if (available < bytes)
        {
            throw new IOException(
                $"building the synthetic model in {directory} needs about {bytes / (1024.0 * 1024 * 1024):F1} GiB of free disk " +
                $"(F32 staging plus the quantized copy), but only {available / (1024.0 * 1024 * 1024):F1} GiB is available");
        }
    }

    // FileShare.None takes an exclusive advisory lock (flock on Unix), held per open file, so it
    // excludes other threads of this process as well as other processes; the OS drops it if the
    // process dies. The lock file itself is left in place: deleting it would race with waiters.
    private static FileStream AcquireLock(string lockPath, Action<string>? progress)
    {
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsSharingViolation(e))
            {
                if (!told)
                {
                    progress?.Invoke($"waiting for another builder holding {lockPath}");
                    told = true;
                }
                Thread.Sleep(LockRetryInterval);
            }
        }
    }

    // Windows reports ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION; Unix reports the errno of
    // the failed flock, EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs).
    private static bool IsSharingViolation(IOException e) => OperatingSystem.IsWindows()
        ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
}
