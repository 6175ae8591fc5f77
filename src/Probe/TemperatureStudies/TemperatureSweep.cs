using AnomalyProbe.Analysis.Temperature;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.TemperatureStudies;

/// <summary>What generation looks like across temperatures, from one prompt (the rows of sweep.csv).</summary>
public static class TemperatureSweep
{
    /// <summary>
    /// For each temperature: the entropy at the prompt, then <paramref name="samples"/> continuations of
    /// up to <paramref name="maxTokens"/> tokens with seeds <paramref name="seed"/>, seed+1, ...
    /// With <paramref name="candidates"/> (<c>--vocab-filter</c>) sampling and the entropy are over those tokens only;
    /// the perplexity stays under the model's full distribution at T = 1. <paramref name="progress"/> hears
    /// of each temperature as it starts (a sweep on a big model or a busy machine takes minutes).
    /// </summary>
    public static List<SweepRow> Run(LlamaContext context, int[] prompt, IReadOnlyList<Temperature> temperatures,
        int samples, int maxTokens, int seed, int[]? candidates = null, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(temperatures);
        Vocabulary vocabulary = context.Model.Vocabulary;
        var generator = new Generator(context);
        // Byte, special and reachable as the tokenizer audit defines them (one definition everywhere).
        IReadOnlyList<AuditRecord> audit = Tokenizers.TokenizerAudit.Run(vocabulary);
        var rows = new List<SweepRow>();

        float[] promptLogits = [];
        generator.Generate(prompt, new TokenSampler(new SamplingOptions(Temperature.Greedy)), 1, _ => { },
            (int _, ReadOnlySpan<float> logits, in TokenChoice _) => promptLogits = logits.ToArray(), cancellation);

        foreach (Temperature t in temperatures)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Invoke($"T = {t} ({rows.Count + 1} of {temperatures.Count}): {samples} continuations of up to {maxTokens} tokens");
            double entropy = Entropy(new TokenSampler(new SamplingOptions(t), candidates).Distribution(promptLogits));
            int tokens = 0, bytes = 0, special = 0, unreach = 0;
            double negLogP = 0, distinct = 0;
            for (int s = 0; s < samples; s++)
            {
                var emitted = new List<int>();
                generator.Generate(prompt, new TokenSampler(new SamplingOptions(t, Seed: seed + s), candidates), maxTokens, token =>
                    {
                        negLogP -= token.LogProbabilityAtT1;
                        emitted.Add(token.Choice.Token);
                    }, cancellation: cancellation);
                foreach (int id in emitted)
                {
                    AuditRecord r = audit[id];
                    if (r.Category == TokenCategory.ByteFallback) bytes++;
                    if (r.Category is TokenCategory.Special or TokenCategory.Unused) special++;
                    if (!r.Reachable) unreach++;
                }
                tokens += emitted.Count;
                if (emitted.Count > 0) distinct += emitted.Distinct().Count() / (double)emitted.Count;
            }
            double n = Math.Max(tokens, 1);
            rows.Add(new SweepRow(t.ToString(), t.Value, entropy, samples, tokens, tokens > 0 ? negLogP / tokens : double.NaN,
                bytes / n, special / n, unreach / n, samples > 0 ? distinct / samples : double.NaN));
        }
        return rows;
    }

    /// <summary>−Σ p ln p (nats), with 0 ln 0 = 0.</summary>
    public static double Entropy(IEnumerable<double> distribution)
    {
        double h = 0;
        foreach (double p in distribution) if (p > 0) h -= p * Math.Log(p);
        return h;
    }

}
