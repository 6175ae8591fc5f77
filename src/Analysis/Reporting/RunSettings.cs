namespace AnomalyProbe.Analysis.Reporting;

/// <summary>The settings a run was made with.</summary>
public sealed record RunSettings
{
    /// <summary>Token selection as given (e.g. "all", "0-999").</summary>
    public required string Tokens { get; init; }

    /// <summary>Size of the random sample of the selection; null when all selected tokens were probed.</summary>
    public int? Sample { get; init; }

    /// <summary>Seed of the sampling and of any random draws.</summary>
    public required int Seed { get; init; }

    /// <summary>Probes per decode (B) of templates with a suffix; each template's own is <see cref="TemplateInfo.Batch"/>.</summary>
    public required int Batch { get; init; }

    /// <summary>CPU threads; a merge's is its shards' when they agree, else null.</summary>
    public required int? Threads { get; init; }

    /// <summary>Model layers offloaded to a GPU (0 on CPU).</summary>
    public int GpuLayers { get; init; }

    /// <summary>Shard as "i/n"; null when unsharded.</summary>
    public string? Shard { get; init; }

    /// <summary>How many shard scans a merge combined; null for a scan.</summary>
    public int? MergedShards { get; init; }

    /// <summary>Probe runner: "batched" or "naive".</summary>
    public required string Runner { get; init; }

    /// <summary>Answer tokens recorded per probe; null in runs made before it was recorded.</summary>
    public int? AnswerTokens { get; init; }

    /// <summary>Sampled answers per probe (1 = the greedy answer alone).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Temperature of the sampled answers; 0 = greedy.</summary>
    public double AttemptTemperature { get; init; }

    /// <summary>A two-stage scan's request (candidates, control or budget, ranking); null for a full scan.</summary>
    public string? TwoStage { get; init; }

    /// <summary>The measure a two-stage scan's candidates are the lowest of.</summary>
    public string? RankBy { get; init; }

    /// <summary>Settings of the T → 0⁻ harvest, by name; empty when there was none.</summary>
    public IReadOnlyDictionary<string, string> Harvest { get; init; } = new Dictionary<string, string>();
}
