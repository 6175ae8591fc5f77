namespace AnomalyProbe.Analysis.Reporting;

/// <summary>What one prompt template measured for one token.</summary>
/// <param name="RepeatProb">Teacher-forced probability that the model's next token is the token's id (at T = 1).</param>
/// <param name="RepeatRank">The token's rank among all tokens at the answer position (1 = top).</param>
/// <param name="GreedyAnswer">The model's greedy answer, escaped to printable text.</param>
/// <param name="TextRepeated">Whether the greedy answer spells the token's text, with any ids (<see cref="Text.TextRepetition"/>).</param>
/// <param name="RepeatRate">The share of sampled answers that spell it (<c>--attempts</c>); without sampling, 1 or 0 as <paramref name="TextRepeated"/>.</param>
public sealed record TemplateResult(double RepeatProb, int RepeatRank, string GreedyAnswer, bool TextRepeated, double RepeatRate);
