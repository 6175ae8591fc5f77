namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// Sampled answers per probe (<c>--attempts N --attempt-temperature T</c>), besides the greedy one:
/// with T = 0 (the default) there is one attempt, the greedy answer itself, and nothing extra runs.
/// </summary>
/// <param name="Count">Answers per probe.</param>
/// <param name="Temperature">Sampling temperature; 0 = greedy.</param>
/// <param name="Seed">Seed of the draws.</param>
public sealed record AttemptSettings(int Count, double Temperature, int Seed)
{
    /// <summary>The greedy answer only.</summary>
    public static AttemptSettings Greedy { get; } = new(1, 0, 0);

    /// <summary>Whether answers are sampled (T &gt; 0), each in its own KV sequence.</summary>
    public bool Sampled => Temperature > 0;

    /// <summary>KV sequences one probe needs: the greedy answer's plus one per sampled attempt.</summary>
    public int SequencesPerProbe => 1 + (Sampled ? Count : 0);

    /// <summary>Most attempts per probe (llama.cpp holds 256 sequences).</summary>
    public const int MaxCount = 64;

    /// <summary>Checks the combination; <see cref="InputException"/> names the option at fault.</summary>
    public static AttemptSettings Create(int count, double temperature, int seed)
    {
        if (count is < 1 or > MaxCount) throw new InputException($"{count} must be in [1, {MaxCount}]") { Parameter = "attempts" };
        if (!double.IsFinite(temperature) || temperature < 0) throw new InputException($"{temperature} must be 0 (greedy) or a positive temperature") { Parameter = "attempt-temperature" };
        if (count > 1 && temperature == 0)
        {
            throw new InputException($"{count} greedy attempts would all give the same answer: add --attempt-temperature T (e.g. 1)") { Parameter = "attempts" };
        }
        return temperature == 0 ? Greedy : new AttemptSettings(count, temperature, seed);
    }
}
