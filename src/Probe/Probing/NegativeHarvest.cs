using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The T → 0⁻ harvest: generate from a few neutral prompts at T → 0⁻ and small negative
/// temperatures and count how often each token is emitted — the model's "forbidden words".
/// With a vocabulary filter only the admitted tokens compete (e.g. <c>alpha</c>: the least likely words).
/// </summary>
public static class NegativeHarvest
{
    /// <summary>Emission counts per token id (ids never emitted are absent).</summary>
    public static Dictionary<int, int> Run(LlamaModel model, HarvestSettings settings, int threads)
    {
        var counts = new Dictionary<int, int>();
        Vocabulary vocabulary = model.Vocabulary;
        var prompts = settings.Prompts.Select(p => Generator.PromptTokens(vocabulary, p)).ToList();
        if (prompts.Any(p => p.Length == 0)) throw new InputException("the harvest's empty prompt needs a BOS token; the model has none");
        using LlamaContext context = LlamaContext.Create(model, Generator.ContextFor(model, prompts.Max(p => p.Length), settings.TokensPerRun, threads));
        var generator = new Generator(context);
        int[]? candidates = settings.VocabFilter?.Candidates(vocabulary);

        foreach (string spec in settings.Temperatures)
        {
            if (!Temperature.TryParse(spec, out Temperature t) || !t.IsNegative)
            {
                throw new InputException($"harvest temperature '{spec}' must be negative (e.g. -0, -0.1)");
            }
            foreach (int[] prompt in prompts)
            {
                var sampler = new TokenSampler(new SamplingOptions(t, Seed: settings.Seed), candidates);
                int room = context.ContextSize - prompt.Length;
                generator.Generate(prompt, sampler, Math.Min(settings.TokensPerRun, room),
                    token => counts[token.Choice.Token] = counts.GetValueOrDefault(token.Choice.Token) + 1);
            }
        }
        return counts;
    }
}
