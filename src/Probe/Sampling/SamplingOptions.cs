namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// Sampling settings. <see cref="TopK"/> and <see cref="MinP"/> act on the distribution that the
/// temperature produces, so their meaning follows the sign of T: for T &gt; 0, top-k keeps the k
/// highest logits; for T &lt; 0 it keeps the k lowest (the k most likely under the inverted
/// distribution). min-p keeps tokens whose probability under T is at least min-p times the
/// most likely one's. For T = ±0 both are moot (the choice is deterministic); for T = ±∞
/// top-k still picks the k highest (+∞) or lowest (−∞) logits, then all of them are equally likely.
/// </summary>
/// <param name="Temperature">The temperature.</param>
/// <param name="TopK">Keep only the k most likely tokens under T; 0 = off.</param>
/// <param name="MinP">Keep tokens with p ≥ MinP · p_max under T; 0 = off.</param>
/// <param name="Seed">Seed of the random draws (draws are reproducible for a seed).</param>
public sealed record SamplingOptions(Temperature Temperature, int TopK = 0, double MinP = 0, int Seed = 42);
