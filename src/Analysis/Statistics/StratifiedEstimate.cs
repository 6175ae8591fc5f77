using System.Globalization;
using MathNet.Numerics.Distributions;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>The failures of one stratum's control sample.</summary>
/// <param name="Size">Tokens of the stratum (N_h).</param>
/// <param name="Sampled">Tokens probed (n_h ≥ 1).</param>
/// <param name="Failed">Of them, failed (f_h).</param>
public readonly record struct StratumCount(int Size, int Sampled, int Failed);

/// <summary>What a two-stage scan says about the whole vocabulary.</summary>
/// <param name="FailedTotal">Estimated failed tokens of the population.</param>
/// <param name="FailedTotalCiLow">Its 95 % interval, low end.</param>
/// <param name="FailedTotalCiHigh">Its 95 % interval, high end.</param>
/// <param name="Confirmed">Failed tokens among the candidates (probed, so certain).</param>
/// <param name="RecallAtK">Estimated share of all failed tokens that are candidates; null when no failure is expected at all.</param>
/// <param name="RecallCiLow">Its 95 % interval, low end.</param>
/// <param name="RecallCiHigh">Its 95 % interval, high end.</param>
/// <param name="Probes">Probes run (tokens × templates).</param>
/// <param name="Vocabulary">Tokens of the population.</param>
/// <param name="Candidates">Candidates probed (K).</param>
/// <param name="Control">Control tokens probed.</param>
/// <param name="Strata">Strata of the control sample.</param>
/// <param name="Method">How the numbers were computed, in words.</param>
public sealed record FailureEstimate(
    double FailedTotal, double FailedTotalCiLow, double FailedTotalCiHigh, int Confirmed,
    double? RecallAtK, double? RecallCiLow, double? RecallCiHigh,
    int Probes, int Vocabulary, int Candidates, int Control, int Strata, string Method);

/// <summary>
/// Estimates the failed tokens of a vocabulary from a two-stage scan. The point estimate is the
/// stratified expansion estimator (design-based, unbiased): the confirmed candidates plus, per
/// stratum, its sample's failure rate times its size. The 95 % intervals come from each stratum's
/// finite-population posterior — a Jeffreys Beta(f + ½, n − f + ½) failure rate and the unsampled
/// N − n tokens Binomial under it — combined over strata by seeded simulation; this stays honest where
/// a stratum's sample has no failure at all (a normal approximation would give it zero variance).
/// Recall at K is confirmed / total, with the interval of the same draws. When the failure threshold
/// was itself chosen from the probes (Otsu), each draw first re-chooses it on a bootstrap resample of
/// the control sample (within strata) and counts the failures at that threshold, so the interval also
/// carries the threshold's own uncertainty — large where the data barely separates.
/// </summary>
public static class StratifiedEstimate
{
    /// <summary>Simulation draws for the intervals.</summary>
    public const int Draws = 20_000;

    private const string MethodPrefix = "stratified expansion estimate (confirmed candidates + Σ N_h·f_h/n_h); 95 % intervals from each stratum's " +
                                        "finite-population posterior (Jeffreys Beta prior on its failure rate, unsampled tokens Binomial), ";

    /// <summary>The point estimate Σ: confirmed + Σ N_h f_h / n_h.</summary>
    public static double PointEstimate(int confirmed, IReadOnlyList<StratumCount> strata)
    {
        ArgumentNullException.ThrowIfNull(strata);
        return confirmed + strata.Sum(s => (double)s.Size * s.Failed / s.Sampled);
    }

    /// <summary>The estimate with its intervals.</summary>
    public static FailureEstimate Compute(int candidates, int confirmed, IReadOnlyList<StratumCount> strata, int probes, int vocabulary, int seed)
    {
        ArgumentNullException.ThrowIfNull(strata);
        foreach (StratumCount s in strata)
        {
            if (s.Sampled < 1 || s.Sampled > s.Size || s.Failed < 0 || s.Failed > s.Sampled)
            {
                throw new ArgumentException($"a stratum of {s.Size} with {s.Sampled} sampled and {s.Failed} failed is not possible", nameof(strata));
            }
        }
        double point = PointEstimate(confirmed, strata);
        var (low, high, recallLow, recallHigh) = Interval(confirmed, strata, seed);
        double? recall = point > 0 ? confirmed / point : null;
        return new FailureEstimate(point, low, high, confirmed, recall, recall is null ? null : recallLow, recall is null ? null : recallHigh,
            probes, vocabulary, candidates, strata.Sum(s => s.Sampled), strata.Count, MethodPrefix + string.Create(CultureInfo.InvariantCulture, $"{Draws:N0}") + " seeded draws");
    }

    /// <summary>Draws when every draw re-chooses the threshold (each costs a sort of the probes).</summary>
    public const int ThresholdDraws = 2_000;

