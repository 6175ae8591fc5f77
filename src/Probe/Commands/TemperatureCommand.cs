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
        Option<string> text = new("--text")
        {
            Description = "UTF-8 text file to fit (tokenized with BOS)",
            HelpName = "FILE",
            Required = true,
        };
        Option<int> threads = CommonOptions.Threads();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        var command = new Command("fit", "The temperature T* that maximises the likelihood of a text under the model (teacher forcing)")
        {
            model, text, threads, gpuLayers,
        };
        command.SetAction((parse, _) => Task.FromResult(CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            return RunFit(parse.GetValue(model)!, parse.GetValue(text)!, parse.GetValue(threads), Console.Out, parse.GetValue(gpuLayers));
        })));
        return command;
    }

    internal static int RunFit(string modelPath, string textPath, int threads, TextWriter output, int? gpuLayers = null)
    {
        if (Directory.Exists(textPath)) throw new InputException($"'{textPath}' is a directory, not a text file") { Parameter = "text" };
        if (!File.Exists(textPath)) throw new InputException($"'{textPath}' does not exist") { Parameter = "text" };
        string content = File.ReadAllText(textPath, Encoding.UTF8);
        if (string.IsNullOrWhiteSpace(content)) throw new InputException($"'{textPath}' is empty: there is nothing to fit");
        using LlamaModel model = LlamaModel.Load(modelPath, gpuLayers: gpuLayers);
        int[] tokens = model.Vocabulary.Tokenize(content, addSpecial: true);
        if (tokens.Length == 0 || tokens[0] != model.Vocabulary.Bos) tokens = [model.Vocabulary.Bos, .. tokens];
        using LlamaContext context = TeacherForcing.CreateContext(model, threads);
        TemperatureFitResult r = TeacherForcing.Fit(context, [tokens]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"T*\t{r.Temperature:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"se_T\t{r.TemperatureStandardError:G4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"beta*\t{r.Beta:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"se_beta\t{r.BetaStandardError:G4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokens\t{r.TokenCount}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loglik_per_token_T1\t{r.LogLikelihoodPerTokenAtOne:G6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loglik_per_token_Tstar\t{r.LogLikelihoodPerTokenAtOptimum:G6}"));
        return ExitCodes.Ok;
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
            filter?.Candidates(model.Vocabulary), cancellation);
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
