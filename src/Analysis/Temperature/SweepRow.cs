namespace AnomalyProbe.Analysis.Temperature;

/// <summary>One temperature's row of sweep.csv.</summary>
/// <param name="Temperature">T as spelled on the command line, with the sign of zero kept ("0-", "0+", "-inf", "0.5").</param>
/// <param name="TemperatureValue">T as a number (±0 and ±∞ included), for the plot's x axis.</param>
/// <param name="EntropyNats">Entropy of the next-token distribution at the prompt under T (0 for ±0).</param>
/// <param name="Samples">Continuations generated.</param>
/// <param name="Tokens">Tokens emitted over all continuations.</param>
/// <param name="LogPerplexityAtOne">Mean −log p_{T=1} of the emitted tokens (nats).</param>
/// <param name="ByteShare">Share of emitted tokens in the audit's byte_fallback category.</param>
/// <param name="SpecialShare">Share in its special or unused categories (control, unknown, reserved).</param>
/// <param name="UnreachableShare">Share the tokenizer audit finds unreachable (control tokens included: plain text never produces them).</param>
/// <param name="DistinctRatio">Mean over continuations of distinct tokens / tokens.</param>
public sealed record SweepRow(
    string Temperature, double TemperatureValue, double EntropyNats, int Samples, int Tokens, double LogPerplexityAtOne,
    double ByteShare, double SpecialShare, double UnreachableShare, double DistinctRatio)
{
    /// <summary>exp(<see cref="LogPerplexityAtOne"/>).</summary>
    public double PerplexityAtOne => Math.Exp(LogPerplexityAtOne);
}
