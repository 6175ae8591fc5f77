using System.CommandLine;
using System.Globalization;
using System.Text;
using AnomalyProbe.Analysis.Reporting.Temperature;
using AnomalyProbe.Analysis.Temperature;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;
using AnomalyProbe.Probe.TemperatureStudies;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe temperature fit|sweep</c>: temperature studies.</summary>
internal static class TemperatureCommand
{
    public static Command Create() => new("temperature", "Temperature studies: fit the temperature of a text, sweep generation over temperatures")
    {
        CreateFit(),
        CreateSweep(),
    };

    private static Command CreateFit()
    {
        Option<string> model = CommonOptions.Model();
        Option<string?> text = new("--text")
        {
            Description = "UTF-8 text file to fit, tokenized with BOS. Generated text has lost the control tokens it sampled, which biases T* upwards: " +
                          "fit a generation by its ids (--ids)",
            HelpName = "FILE",
        };
        Option<string?> ids = new("--ids")
        {
            Description = "Token ids to fit exactly, as generate --save-ids writes them (one run per line: prompt ids | generated ids; " +
                          "only the generated ones are scored)",
            HelpName = "FILE",
        };
        Option<int> threads = CommonOptions.Threads();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        var command = new Command("fit", "The temperature T* that maximises the likelihood of a text under the model (teacher forcing)")
        {
            model, text, ids, threads, gpuLayers,
        };
        command.SetAction((parse, _) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            if ((parse.GetValue(text) is null) == (parse.GetValue(ids) is null)) throw new InputException("give the text to fit: --text FILE or --ids FILE (one of them)");
            return parse.GetValue(ids) is { } idsPath
                ? RunFitIds(parse.GetValue(model)!, idsPath, parse.GetValue(threads), Console.Out, Console.Error, parse.GetValue(gpuLayers))
                : RunFit(parse.GetValue(model)!, parse.GetValue(text)!, parse.GetValue(threads), Console.Out, Console.Error, parse.GetValue(gpuLayers));
        })));
        return command;
    }

    internal static int RunFit(string modelPath, string textPath, int threads, TextWriter output, TextWriter error, int? gpuLayers = null)
    {
        if (Directory.Exists(textPath)) throw new InputException($"'{textPath}' is a directory, not a text file") { Parameter = "text" };
        if (!File.Exists(textPath)) throw new InputException($"'{textPath}' does not exist") { Parameter = "text" };
        string content = File.ReadAllText(textPath, Encoding.UTF8);
        if (string.IsNullOrWhiteSpace(content)) throw new InputException($"'{textPath}' is empty: there is nothing to fit");
        using LlamaModel model = LlamaModel.Load(modelPath, gpuLayers: gpuLayers);
        int[] tokens = model.Vocabulary.Tokenize(content, addSpecial: true);
        if (tokens.Length == 0 || tokens[0] != model.Vocabulary.Bos) tokens = [model.Vocabulary.Bos, .. tokens];
        using LlamaContext context = TeacherForcing.CreateContext(model, threads);
        TeacherForcing.Rows rows = TeacherForcing.Collect(context, [tokens]);
        TemperatureFitResult r = TeacherForcing.Fit(rows);
        Print(r, output);
        var gaps = TeacherForcing.DroppedControlTokens(rows, model.Vocabulary);
        if (gaps.Count > 0)
        {
            string where = string.Join(", ", gaps.Take(3).Select(g => $"{model.Vocabulary.GetText(g.Expected)} before token {g.Row + 1}"));
            error.WriteLine($"temperature fit: warning: the model all but certainly expected a control token at {gaps.Count} place(s) where the text goes on " +
                $"({where}): a generated text loses the control tokens it sampled, and the tokens after each gap then look less likely, " +
                "biasing T* upwards — fit the generation by its ids (generate --save-ids FILE, temperature fit --ids FILE)");
        }
        error.WriteLine(TextCaveat(r));
        return ExitCodes.Ok;
    }

    internal static int RunFitIds(string modelPath, string idsPath, int threads, TextWriter output, TextWriter error, int? gpuLayers = null)
    {
        using LlamaModel model = LlamaModel.Load(modelPath, gpuLayers: gpuLayers);
        List<TokenIdsRun> runs = TokenIdsFile.Read(idsPath, model.Vocabulary.Count);
        using LlamaContext context = TeacherForcing.CreateContext(model, threads);
        TemperatureFitResult r = TeacherForcing.Fit(context, [.. runs.Select(run => run.Sequence)], [.. runs.Select(run => run.Prompt.Length)]);
        Print(r, output);
        if (r.Temperature > ImplausibleTemperature) error.WriteLine(Implausible(r));
        return ExitCodes.Ok;
    }

    // Above this, no sampling temperature of the model explains the text: T→0⁻ text (the argmin at
    // every step) fits to about +22 on stories260K, since a negative T has no maximum-likelihood value among positive ones.
    private const double ImplausibleTemperature = 5;

    private static string Implausible(TemperatureFitResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"temperature fit: warning: T* = {r.Temperature:G3} is no temperature a sampler would use: ") +
        "the text is about as likely as uniform noise under the model (text made at T < 0 — the fit assumes T > 0 — or by another model)";

    // A text fit scores the text's own (canonical) tokenization, which for sampled text differs from the
    // sampled ids in places; measured on stories260K it moves T* upwards (README, temperature fit).
    private static string TextCaveat(TemperatureFitResult r) => r.Temperature > ImplausibleTemperature
        ? Implausible(r) + "; or it re-tokenizes into other tokens than were sampled — fit a generation by its ids (generate --save-ids, temperature fit --ids)"
        : "temperature fit: note: fitted on the text's own tokenization, which for a sampled text can differ from the ids sampled " +
          "(control tokens are not in the text) — fit a generation exactly by its ids (generate --save-ids FILE, temperature fit --ids FILE)";

    private static void Print(TemperatureFitResult r, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"T*\t{r.Temperature:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"se_T\t{r.TemperatureStandardError:G4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"beta*\t{r.Beta:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"se_beta\t{r.BetaStandardError:G4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokens\t{r.TokenCount}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loglik_per_token_T1\t{r.LogLikelihoodPerTokenAtOne:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loglik_per_token_Tstar\t{r.LogLikelihoodPerTokenAtOptimum:G6}"));
    }

    private static Command CreateSweep()
    {
        Option<string> model = CommonOptions.Model();
        Option<string> prompt = new("--prompt", "-p") { Description = "Text to continue; empty = BOS alone", HelpName = "TEXT", DefaultValueFactory = _ => "" };
        Option<Temperature[]> temperatures = new("--temperatures")
        {
            Description = "Comma-separated temperatures, sign of zero kept (e.g. -1,-0.1,-0,0,0.5,1,2; inf/-inf allowed)",
            HelpName = "LIST",
            DefaultValueFactory = _ => DefaultTemperatures(),
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                Temperature[]? list = ParseList(text, out string? error);
                if (list is null) r.AddError(error!);
                return list ?? [];
            },
        };
        Option<int> samples = new("--samples") { Description = "Continuations per temperature", HelpName = "N", DefaultValueFactory = _ => 8 };
        Option<int> maxTokens = new("--max-tokens", "-n") { Description = "Tokens per continuation at most", HelpName = "N", DefaultValueFactory = _ => 64 };
        Option<int> seed = new("--seed") { Description = "Seed of the first continuation (the i-th uses seed+i)", HelpName = "S", DefaultValueFactory = _ => 42 };
        Option<string> outDir = CommonOptions.OutputDirectory("Directory for sweep.csv and sweep.png", required: false, defaultValue: ".");
        Option<string?> vocabFilter = CommonOptions.VocabFilter("Restrict sampling at every temperature");
        Option<int> threads = CommonOptions.Threads();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        var command = new Command("sweep", "Entropy, perplexity and token classes of generations across temperatures; writes sweep.csv and sweep.png")
        {
            model, prompt, temperatures, samples, maxTokens, seed, vocabFilter, outDir, threads, gpuLayers,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            VocabFilter? filter = parse.GetValue(vocabFilter) is { } spec ? VocabFilter.Parse(spec) : null;
            CommonOptions.InitializeRuntime(parse);
            return RunSweep(parse.GetValue(model)!, parse.GetValue(prompt) ?? "", parse.GetValue(temperatures)!, parse.GetValue(samples),
                parse.GetValue(maxTokens), parse.GetValue(seed), parse.GetValue(outDir)!, parse.GetValue(threads), filter, Console.Out, cancellation, parse.GetValue(gpuLayers));
        })));
        return command;
    }

    internal static int RunSweep(string modelPath, string promptText, IReadOnlyList<Temperature> temperatures, int samples, int maxTokens,
        int seed, string outDir, int threads, VocabFilter? filter, TextWriter output, CancellationToken cancellation, int? gpuLayers = null)
    {
        if (samples < 1) throw new InputException("--samples must be >= 1");
        if (maxTokens < 1) throw new InputException("--max-tokens must be >= 1");
        using LlamaModel model = LlamaModel.Load(modelPath, gpuLayers: gpuLayers);
        int[] prompt = Generator.PromptTokens(model.Vocabulary, promptText);
        using LlamaContext context = LlamaContext.Create(model, Generator.ContextFor(model, prompt.Length, maxTokens, threads));
        List<SweepRow> rows = TemperatureSweep.Run(context, prompt, temperatures, samples, maxTokens, seed,
            filter?.Candidates(model.Vocabulary), m => Console.Error.WriteLine($"sweep: {m}"), cancellation);
        Directory.CreateDirectory(outDir);
        string csv = Path.Combine(outDir, "sweep.csv");
        string png = Path.Combine(outDir, "sweep.png");
        SweepFiles.WriteCsv(csv, rows);
        SweepFiles.WritePlot(png, rows);
        output.WriteLine("T\tentropy\tppl_T1\tbyte\tspecial\tunreach\tdistinct");
        foreach (SweepRow r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Temperature}\t{r.EntropyNats:F3}\t{r.PerplexityAtOne:G4}\t{r.ByteShare:F3}\t{r.SpecialShare:F3}\t{r.UnreachableShare:F3}\t{r.DistinctRatio:F3}"));
        }
        output.WriteLine($"wrote {csv} and {png}");
        return ExitCodes.Ok;
    }

    private static Temperature[] DefaultTemperatures() => ParseList("-1,-0.1,-0,0,0.5,1,2", out string? _)!;

    /// <summary>Parses "a,b,c" into temperatures; null with a message on a bad item.</summary>
    internal static Temperature[]? ParseList(string text, out string? error)
    {
        error = null;
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var list = new Temperature[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!Temperature.TryParse(items[i], out list[i]))
            {
                error = $"'{items[i]}' in --temperatures is not a temperature (examples: 0, -0, 0.7, -1, inf)";
                return null;
            }
        }
        return list;
    }
}
