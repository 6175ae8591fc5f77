using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// Everything that determines a scan's results. Its fingerprint guards <c>--resume</c> and
/// <c>merge</c>: a journal is only continued, or shards only combined, when it matches. The harvest
/// is post-processing (its own journal group, keyed by its settings) and is not part of it.
/// </summary>
/// <param name="ModelPath">The model as given.</param>
/// <param name="ModelSha256">The model file's SHA-256: what identifies it.</param>
/// <param name="ModelSize">The model file's size in bytes.</param>
/// <param name="Templates">The probe templates, in column order.</param>
/// <param name="Tokens">Which token ids are probed.</param>
/// <param name="BatchProbes">Probes per decode (B): it fixes the groups, and so the journal's keys.</param>
/// <param name="AnswerTokens">Greedy answer tokens per probe.</param>
/// <param name="Naive">The naive runner.</param>
/// <param name="Exact">float32 KV cache, no flash attention.</param>
/// <param name="Harvest">The T → 0⁻ harvest (not fingerprinted).</param>
/// <param name="ChatTemplate">The built-in chat format for chat templates; null = the model's own.</param>
/// <param name="Attempts">Sampled answers per probe; null = the greedy answer alone.</param>
/// <param name="Design">A two-stage scan's selection within <paramref name="Tokens"/>; null = every selected token.</param>
/// <param name="DesignRequest">What was asked for (<see cref="TwoStageRequest.Spec"/>): a resume that asks the same reuses <paramref name="Design"/>.</param>
/// <param name="OneTokenBatchProbes">B of the templates whose probe is one token (<see cref="BatchSizes"/>); null = <paramref name="BatchProbes"/>,
/// as in journals written before B was per template.</param>
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
    HarvestSettings Harvest,
    string? ChatTemplate = null,
    AttemptSettings? Attempts = null,
    SelectionDesign? Design = null,
    string? DesignRequest = null,
    int? OneTokenBatchProbes = null)
{
    /// <summary>Probes per decode of each template.</summary>
    [JsonIgnore]
    public BatchSizes Batches => new(BatchProbes, OneTokenBatchProbes);

    /// <summary>The ids the scan probes, ascending.</summary>
    public int[] ProbedIds(int vocabularySize) => Design?.ProbedIds() ?? Tokens.Resolve(vocabularySize);

    /// <summary>The answers each probe samples (the greedy one alone unless <c>--attempts</c>).</summary>
    [JsonIgnore]
    public AttemptSettings Sampling => Attempts ?? AttemptSettings.Greedy;

    /// <summary>A stable hash of the result-determining settings (not the shard, threads, paths or harvest).</summary>
    public string Fingerprint() => Hash(Canonical(withHarvest: false));

    /// <summary>
    /// The fingerprint journals written before the harvest left it carry (it held the harvest settings,
    /// so it is computed with the journal's own); a journal with it is continued and merged as if it had
    /// <see cref="Fingerprint"/>.
    /// </summary>
    public string LegacyFingerprint() => Hash(Canonical(withHarvest: true));

    /// <summary>What differs from <paramref name="other"/>, in the user's words ("templates", "batch", …).</summary>
    public IReadOnlyList<string> Differences(ScanSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (ModelSha256 != other.ModelSha256 || ModelSize != other.ModelSize) differences.Add("model");
        if (!Templates.Select(t => (t.Name, t.Text)).SequenceEqual(other.Templates.Select(t => (t.Name, t.Text))))
        {
            differences.Add($"templates ({string.Join(", ", other.Templates.Select(t => t.Name))} there, {string.Join(", ", Templates.Select(t => t.Name))} here)");
        }
        if (Tokens != other.Tokens) differences.Add("tokens");
        if (Batches != other.Batches) differences.Add($"batch ({other.Batches} there)");
        if (AnswerTokens != other.AnswerTokens) differences.Add($"answer tokens ({other.AnswerTokens} there)");
        if (Naive != other.Naive || Exact != other.Exact) differences.Add("runner (--naive, --exact)");
        if (ChatTemplate != other.ChatTemplate) differences.Add("chat template");
        if (Sampling != other.Sampling) differences.Add("attempts");
        if (DesignRequest != other.DesignRequest) differences.Add($"two-stage selection ({other.DesignRequest ?? "none"} there)");
        else if (JsonSerializer.Serialize(Design) != JsonSerializer.Serialize(other.Design)) differences.Add("two-stage selection (the ranking gave other tokens)");
        return differences;
    }

    private JsonObject Canonical(bool withHarvest)
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
        };
        JsonObject json = JsonSerializer.SerializeToNode(canonical)!.AsObject();
        if (withHarvest) json["harvest"] = JsonSerializer.SerializeToNode(Harvest);
        // Only when given, so journals written before these options existed still resume.
        if (ChatTemplate is not null) json["chat_template"] = ChatTemplate;
        if (OneTokenBatchProbes is int one) json["one_token_batch"] = one;
        if (Sampling.Sampled) json["attempts"] = JsonSerializer.SerializeToNode(Sampling);
        if (Design is not null) json["design"] = JsonSerializer.SerializeToNode(Design);
        return json;
    }

    private static string Hash(JsonObject canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())));
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
    /// <summary>
    /// The defaults: the model's own text — BOS alone, no words of any language — at T → 0⁻, −0.1 and
    /// −0.3, 128 tokens each; or the given prompts at those temperatures, 32 tokens each.
    /// </summary>
    public static HarvestSettings Default(bool enabled, int seed, VocabFilter? vocabFilter = null, IReadOnlyList<string>? prompts = null) =>
        prompts is { Count: > 0 }
            ? new(enabled, prompts, ["-0", "-0.1", "-0.3"], 32, seed, vocabFilter)
            : new(enabled, [""], ["-0", "-0.1", "-0.3"], 128, seed, vocabFilter);

    /// <summary>Identifies these settings in the journal (the harvest group's key and record).</summary>
    public string Canonical() => JsonSerializer.Serialize(this);

    /// <summary>Reads prompts from a file, one per line (blank lines skipped), for <c>--harvest-prompts</c>.</summary>
    public static IReadOnlyList<string> ReadPrompts(string path)
    {
        if (Directory.Exists(path)) throw new InputException($"'{path}' is a directory, not a file of prompts") { Parameter = "harvest-prompts" };
        if (!File.Exists(path)) throw new InputException($"'{path}' does not exist") { Parameter = "harvest-prompts" };
        var prompts = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).ToList();
        return prompts.Count > 0 ? prompts : throw new InputException($"'{path}' holds no prompt (one per line)") { Parameter = "harvest-prompts" };
    }
}
