namespace AnomalyProbe.Analysis.Temperature;

/// <summary>The maximum-likelihood temperature of a token sequence (see <see cref="TemperatureFit"/>).</summary>
/// <param name="Beta">β* = 1/T*, the maximiser of the log-likelihood.</param>
/// <param name="BetaStandardError">SE(β*) = 1/√I, I = Σ_t Var_β*[l_t] (the observed information).</param>
/// <param name="Temperature">T* = 1/β* (negative when the targets favour low logits).</param>
/// <param name="TemperatureStandardError">SE(T*) = SE(β*)/β*² (delta method).</param>
/// <param name="LogLikelihoodPerTokenAtOne">L(1)/n: mean log-probability of the targets at T = 1 (nats).</param>
/// <param name="LogLikelihoodPerTokenAtOptimum">L(β*)/n (nats); never below the value at T = 1.</param>
/// <param name="TokenCount">n, the number of scored positions.</param>
/// <param name="Iterations">Newton/bisection steps taken.</param>
public sealed record TemperatureFitResult(
    double Beta,
    double BetaStandardError,
    double Temperature,
    double TemperatureStandardError,
    double LogLikelihoodPerTokenAtOne,
    double LogLikelihoodPerTokenAtOptimum,
    int TokenCount,
    int Iterations);

/// <summary>The fit has no finite answer (constant rows, or a likelihood that keeps rising as T → 0±).</summary>
public sealed class TemperatureFitException : Exception
{
    public TemperatureFitException(string message) : base(message) { }

    public TemperatureFitException() { }

