using MathNet.Numerics.Distributions;

namespace AnomalyProbe.Analysis.Statistics;

/// <summary>Significance of a correlation coefficient.</summary>
internal static class CorrelationTest
{
    /// <summary>
    /// Two-sided p-value of <paramref name="r"/> over <paramref name="n"/> pairs against no correlation:
    /// t = r √((n − 2) / (1 − r²)) on Student's t with n − 2 degrees of freedom (exact for Pearson's r
    /// under bivariate normality; the usual approximation for Spearman's ρ). |r| = 1 gives 0.
    /// </summary>
    public static double TwoSidedP(double r, int n)
    {
        int df = n - 2;
        if (Math.Abs(r) >= 1) return 0;
        double t = Math.Abs(r) * Math.Sqrt(df / (1 - r * r));
        // The lower tail is computed directly (incomplete beta), so tiny p-values keep their precision.
        return Math.Min(1, 2 * StudentT.CDF(0, 1, df, -t));
    }

    /// <summary>Clamps a correlation that rounding pushed past ±1.</summary>
    public static double Clamp(double r) => Math.Clamp(r, -1, 1);
}