    /// <summary>
    /// The estimate from the probes' best repeat probabilities: <paramref name="candidates"/> (all
    /// probed) and each stratum's sample with its size. A token fails below <paramref name="threshold"/>;
    /// <paramref name="rechoose"/> (values and design weights → threshold) is how it was chosen from the
    /// data, null for a fixed one.
    /// </summary>
    public static FailureEstimate Compute(double[] candidates, IReadOnlyList<(int Size, double[] Sampled)> strata, double threshold,
        Func<double[], double[], double>? rechoose, int probes, int vocabulary, int seed)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(strata);
        int confirmed = candidates.Count(p => p < threshold);
        var counts = strata.Select(s => new StratumCount(s.Size, s.Sampled.Length, s.Sampled.Count(p => p < threshold))).ToList();
        FailureEstimate fixedThreshold = Compute(candidates.Length, confirmed, counts, probes, vocabulary, seed);
        if (rechoose is null) return fixedThreshold;

        var random = new Random(seed);
        var totals = new double[ThresholdDraws];
        var recalls = new double[ThresholdDraws];
        int n = candidates.Length + strata.Sum(s => s.Sampled.Length);
        var values = new double[n];
        var weights = new double[n];
        for (int d = 0; d < ThresholdDraws; d++)
        {
            // The threshold this draw's resample would have chosen.
            candidates.CopyTo(values, 0);
            Array.Fill(weights, 1.0, 0, candidates.Length);
            int at = candidates.Length;
            foreach (var (size, sampled) in strata)
            {
                for (int i = 0; i < sampled.Length; i++, at++)
                {
                    values[at] = sampled[random.Next(sampled.Length)];
                    weights[at] = (double)size / sampled.Length;
                }
            }
            double t = rechoose(values, weights);
            int confirmedHere = candidates.Count(p => p < t);
            totals[d] = DrawTotal(random, confirmedHere, strata.Select(x => new StratumCount(x.Size, x.Sampled.Length, x.Sampled.Count(p => p < t))));
            recalls[d] = totals[d] > 0 ? confirmedHere / totals[d] : 1;
        }
        Array.Sort(totals);
        Array.Sort(recalls);
        return fixedThreshold with
        {
            FailedTotalCiLow = Quantile(totals, 0.025, upper: false),
            FailedTotalCiHigh = Quantile(totals, 0.975, upper: true),
            RecallCiLow = fixedThreshold.RecallAtK is null ? null : Quantile(recalls, 0.025, upper: false),
            RecallCiHigh = fixedThreshold.RecallAtK is null ? null : Quantile(recalls, 0.975, upper: true),
            Method = MethodPrefix + string.Create(CultureInfo.InvariantCulture, $"{ThresholdDraws:N0}") + " seeded draws, each re-choosing the threshold (Otsu) on a bootstrap resample of the control sample within strata",
        };
    }

    /// <summary>The 2.5 % and 97.5 % points of the simulated total and of confirmed / total.</summary>
    public static (double Low, double High, double RecallLow, double RecallHigh) Interval(int confirmed, IReadOnlyList<StratumCount> strata, int seed)
    {
        ArgumentNullException.ThrowIfNull(strata);
        var random = new Random(seed);
        var totals = new double[Draws];
        var recalls = new double[Draws];
        for (int d = 0; d < Draws; d++)
        {
            totals[d] = DrawTotal(random, confirmed, strata);
            recalls[d] = totals[d] > 0 ? confirmed / totals[d] : 1;
        }
        Array.Sort(totals);
        Array.Sort(recalls);
        return (Quantile(totals, 0.025, upper: false), Quantile(totals, 0.975, upper: true),
            Quantile(recalls, 0.025, upper: false), Quantile(recalls, 0.975, upper: true));
    }

    // One draw of the whole selection's failures: the confirmed ones, each stratum's sampled failures,
    // and its unsampled tokens Binomial under a Jeffreys Beta failure rate.
    private static double DrawTotal(Random random, int confirmed, IEnumerable<StratumCount> strata)
    {
        double total = confirmed;
        foreach (StratumCount s in strata)
        {
            total += s.Failed;
            int unsampled = s.Size - s.Sampled;
            if (unsampled == 0) continue;
            double rate = Beta.Sample(random, s.Failed + 0.5, s.Sampled - s.Failed + 0.5);
            total += Binomial.Sample(random, rate, unsampled);
        }
        return total;
    }

    // An empirical quantile of sorted draws, rounded outwards (the interval errs wide, never narrow).
    private static double Quantile(double[] sorted, double q, bool upper)
    {
        double at = q * (sorted.Length - 1);
        int index = upper ? (int)Math.Ceiling(at) : (int)Math.Floor(at);
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
