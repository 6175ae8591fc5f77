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
        var prompts = settings.Prompts.Select(p => Prompt(vocabulary, p)).ToList();
        int longest = prompts.Max(p => p.Length) + settings.TokensPerRun + 1;
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(
            ContextSize: Math.Min(longest, Math.Max(16, model.TrainingContextLength)), BatchSize: Math.Max(1, prompts.Max(p => p.Length)), Threads: threads));
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

    private static int[] Prompt(Vocabulary vocabulary, string text)
    {
        int[] tokens = vocabulary.Tokenize(text, addSpecial: true);
        if (tokens.Length > 0) return tokens;
        return vocabulary.Bos >= 0 ? [vocabulary.Bos] : throw new InputException("the harvest needs a BOS token for its empty prompt; the model has none");
    }
}
