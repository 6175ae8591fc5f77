using System.CommandLine;
using System.Globalization;
using System.Text;
using AnomalyProbe.Analysis.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;
using AnomalyProbe.Probe.TemperatureStudies;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe generate</c>: stream text at any temperature, negative included.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        Option<string> model = CommonOptions.Model();
        Option<string> prompt = new("--prompt", "-p")
        {
            Description = "Text to continue; empty = start from BOS alone",
            HelpName = "TEXT",
            DefaultValueFactory = _ => "",
        };
        Option<Temperature> temperature = new("--temperature", "-t")
        {
            Description = "0 (or 0+) = greedy argmax; -0 (or 0-) = T→0⁻, argmin of the logits; other reals, negative " +
                          "included, sample softmax(logits/T); inf/-inf = uniform",
            HelpName = "T",
            DefaultValueFactory = _ => Temperature.FromValue(1.0),
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (Temperature.TryParse(text, out Temperature t)) return t;
                r.AddError($"'{text}' is not a temperature (examples: 0, -0, 0.7, -1, inf, -inf)");
                return default;
            },
        };
        Option<int> maxTokens = new("--max-tokens", "-n")
        {
            Description = "Tokens to generate at most",
            HelpName = "N",
            DefaultValueFactory = _ => 64,
        };
        Option<int> seed = new("--seed") { Description = "Seed for sampling (same seed, same text)", HelpName = "S", DefaultValueFactory = _ => 42 };
        Option<int> topK = new("--top-k")
        {
            Description = "Keep the k most likely tokens under T (for T<0: the k lowest logits); 0 = off",
            HelpName = "K",
            DefaultValueFactory = _ => 0,
        };
        Option<double> minP = new("--min-p")
        {
            Description = "Keep tokens with p >= min-p * p_max under T (T<0: relative to the least likely token); 0 = off",
            HelpName = "P",
            DefaultValueFactory = _ => 0,
        };
        Option<bool> showTokens = new("--show-tokens")
        {
            Description = "Instead of text, print one tab-separated row per token: step, id, vocabulary text, rendered piece, " +
                          "logit, probability under T, probability at T=1, and the logit margin to the runner-up",
        };
        Option<string?> vocabFilter = CommonOptions.VocabFilter("Restrict sampling to a token class");
        Option<bool> logitMargin = new("--logit-margin")
        {
            Description = "With --show-tokens (implied): add the runner-up token and judge each margin against numerical " +
                          "noise, measured by recomputing every step at higher precision (F32 KV cache, no flash attention)",
        };
        Option<bool> raw = new("--raw") { Description = "Write the exact bytes (no escaping of control characters or invalid UTF-8)" };
        Option<string?> saveIds = new("--save-ids")
        {
            Description = "Append the prompt's and the generated token ids to FILE, one line per run — what temperature fit --ids fits exactly " +
                          "(the text loses the control tokens sampled, e.g. <s> between stories)",
            HelpName = "FILE",
        };
        Option<int> threads = CommonOptions.Threads();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();

        var command = new Command("generate", "Generate text at any temperature. T→0⁻ picks the least likely token at every step.")
        {
            model, prompt, temperature, maxTokens, seed, topK, minP, vocabFilter, showTokens, logitMargin, raw, saveIds, threads, gpuLayers,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            if (parse.GetValue(maxTokens) < 0) throw new InputException("must be 0 or more") { Parameter = "max-tokens" };
            if (parse.GetValue(topK) < 0) throw new InputException("must be 0 or more") { Parameter = "top-k" };
            if (parse.GetValue(minP) is < 0 or > 1 or double.NaN) throw new InputException("must be in [0, 1]") { Parameter = "min-p" };
            VocabFilter? filter = parse.GetValue(vocabFilter) is { } spec ? VocabFilter.Parse(spec) : null;
            CommonOptions.InitializeRuntime(parse);
            bool margins = parse.GetValue(logitMargin);
            var settings = new GenerateSettings(
                parse.GetValue(model)!, parse.GetValue(prompt) ?? "", parse.GetValue(maxTokens),
                new SamplingOptions(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(minP), parse.GetValue(seed)),
                filter, parse.GetValue(showTokens) || margins, margins, parse.GetValue(raw), parse.GetValue(threads), parse.GetValue(gpuLayers), parse.GetValue(saveIds));
            return Run(settings, Console.OpenStandardOutput(), Console.Error, cancellation);
        })));
        return command;
    }

    internal sealed record GenerateSettings(
        string ModelPath, string Prompt, int MaxTokens, SamplingOptions Sampling, VocabFilter? Filter,
        bool ShowTokens, bool LogitMargin, bool Raw, int Threads, int? GpuLayers = null, string? SaveIds = null);

    internal static int Run(GenerateSettings s, Stream stdout, TextWriter stderr, CancellationToken cancellation)
    {
        using LlamaModel model = LlamaModel.Load(s.ModelPath, gpuLayers: s.GpuLayers);
        Vocabulary vocabulary = model.Vocabulary;
        int[] prompt = Generator.PromptTokens(vocabulary, s.Prompt);
        using LlamaContext context = LlamaContext.Create(model, Generator.ContextFor(model, prompt.Length, s.MaxTokens, s.Threads));

        int[]? candidates = s.Filter?.Candidates(vocabulary);
        var sampler = new TokenSampler(s.Sampling, candidates);
        using MarginCheck? check = s.LogitMargin ? MarginCheck.Start(model, context.ContextSize, s.Threads, prompt, candidates) : null;

        using var output = new StreamWriter(stdout, new UTF8Encoding(false)) { AutoFlush = true };
        var text = new StreamingDetokenizer(vocabulary, prompt);
        if (s.ShowTokens) output.WriteLine("step\tid\ttoken\tpiece\tlogit\tp_T\tp_T1\tmargin" + (check is null ? "" : "\trunner_up\trunner_up_token\tnoise\tverdict"));
        var readings = new List<MarginReading>();

        bool ended = false;
        var ids = new List<int>();
        int generated = new Generator(context).Generate(prompt, sampler, s.MaxTokens, token =>
        {
            ended = token.EndsGeneration;
            ids.Add(token.Choice.Token);
            if (s.ShowTokens)
            {
                TokenChoice c = token.Choice;
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"{token.Step}\t{c.Token}\t{TokenText(vocabulary, c.Token)}\t{PieceText.Escape(vocabulary.TokenToPiece(c.Token, special: true))}\t{c.Logit:G6}\t{c.Probability:G6}\t{token.ProbabilityAtT1:G6}\t{c.Margin:G6}");
                if (check is not null)
                {
                    MarginReading m = readings[^1];
                    row += string.Create(CultureInfo.InvariantCulture,
                        $"\t{c.RunnerUp}\t{(c.RunnerUp < 0 ? "" : TokenText(vocabulary, c.RunnerUp))}\t{m.Noise:G3}\t{m.Verdict.ToString().ToLowerInvariant()}");
                    if (!token.EndsGeneration) check.Advance(c.Token);
                }
                output.WriteLine(row);
                text.Push(c.Token);
            }
            else
            {
                Write(output, text.Push(token.Choice.Token), s.Raw);
            }
        }, check is null ? null : (int _, ReadOnlySpan<float> logits, in TokenChoice c) => readings.Add(check.Read(logits, c)), cancellation);

        if (!s.ShowTokens) Write(output, text.Flush(), s.Raw);
        output.WriteLine();
        if (check is not null) stderr.WriteLine(MarginSummary(readings));
        if (s.SaveIds is { } idsPath) TokenIdsFile.Append(idsPath, new TokenIdsRun(prompt, [.. ids]));
        if (generated < s.MaxTokens && !ended && !cancellation.IsCancellationRequested)
        {
            stderr.WriteLine($"generate: stopped after {generated} of {s.MaxTokens} tokens: the model's context ({context.ContextSize} tokens, prompt included) is full");
        }
        return cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

    private static string TokenText(Vocabulary vocabulary, int token) => PieceText.Escape(Encoding.UTF8.GetBytes(vocabulary.GetText(token)));

    private static string MarginSummary(List<MarginReading> readings)
    {
        if (readings.Count == 0) return "logit margin: no token generated";
        int Count(MarginVerdict v) => readings.Count(r => r.Verdict == v);
        float[] noise = [.. readings.Select(r => r.Noise).Order()];
        return string.Create(CultureInfo.InvariantCulture,
            $"logit margin: {Count(MarginVerdict.Signal)} signal, {Count(MarginVerdict.Noise)} noise, {Count(MarginVerdict.Tie)} tie " +
            $"of {readings.Count} steps; noise (largest |Δlogit| against the F32 recomputation) median {noise[noise.Length / 2]:G3}, max {noise[^1]:G3}");
    }

    private static void Write(StreamWriter output, byte[] bytes, bool raw)
    {
        if (bytes.Length == 0) return;
        if (raw)
        {
            output.Flush();
            output.BaseStream.Write(bytes);
            return;
        }
        output.Write(PieceText.Escape(bytes, keepLayout: true));
    }
}
