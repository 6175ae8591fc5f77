using System.Globalization;
using System.Text.RegularExpressions;
using AnomalyProbe.Analysis.Geometry;
using AnomalyProbe.Analysis.Statistics;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Geometry;
using AnomalyProbe.Probe.Gguf;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A budgeted two-stage scan as asked for: probe the <c>--candidates</c> lowest by <c>--rank-by</c>
/// plus a <c>--control</c> sample of the rest, or split a <c>--budget</c> (probes or a duration)
/// between the two, half each.
/// </summary>
/// <param name="Candidates">"K" or "P%" of the selected tokens; null with a budget.</param>
/// <param name="Control">"N" or "P%"; null with a budget.</param>
/// <param name="Budget">Probes ("20000") or a duration ("90m", "2h", "1h30m"); null with candidates/control.</param>
/// <param name="RankBy">The geometry measure the candidates are the lowest of (see <c>analyze</c>).</param>
public sealed partial record TwoStageRequest(string? Candidates, string? Control, string? Budget, string RankBy)
{
    /// <summary>The default ranking: Magikarp's indicator, the best single predictor in its paper.</summary>
    public const string DefaultRankBy = MagikarpIndicator.Column;

    /// <summary>How the request reads back (journal header, run.json): what a resume must match.</summary>
    public string Spec => Budget is not null ? $"budget={Budget}, rank-by={RankBy}" : $"candidates={Candidates ?? "0"}, control={Control ?? "0"}, rank-by={RankBy}";

    /// <summary>Whether the budget is a duration, which depends on this machine's speed.</summary>
    public bool IsDurationBudget => Budget is not null && TryParseDuration(Budget, out _);

    /// <summary>Checks the spelling of every part before the model is touched.</summary>
    public void Validate()
    {
        if (Budget is not null && (Candidates is not null || Control is not null))
        {
            throw new InputException("--budget splits itself between candidates and control; give either --budget or --candidates/--control") { Parameter = "budget" };
        }
        if (Budget is not null && !TryParseDuration(Budget, out _) && !(int.TryParse(Budget, NumberStyles.None, CultureInfo.InvariantCulture, out int probes) && probes > 0))
        {
            throw new InputException($"'{Budget}' is neither a number of probes nor a duration like 90m, 2h or 1h30m") { Parameter = "budget" };
        }
        foreach (var (text, name) in new[] { (Candidates, "candidates"), (Control, "control") })
        {
            if (text is null) continue;
            try
            {
                SelectionDesign.ParseCount(text, 100, name);
            }
            catch (FormatException)
            {
                throw new InputException($"'{text}' is not a count or a percentage like 10%") { Parameter = name };
            }
        }
    }

    /// <summary>Parses "90m", "2h", "1h30m", "45s".</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        Match m = DurationPattern().Match(text.Trim());
        if (!m.Success || m.Length == 0) return false;
        int Part(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        duration = new TimeSpan(Part("h"), Part("m"), Part("s"));
        return duration > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$")]
    private static partial Regex DurationPattern();
}

/// <summary>Resolves a <see cref="TwoStageRequest"/> into a <see cref="SelectionDesign"/> on a model.</summary>
public static class TwoStage
{
    /// <summary>
    /// The design over <paramref name="population"/>: the ranking measure from the model's embeddings
    /// (no inference), strata by its decile and the tokenizer audit's category. With a budget of
    /// probes, or of time at <paramref name="probesPerSecond"/>, the tokens it affords at
    /// <paramref name="templates"/> probes each are split half and half.
    /// </summary>
    public static SelectionDesign Design(LlamaModel model, TwoStageRequest request, int[] population, int templates, int seed,
        string? referenceFile = null, double? probesPerSecond = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        (int candidates, int control) = Counts(request, population.Length, templates, probesPerSecond);
        double[] values = RankingValues(model, request.RankBy, referenceFile);
        var categories = TokenizerAudit.Run(model.Vocabulary).ToDictionary(r => r.TokenId, r => TokenCategories.Name(r.Category));
        return SelectionDesign.Build(request.RankBy, population, id => values[id], id => categories[id], candidates, control, seed);
    }

    /// <summary>Candidates and control tokens for the request on a population of <paramref name="population"/>.</summary>
    public static (int Candidates, int Control) Counts(TwoStageRequest request, int population, int templates, double? probesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Budget is { } budget)
        {
            long probes = TwoStageRequest.TryParseDuration(budget, out TimeSpan duration)
                ? (long)(duration.TotalSeconds * (probesPerSecond ?? throw new InvalidOperationException("a duration budget needs the measured speed")))
                : long.Parse(budget, CultureInfo.InvariantCulture);
            long tokens = Math.Min(population, probes / Math.Max(1, templates));
            if (tokens < 2) throw new InputException($"'{budget}' affords {tokens} token(s) at {templates} probes each: give a bigger budget") { Parameter = "budget" };
            if (tokens == population) return (population, 0); // the budget covers a full scan
            return ((int)(tokens / 2), (int)(tokens - tokens / 2));
        }
        int k = SelectionDesign.ParseCount(request.Candidates ?? "0", population, "candidates");
        int n = SelectionDesign.ParseCount(request.Control ?? "0", population, "control");
        if (k + n > population)
        {
            throw new InputException($"{k} candidates and {n} control tokens are more than the {population} selected tokens") { Parameter = "control" };
        }
        if (k + n == 0) throw new InputException("the candidates and the control sample are both empty: nothing to probe") { Parameter = "candidates" };
        return (k, n);
    }

    // One value per token id of the ranking measure, read from the GGUF's embeddings.
    private static double[] RankingValues(LlamaModel model, string measure, string? referenceFile)
    {
        using GgufFile file = GgufFile.Open(model.Path);
        GeometryMeasures geometry = EmbeddingGeometry.Compute(file, model.Vocabulary, referenceFile);
        if (geometry.Measures.TryGetValue(measure, out double[]? values)) return values;
        if (geometry.Missing?.TryGetValue(measure, out string? why) == true)
        {
            throw new InputException($"cannot rank by {measure}: {why}; rank by centroid_cosine or centroid_distance instead") { Parameter = "rank-by" };
        }
        throw new InputException($"'{measure}' is not a geometry measure of this model (there are {string.Join(", ", geometry.Measures.Keys)})") { Parameter = "rank-by" };
    }
}
