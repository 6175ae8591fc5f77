namespace AnomalyProbe.Probe.Sampling;

/// <summary>One generated token.</summary>
/// <param name="Step">0-based step.</param>
/// <param name="Choice">The sampler's choice (id, logit, probability under T, margin).</param>
/// <param name="LogProbabilityAtT1">Its log-probability under the model's full distribution at T = 1, for reference.</param>
/// <param name="Piece">The bytes the token renders to (control tokens render empty).</param>
/// <param name="EndsGeneration">True for EOS/EOT: generation stops after it.</param>
public sealed record GeneratedToken(int Step, TokenChoice Choice, double LogProbabilityAtT1, byte[] Piece, bool EndsGeneration)
{
    /// <summary>exp(<see cref="LogProbabilityAtT1"/>).</summary>
    public double ProbabilityAtT1 => Math.Exp(LogProbabilityAtT1);
}

/// <summary>Sees every step's full logits row before the choice is returned (tests and diagnostics).</summary>
public delegate void LogitsObserver(int step, ReadOnlySpan<float> logits, in TokenChoice choice);
