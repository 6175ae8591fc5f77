using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace AnomalyProbe.Analysis.Tests.Statistics;

/// <summary>Naive, independent implementations the estimators are checked against, and seeded samples.</summary>
internal static class Reference
{
    /// <summary>P(failed &gt; passed) + ½ P(tie), over all pairs.</summary>
    public static double PairwiseAuc(IReadOnlyList<double> failed, IReadOnlyList<double> passed)
    {
        double wins = 0;
        foreach (double f in failed)
            foreach (double p in passed)
                wins += f > p ? 1 : f == p ? 0.5 : 0;
        return wins / (failed.Count * (double)passed.Count);
    }

    /// <summary>Two-pass Pearson r.</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double meanA = a.Average(), meanB = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            sab += (a[i] - meanA) * (b[i] - meanB);
            saa += (a[i] - meanA) * (a[i] - meanA);
            sbb += (b[i] - meanB) * (b[i] - meanB);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Average ranks by counting: 1 + #smaller + (#equal − 1) / 2.</summary>
    public static double[] AverageRanks(IReadOnlyList<double> x) =>
        x.Select(v => 1 + x.Count(w => w < v) + (x.Count(w => w == v) - 1) / 2.0).ToArray();

    /// <summary>Pearson r of naive average ranks.</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        Pearson(AverageRanks(a), AverageRanks(b));

    /// <summary>Two-sided p-value of Student's t with 1, 2 or 3 degrees of freedom, from the closed-form CDFs.</summary>
    public static double StudentTwoSided(double t, int df)
    {
        t = Math.Abs(t);
        return df switch
        {
            1 => 1 - 2 / Math.PI * Math.Atan(t),
            2 => 1 - t / Math.Sqrt(t * t + 2),
            3 => 1 - 2 / Math.PI * (Math.Atan(t / Math.Sqrt(3)) + t / Math.Sqrt(3) / (1 + t * t / 3)),
            _ => throw new ArgumentOutOfRangeException(nameof(df)),
        };
    }

    /// <summary>t of a correlation r over n pairs.</summary>
    public static double T(double r, int n) => r * Math.Sqrt((n - 2) / (1 - r * r));

    /// <summary>Seeded N(mean, 1) sample.</summary>
    public static double[] Normals(int count, double mean, int seed)
    {
        var normal = new Normal(mean, 1, new Xoshiro256StarStar(seed, threadSafe: false));
        var values = new double[count];
        normal.Samples(values);
        return values;
    }

    /// <summary>failed[] and measure[] for x_failed ~ N(shift, 1), x_passed ~ N(0, 1), classes interleaved.</summary>
    public static (bool[] Failed, double[] Measure) Binormal(int perClass, double shift, int seed)
    {
        var failedValues = Normals(perClass, shift, seed);
        var passedValues = Normals(perClass, 0, seed + 1);
        var failed = new bool[2 * perClass];
        var measure = new double[2 * perClass];
        for (int i = 0; i < perClass; i++)
        {
            failed[2 * i] = true;
            measure[2 * i] = failedValues[i];
            measure[2 * i + 1] = passedValues[i];
        }
        return (failed, measure);
    }

    /// <summary>
    /// Hanley &amp; McNeil (1982) standard error of an AUC: Q1 = A/(2 − A), Q2 = 2A²/(1 + A),
    /// SE² = (A(1 − A) + (n1 − 1)(Q1 − A²) + (n2 − 1)(Q2 − A²)) / (n1 n2).
    /// </summary>
    public static double HanleyMcNeilSe(double auc, int n1, int n2)
    {
        double q1 = auc / (2 - auc), q2 = 2 * auc * auc / (1 + auc);
        return Math.Sqrt((auc * (1 - auc) + (n1 - 1) * (q1 - auc * auc) + (n2 - 1) * (q2 - auc * auc)) / ((double)n1 * n2));
    }

    /// <summary>Φ(1/√2): the AUC of N(1, 1) against N(0, 1) (P(X − Y &gt; 0), X − Y ~ N(1, 2)), from Python's math.erfc.</summary>
    public const double BinormalAuc = 0.7602499389065233;
}
