using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>
/// The point-biserial correlation of failure (1 = failed, 0 = passed) with a measure: Pearson's r,
/// positive when failed tokens have the larger measure.
/// </summary>
public static class PointBiserial
{
    /// <summary>
    /// r (MathNet's Pearson), its two-sided p-value from Student's t with n − 2 degrees of freedom, and
    /// with <paramref name="bootstrap"/> a percentile interval from the same stratified resamples as
    /// <see cref="RocAuc"/> (same seed, same draws): class sizes stay fixed, so the interval is
    /// conditional on the observed failure rate, like the test.
    /// </summary>
    /// <returns>Undefined for fewer than 3 tokens, no failed or no passed tokens, a constant measure, or a non-finite measure value.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static Estimate Compute(ReadOnlySpan<bool> failed, ReadOnlySpan<double> measure, BootstrapSettings? bootstrap = null)
    {
        Degeneracy.RequireSameLength(failed.Length, measure.Length, nameof(measure));
        int n = measure.Length;
        if (Degeneracy.OfBinary(failed, measure) is { } why) return Estimate.NotDefined(StatisticNames.PointBiserialR, n, why);

        var indicator = new double[n];
        for (int i = 0; i < n; i++) indicator[i] = failed[i] ? 1 : 0;
        var values = measure.ToArray();
        double r = CorrelationTest.Clamp(Correlation.Pearson(indicator, values));

        (double, double)? interval = null;
        if (bootstrap is not null)
        {
            // Centred on the mean, so the sums of squares in a replicate do not cancel.
            double mean = values.Mean();
            int nFailed = failed.Count(true);
            var failedValues = new double[nFailed];
            var passedValues = new double[n - nFailed];
            int f = 0, p = 0;
            for (int i = 0; i < n; i++)
            {
                if (failed[i]) failedValues[f++] = values[i] - mean;
                else passedValues[p++] = values[i] - mean;
            }
            interval = Bootstrap.PercentileInterval(bootstrap,
                () => (Failed: new int[failedValues.Length], Passed: new int[passedValues.Length]),
                (draws, random) => Replicate(random, failedValues, draws.Failed, passedValues, draws.Passed));
        }
        return Estimate.Defined(StatisticNames.PointBiserialR, r, interval, n, CorrelationTest.TwoSidedP(r, n));
    }

    /// <summary>r of a stratified resample, failed tokens drawn first as in <see cref="RocAuc"/>, so the same generator picks the same tokens.</summary>
    private static double Replicate(RandomSource random, double[] failedValues, int[] failedDraws, double[] passedValues, int[] passedDraws)
    {
        random.NextInt32s(failedDraws, 0, failedValues.Length);
        random.NextInt32s(passedDraws, 0, passedValues.Length);
        return FromDraws(failedValues, failedDraws, passedValues, passedDraws);
    }

    /// <summary>r of the resample made of the given draws; NaN when its measure is constant.</summary>
    internal static double FromDraws(double[] failedValues, int[] failedDraws, double[] passedValues, int[] passedDraws)
    {
        var (sumFailed, squaresFailed, lowFailed, highFailed) = Sums(failedValues, failedDraws);
        var (sumPassed, squaresPassed, lowPassed, highPassed) = Sums(passedValues, passedDraws);
        if (Math.Min(lowFailed, lowPassed) == Math.Max(highFailed, highPassed)) return double.NaN;

        double n1 = failedDraws.Length, n0 = passedDraws.Length, n = n1 + n0;
        double mean = (sumFailed + sumPassed) / n;
        double squares = squaresFailed + squaresPassed - n * mean * mean;
        // Σ(y − ȳ)(x − x̄) = S_failed − n_failed·x̄ and Σ(y − ȳ)² = n_failed·n_passed / n for a 0/1 y.
        return CorrelationTest.Clamp((sumFailed - n1 * mean) / Math.Sqrt(squares * n1 * n0 / n));
    }

    private static (double Sum, double Squares, double Low, double High) Sums(double[] values, int[] draws)
    {
        double sum = 0, squares = 0, low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (int d in draws)
        {
            double v = values[d];
            sum += v;
            squares += v * v;
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }
        return (sum, squares, low, high);
    }
}
