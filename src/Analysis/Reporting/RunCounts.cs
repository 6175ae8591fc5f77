namespace AnomalyProbe.Analysis.Reporting;

/// <summary>How much a run did.</summary>
/// <param name="Tokens">Tokens probed.</param>
/// <param name="Probes">Probes run (token × template).</param>
/// <param name="Failed">Tokens that failed the threshold.</param>
/// <param name="TextRepeated">Tokens whose greedy answer (best template) spells their text.</param>
/// <param name="AnswerTooShort">Tokens whose greedy answer (best template) is a proper beginning of their text: more <c>--answer-tokens</c> would decide them.</param>
public sealed record RunCounts(int Tokens, int Probes, int Failed, int TextRepeated = 0, int AnswerTooShort = 0);
