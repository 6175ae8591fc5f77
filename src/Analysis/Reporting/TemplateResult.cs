namespace AnomalyProbe.Analysis.Reporting;

/// <summary>What one prompt template measured for one token.</summary>
/// <param name="RepeatProb">Teacher-forced probability that the model repeats the token.</param>
/// <param name="RepeatRank">The token's rank among all tokens at the answer position (1 = top).</param>
/// <param name="GreedyAnswer">The model's greedy answer, escaped to printable text.</param>
public sealed record TemplateResult(double RepeatProb, int RepeatRank, string GreedyAnswer);
