using System.Globalization;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Runtime;
using AnomalyProbe.Probe.Sampling;
using CsvHelper;
using ScottPlot;

namespace AnomalyProbe.Probe.TemperatureStudy;

/// <summary>One temperature's row of sweep.csv.</summary>
/// <param name="Temperature">T, with the sign of zero kept.</param>
/// <param name="EntropyNats">Entropy of the next-token distribution at the prompt under T (0 for ±0).</param>
/// <param name="Samples">Continuations generated.</param>
/// <param name="Tokens">Tokens emitted over all continuations.</param>
/// <param name="LogPerplexityAtOne">Mean −log p_{T=1} of the emitted tokens (nats).</param>
/// <param name="ByteShare">Share of emitted tokens that are byte-fallback tokens.</param>
/// <param name="SpecialShare">Share that are control (special) tokens.</param>
/// <param name="UnreachableShare">Share the tokenizer audit finds unreachable (control tokens included: plain text never produces them).</param>
/// <param name="DistinctRatio">Mean over continuations of distinct tokens / tokens.</param>
public sealed record SweepRow(
    Temperature Temperature, double EntropyNats, int Samples, int Tokens, double LogPerplexityAtOne,
    double ByteShare, double SpecialShare, double UnreachableShare, double DistinctRatio)
{
    /// <summary>exp(<see cref="LogPerplexityAtOne"/>).</summary>
    public double PerplexityAtOne => Math.Exp(LogPerplexityAtOne);
}

/// <summary>What generation looks like across temperatures, from one prompt.</summary>
public static class TemperatureSweep
{
    /// <summary>sweep.csv's columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "temperature", "entropy_nats", "samples", "tokens", "perplexity_t1", "log_perplexity_t1",
        "byte_share", "special_share", "unreachable_share", "distinct_ratio",
    ];

    /// <summary>
    /// For each temperature: the entropy at the prompt, then <paramref name="samples"/> continuations of
    /// up to <paramref name="maxTokens"/> tokens with seeds <paramref name="seed"/>, seed+1, ...
    /// With <paramref name="candidates"/> (<c>--vocab-filter</c>) sampling and the entropy are over those tokens only;
    /// the perplexity stays under the model's full distribution at T = 1.
    /// </summary>
    public static List<SweepRow> Run(LlamaContext context, int[] prompt, IReadOnlyList<Temperature> temperatures,
        int samples, int maxTokens, int seed, int[]? candidates = null, CancellationToken cancellation = default)
    {
        Vocabulary vocabulary = context.Model.Vocabulary;
        var generator = new Generator(context);
        // Reachability as the tokenizer audit defines it (one definition everywhere).
        IReadOnlyList<AnomalyProbe.Analysis.Tokenizers.AuditRecord> audit = Tokenizers.TokenizerAudit.Run(vocabulary);
        var rows = new List<SweepRow>();

        float[] promptLogits = [];
        generator.Generate(prompt, new TokenSampler(new SamplingOptions(Temperature.Greedy)), 1, _ => { },
            (int _, ReadOnlySpan<float> logits, in TokenChoice _) => promptLogits = logits.ToArray(), cancellation);

        foreach (Temperature t in temperatures)
        {
            cancellation.ThrowIfCancellationRequested();
            double entropy = Entropy(new TokenSampler(new SamplingOptions(t), candidates).Distribution(promptLogits));
            int tokens = 0, bytes = 0, special = 0, unreach = 0;
            double negLogP = 0, distinct = 0;
            for (int s = 0; s < samples; s++)
            {
                var emitted = new List<int>();
                generator.Generate(prompt, new TokenSampler(new SamplingOptions(t, Seed: seed + s), candidates), maxTokens, _ => { },
                    (int _, ReadOnlySpan<float> logits, in TokenChoice c) =>
                    {
                        negLogP += Generator.LogSumExp(logits) - c.Logit;
                        emitted.Add(c.Token);
                    }, cancellation);
                foreach (int id in emitted)
                {
                    TokenAttributes a = vocabulary.GetAttributes(id);
                    if ((a & TokenAttributes.Byte) != 0) bytes++;
                    if ((a & TokenAttributes.Control) != 0) special++;
                    if (!audit[id].Reachable) unreach++;
                }
                tokens += emitted.Count;
                if (emitted.Count > 0) distinct += emitted.Distinct().Count() / (double)emitted.Count;
            }
            double n = Math.Max(tokens, 1);
            rows.Add(new SweepRow(t, entropy, samples, tokens, tokens > 0 ? negLogP / tokens : double.NaN,
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

    /// <summary>Writes sweep.csv (RFC 4180, "\n", UTF-8 without BOM, round-trip doubles; NaN when no token was emitted).</summary>
    public static void WriteCsv(string path, IReadOnlyList<SweepRow> rows)
    {
        using var stream = File.Create(path);
        using var csv = CsvWriter.Create(stream, CsvWriterOptions.Default with
        {
            Mode = CsvMode.Rfc4180,
            Separator = ',',
            NewLine = "\n",
            Quoting = CsvQuoting.WhenNeededOrWhitespace,
            Injection = CsvInjection.None,
            WriteByteOrderMark = false,
        });
        csv.WriteHeader(Columns.ToArray());
        foreach (SweepRow r in rows)
        {
            csv.WriteField(r.Temperature.ToString());
            csv.WriteField(Real(r.EntropyNats));
            csv.WriteField(r.Samples.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(r.Tokens.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(Real(r.PerplexityAtOne));
            csv.WriteField(Real(r.LogPerplexityAtOne));
            csv.WriteField(Real(r.ByteShare));
            csv.WriteField(Real(r.SpecialShare));
            csv.WriteField(Real(r.UnreachableShare));
            csv.WriteField(Real(r.DistinctRatio));
            csv.EndRecord();
        }
    }

    /// <summary>Plots entropy and log-perplexity (T = 1) against T; ±∞ are left out, ±0 sit at 0.</summary>
    public static void WritePlot(string path, IReadOnlyList<SweepRow> rows)
    {
        SweepRow[] finite = rows.Where(r => double.IsFinite(r.Temperature.Value)).OrderBy(r => r.Temperature.Value).ToArray();
        double[] x = finite.Select(r => r.Temperature.Value).ToArray();
        var plot = new Plot();
        var entropy = plot.Add.Scatter(x, finite.Select(r => r.EntropyNats).ToArray());
        entropy.LegendText = "entropy at the prompt (nats)";
        double[] lp = finite.Select(r => double.IsFinite(r.LogPerplexityAtOne) ? r.LogPerplexityAtOne : 0).ToArray();
        var perplexity = plot.Add.Scatter(x, lp);
        perplexity.LegendText = "log perplexity of continuations at T = 1";
        plot.Title("Temperature sweep");
        plot.XLabel("T");
        plot.YLabel("nats");
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }

    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
