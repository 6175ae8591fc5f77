using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// Everything that determines a scan's results. Its fingerprint guards <c>--resume</c> and
/// <c>merge</c>: a journal is only continued, or shards only combined, when it matches.
/// </summary>
public sealed record ScanSettings(
    string ModelPath,
    string ModelSha256,
    long ModelSize,
    IReadOnlyList<PromptTemplate> Templates,
    TokenSelection Tokens,
    int BatchProbes,
    int AnswerTokens,
    bool Naive,
    bool Exact,
    HarvestSettings Harvest)
{
    /// <summary>A stable hash of the result-determining settings (not the shard, threads or paths).</summary>
    public string Fingerprint()
    {
        var canonical = new
        {
            model = ModelSha256,
            size = ModelSize,
            templates = Templates.Select(t => new { t.Name, t.Text }),
            tokens = Tokens.Spec,
            sample = Tokens.Sample,
            seed = Tokens.Seed,
            batch = BatchProbes,
            answer = AnswerTokens,
            naive = Naive,
            exact = Exact,
            harvest = Harvest,
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(canonical))));
    }
}

/// <summary>The T → 0⁻ harvest: neutral prompts generated at negative temperatures.</summary>
/// <param name="Enabled">False with <c>--no-harvest</c>.</param>
/// <param name="Prompts">Neutral prompts (empty = BOS alone).</param>
/// <param name="Temperatures">Negative temperatures, "-0" meaning T → 0⁻.</param>
/// <param name="TokensPerRun">Tokens generated per (prompt, temperature).</param>
/// <param name="Seed">Sampling seed.</param>
/// <param name="VocabFilter">The tokens the harvest may emit (<c>--vocab-filter</c>); null = all. Left out of the
/// fingerprint when null, so journals written before the option existed still resume.</param>
public sealed record HarvestSettings(
    bool Enabled, IReadOnlyList<string> Prompts, IReadOnlyList<string> Temperatures, int TokensPerRun, int Seed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VocabFilter? VocabFilter = null)
{
    /// <summary>The defaults: four neutral prompts at T → 0⁻, −0.1 and −0.3, 32 tokens each.</summary>
    public static HarvestSettings Default(bool enabled, int seed, VocabFilter? vocabFilter = null) =>
        new(enabled, ["", "The", "Hello", "Once upon a time"], ["-0", "-0.1", "-0.3"], 32, seed, vocabFilter);
}
