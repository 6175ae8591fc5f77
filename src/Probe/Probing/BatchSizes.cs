using System.Globalization;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// Probes per decode (B) for each template of a scan. By default 128, and twice that — llama.cpp's most,
/// 256 sequences, with greedy answers — for a template whose probe is the inserted token alone — a plain template that
/// ends at its slot, as induction does. Why: the greedy answer needs one decode per answer token,
/// and every decode pays a fixed cost besides its tokens (reading the weights: measured on the 134m
/// shape, a decode costs about as much as 11 more tokens), so a template that adds one token per probe
/// spends most of its time in answer decodes of B tokens each, and doubling B halves that overhead;
/// a longer probe's suffix decode dominates, and a larger B there only costs K/V memory (chat and
/// completion were slower at 255). A <c>--batch</c> given applies to every template. The one-token B
/// is a multiple of the other, so a block of the larger B holds whole groups of every template:
/// shards own blocks (<see cref="Scanner.Plan"/>), and each shard probes the same tokens with every template.
/// </summary>
/// <param name="Probes">B of templates with a suffix (and of every template when <paramref name="OneTokenProbes"/> is null).</param>
/// <param name="OneTokenProbes">B of templates whose probe is one token; null = <paramref name="Probes"/>.</param>
public sealed record BatchSizes(int Probes, int? OneTokenProbes = null)
{
    /// <summary>B of templates with a suffix when <c>--batch</c> is not given.</summary>
    public const int DefaultProbes = 128;

    /// <summary>The default sizes, within what <paramref name="attempts"/> leave room for.</summary>
    public static BatchSizes Default(AttemptSettings? attempts = null)
    {
        int most = BatchRunner.MaxBatchProbesFor(attempts ?? AttemptSettings.Greedy);
        int probes = Math.Min(DefaultProbes, most);
        int one = most / probes * probes;
        return new BatchSizes(probes, one > probes ? one : null);
    }

    /// <summary>The largest B: shards own blocks of this many selected ids.</summary>
    public int Block => Math.Max(Probes, OneTokenProbes ?? 0);

    /// <summary>One B for every template (<c>--batch B</c>).</summary>
    public static BatchSizes Fixed(int probes) => new(probes);

    /// <summary>B of <paramref name="template"/>.</summary>
    public int For(PromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return OneTokenProbes is int one && template.ProbeIsOneToken ? one : Probes;
    }

    /// <summary>B of each template, in their order.</summary>
    public int[] For(IReadOnlyList<PromptTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return [.. templates.Select(For)];
    }

    /// <summary>Refuses a size outside what llama.cpp holds with <paramref name="attempts"/>.</summary>
    public void Check(AttemptSettings? attempts)
    {
        BatchRunner.CheckBatch(Probes, attempts);
        if (OneTokenProbes is not int one) return;
        BatchRunner.CheckBatch(one, attempts);
        if (one % Probes != 0) throw new InputException($"the one-token batch {one} is not a multiple of the batch {Probes}") { Parameter = "batch" };
    }

    /// <summary>"128", or "128 (256 for one-token probes)".</summary>
    public override string ToString() => OneTokenProbes is int one
        ? string.Create(CultureInfo.InvariantCulture, $"{Probes} ({one} for one-token probes)")
        : Probes.ToString(CultureInfo.InvariantCulture);
}
