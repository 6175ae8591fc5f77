using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The T → 0⁻ harvest: generate from the model's own start (BOS alone, by default) or given prompts
/// at T → 0⁻ and small negative temperatures and count how often each token is emitted — the
/// model's "forbidden words".
/// With a vocabulary filter only the admitted tokens compete (e.g. <c>alpha</c>: the least likely words).
/// </summary>
public static class NegativeHarvest
{
    /// <summary>
    /// Checks everything the harvest will need — each prompt tokenizes (a vocabulary may not spell
    /// English), an empty prompt has a BOS, the temperatures are negative, the filter admits a token —
    /// so a scan fails before its first probe, not after its last. Returns the prompts' tokens.
    /// </summary>
    public static List<int[]> Prepare(LlamaModel model, HarvestSettings settings)
    {
        Vocabulary vocabulary = model.Vocabulary;
        var prompts = new List<int[]>();
        foreach (string prompt in settings.Prompts)
        {
            if (!vocabulary.CanTokenize(System.Text.Encoding.UTF8.GetBytes(prompt)))
            {
                throw new InputException($"the harvest prompt '{prompt}' has a character this vocabulary cannot spell: give prompts in the model's language " +
                    "(--harvest-prompts FILE) or scan with --no-harvest") { Parameter = "harvest-prompts" };
            }
            int[] tokens = Generator.PromptTokens(vocabulary, prompt);
            if (tokens.Length == 0) throw new InputException("the harvest's BOS-only prompt needs a BOS token and the model has none: give --harvest-prompts FILE") { Parameter = "harvest-prompts" };
            prompts.Add(tokens);
        }
        foreach (string spec in settings.Temperatures)
        {
            if (!Temperature.TryParse(spec, out Temperature t) || !t.IsNegative)
            {
                throw new InputException($"harvest temperature '{spec}' must be negative (e.g. -0, -0.1)");
            }
        }
        settings.VocabFilter?.Candidates(vocabulary); // a filter that admits nothing fails here
        return prompts;
    }

    /// <summary>
    /// Emission counts per token id (ids never emitted are absent); null when <paramref name="cancellation"/>
    /// fired first (checked after every token: a harvest on a big model outlasts a scheduler's grace period).
    /// </summary>
    public static Dictionary<int, int>? Run(LlamaModel model, HarvestSettings settings, int threads, CancellationToken cancellation = default)
    {
        var counts = new Dictionary<int, int>();
        Vocabulary vocabulary = model.Vocabulary;
        List<int[]> prompts = Prepare(model, settings);
        using LlamaContext context = LlamaContext.Create(model, Generator.ContextFor(model, prompts.Max(p => p.Length), settings.TokensPerRun, threads));
        var generator = new Generator(context);
        int[]? candidates = settings.VocabFilter?.Candidates(vocabulary);

        foreach (string spec in settings.Temperatures)
        {
            if (!Temperature.TryParse(spec, out Temperature t)) throw new InvalidOperationException($"unchecked harvest temperature '{spec}'");
            foreach (int[] prompt in prompts)
            {
                var sampler = new TokenSampler(new SamplingOptions(t, Seed: settings.Seed), candidates);
                int room = context.ContextSize - prompt.Length;
                generator.Generate(prompt, sampler, Math.Min(settings.TokensPerRun, room),
                    token => counts[token.Choice.Token] = counts.GetValueOrDefault(token.Choice.Token) + 1, cancellation: cancellation);
                if (cancellation.IsCancellationRequested) return null;
            }
        }
        return counts;
    }
}