    public TemperatureFitException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Maximum-likelihood temperature by teacher forcing. Given logits rows l_t (row-major, one row of
/// <c>vocabularySize</c> floats per position) and the target ids x_t that followed, maximises
/// L(β) = Σ_t [β·l_t[x_t] − logsumexp(β·l_t)] over β = 1/T. L is concave in β on the whole real line
/// (L'' = −Σ Var_β[l_t] ≤ 0), with L'(β) = Σ (l_t[x_t] − E_β[l_t]); the maximiser is found by Newton's
/// method safeguarded by a sign-change bracket (bisection when a Newton step leaves it), in double
/// precision with a max-shifted log-sum-exp. Negative β (targets that favour low logits) is allowed.
/// Memory is the caller's: the rows are read, never copied.
/// </summary>
public static class TemperatureFit
{
    /// <summary>|β| beyond which the optimum is declared to be at T → 0± (no finite temperature).</summary>
    public const double MaxAbsBeta = 1e4;

    /// <summary>Fits T* to <paramref name="targets"/> given the rows in <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, a target is out of range, or a logit is not finite.</exception>
    /// <exception cref="TemperatureFitException">Every row is constant, or the likelihood rises without bound as T → 0±.</exception>
    public static TemperatureFitResult Fit(ReadOnlySpan<float> logits, int vocabularySize, ReadOnlySpan<int> targets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        if (targets.IsEmpty) throw new ArgumentException("no targets to fit", nameof(targets));
        if (logits.Length != (long)targets.Length * vocabularySize)
        {
            throw new ArgumentException($"{logits.Length} logits is not {targets.Length} rows of {vocabularySize}", nameof(logits));
        }
        bool anyVariation = false;
        for (int t = 0; t < targets.Length; t++)
        {
            if ((uint)targets[t] >= (uint)vocabularySize) throw new ArgumentException($"target {t} is {targets[t]}, outside [0, {vocabularySize})", nameof(targets));
            ReadOnlySpan<float> row = logits.Slice(t * vocabularySize, vocabularySize);
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (float l in row)
            {
                if (!float.IsFinite(l)) throw new ArgumentException($"row {t} has a non-finite logit", nameof(logits));
                lo = Math.Min(lo, l);
                hi = Math.Max(hi, l);
            }
            anyVariation |= hi > lo;
        }
        if (!anyVariation) throw new TemperatureFitException("every logits row is constant: the likelihood does not depend on the temperature, T* is undefined");

        int iterations = 0;
        // Bracket the root of the decreasing derivative g(β): g(lo) > 0 > g(hi).
        double beta = 1;
        Evaluation e = Evaluate(logits, vocabularySize, targets, beta);
        double lower, upper;
        if (e.Gradient == 0) return Result(logits, vocabularySize, targets, beta, e, iterations);
        if (e.Gradient > 0)
        {
            lower = beta;
            upper = 2;
            while (Evaluate(logits, vocabularySize, targets, upper) is var u && (u.Gradient > 0 || Saturated(u, upper, targets.Length)))
            {
                lower = upper;
                upper *= 2;
                iterations++;
                if (upper > MaxAbsBeta) throw Unbounded("0⁺", "highest");
            }
        }
        else
        {
            upper = beta;
            lower = 0;
            while (Evaluate(logits, vocabularySize, targets, lower) is var l && (l.Gradient < 0 || Saturated(l, lower, targets.Length)))
            {
                upper = lower;
                lower = lower == 0 ? -1 : lower * 2;
                iterations++;
                if (lower < -MaxAbsBeta) throw Unbounded("0⁻", "lowest");
            }
        }

        beta = (lower + upper) / 2;
        for (int i = 0; i < 200; i++)
        {
            iterations++;
            e = Evaluate(logits, vocabularySize, targets, beta);
            if (e.Gradient > 0) lower = beta;
            else if (e.Gradient < 0) upper = beta;
            else break;
            double next = e.Information > 0 ? beta + e.Gradient / e.Information : double.NaN;
            if (!(next > lower && next < upper)) next = (lower + upper) / 2;
            double step = Math.Abs(next - beta);
            beta = next;
            if (step <= 1e-12 * Math.Max(1, Math.Abs(beta)) || upper - lower <= 1e-14 * Math.Max(1, Math.Abs(beta))) break;
        }
        e = Evaluate(logits, vocabularySize, targets, beta);
        return Result(logits, vocabularySize, targets, beta, e, iterations);
    }

    /// <summary>L(β)/n, the mean log-probability of the targets under softmax(β·l).</summary>
    public static double LogLikelihoodPerToken(ReadOnlySpan<float> logits, int vocabularySize, ReadOnlySpan<int> targets, double beta) =>
        Evaluate(logits, vocabularySize, targets, beta).LogLikelihood / targets.Length;

    // Every row's distribution is (numerically) a point mass: the gradient has underflowed to 0,
    // which is no root. β²·Var_β[l] is the variance of the scaled logits, free of the logits' scale.
    private static bool Saturated(Evaluation e, double beta, int n) => beta != 0 && e.Information * beta * beta < 1e-10 * n;

    private static TemperatureFitException Unbounded(string limit, string which) => new(
        $"the likelihood keeps rising as T → {limit}: the targets are (almost) always the {which}-logit tokens, so there is no finite T*");

    private static TemperatureFitResult Result(ReadOnlySpan<float> logits, int v, ReadOnlySpan<int> targets, double beta, Evaluation e, int iterations)
    {
        int n = targets.Length;
        double seBeta = e.Information > 0 ? 1 / Math.Sqrt(e.Information) : double.PositiveInfinity;
        return new TemperatureFitResult(
            beta, seBeta, 1 / beta, seBeta / (beta * beta),
            Evaluate(logits, v, targets, 1).LogLikelihood / n, e.LogLikelihood / n, n, iterations);
    }

    private readonly record struct Evaluation(double LogLikelihood, double Gradient, double Information);

    // L(β), L'(β) and −L''(β) in one pass over the rows (two passes per row: weights, then variance).
    private static Evaluation Evaluate(ReadOnlySpan<float> logits, int v, ReadOnlySpan<int> targets, double beta)
    {
        double ll = 0, gradient = 0, information = 0;
        for (int t = 0; t < targets.Length; t++)
        {
            ReadOnlySpan<float> row = logits.Slice(t * v, v);
            double max = double.NegativeInfinity;
            foreach (float l in row) max = Math.Max(max, beta * l);
            double sum = 0, first = 0;
            foreach (float l in row)
            {
                double w = Math.Exp(beta * l - max);
                sum += w;
                first += w * l;
            }
            double mean = first / sum;
            double variance = 0;
            foreach (float l in row)
            {
                double d = l - mean;
                variance += Math.Exp(beta * l - max) * d * d;
            }
            double target = row[targets[t]];
            ll += beta * target - (max + Math.Log(sum));
            gradient += target - mean;
            information += variance / sum;
        }
        return new Evaluation(ll, gradient, information);
    }
}
