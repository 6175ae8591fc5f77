namespace AnomalyProbe.Probe.Sampling;

/// <summary>The token a sampler chose, with its logit and its probability under the sampling distribution.</summary>
/// <param name="Token">Token id.</param>
/// <param name="Logit">Its raw logit.</param>
/// <param name="Probability">Its probability under T after top-k/min-p (1 for a unique ±0 choice).</param>
/// <param name="Margin">Gap between its logit and the runner-up's (≥ 0; +∞ when there is no other candidate).</param>
/// <param name="RunnerUp">The best other candidate in the direction of T: the highest other logit for
/// T ≥ 0⁺, the lowest for T ≤ 0⁻; −1 when there is none.</param>
public readonly record struct TokenChoice(int Token, float Logit, double Probability, float Margin, int RunnerUp);
