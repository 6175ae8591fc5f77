using System.Reflection;
using System.Security.Cryptography;
using AnomalyProbe.Analysis.Reporting;

namespace AnomalyProbe.Probe;

/// <summary>What every output file says about what made it and what it was made from.</summary>
public static class ToolIdentity
{
    /// <summary>This program and its version.</summary>
    public static ToolInfo Tool { get; } = new("anomalyprobe",
        typeof(ToolIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    /// <summary>SHA-256 of a file, lowercase hex (model files are identified by it).</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
