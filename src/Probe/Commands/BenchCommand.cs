using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AnomalyProbe.Probe.Bench;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;
using Spectre.Console;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe bench</c>: the batch runner against the naive baseline and the raw decode ceiling.</summary>
internal static class BenchCommand
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Create()
    {
        Option<string> model = CommonOptions.Model();
        Option<string?> synthetic = new("--synthetic")
        {
            Description = $"Benchmark a llama-shaped model with random weights instead: {string.Join(", ", ModelShape.Presets.Select(p => p.Name))} " +
                          "or a spec like embd=512,layers=8,heads=8,ff=1536 (add type=q4_k for Q4_K weights instead of Q8_0; written once into ~/.cache/anomalyprobe/synthetic)",
            HelpName = "SHAPE",
        };
        Option<string[]> templates = CommonOptions.Templates(PromptTemplate.BuiltInSpec);
        Option<string?> chatTemplate = CommonOptions.ChatTemplate();
        Option<int?> batch = ScanCommand.BatchOption();
        Option<int> threads = CommonOptions.Threads();
        Option<int> groups = new("--groups") { Description = "Batched groups measured per template", HelpName = "N", DefaultValueFactory = _ => 2 };
        Option<int> naiveProbes = new("--naive-probes") { Description = "Naive probes measured per template", HelpName = "N", DefaultValueFactory = _ => 16 };
        Option<int> repeats = new("--repeats")
        {
            Description = "Runs of every figure (1-20): the median is reported with the range, and an efficiency outside (0, 1.05] is flagged as noise",
            HelpName = "N",
            DefaultValueFactory = _ => 3,
        };
        Option<bool> exact = new("--exact") { Description = "Measure the exact mode (float32 KV, no flash attention)" };
        Option<int> answerTokens = ScanCommand.AnswerTokensOption();
        Option<int?> gpuLayers = CommonOptions.GpuLayers();
        Option<bool> json = CommonOptions.Json();
        Option<int> attempts = new("--attempts") { Description = "Also measure N sampled answers per probe (at --attempt-temperature) against greedy answers alone", HelpName = "N", DefaultValueFactory = _ => 1 };
        Option<double> attemptTemperature = new("--attempt-temperature") { Description = "Temperature of the sampled answers (default 1 when --attempts > 1)", HelpName = "T", DefaultValueFactory = _ => 1 };

        var command = new Command("bench",
            "Measure, in one run on one model and per template: naive and batched probes/s and their ratio, the raw llama_decode " +
            "ceiling (each group's suffixes and answer tokens, as the runner fed them back, in one decode) and the batched runner's " +
            "efficiency against it, where the runner's time goes, and the projected full-vocabulary scan time.")
        {
            model, synthetic, templates, chatTemplate, batch, threads, groups, naiveProbes, repeats, exact, answerTokens, attempts, attemptTemperature, gpuLayers, json,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            BatchSizes batches = parse.GetValue(batch) is int b ? BatchSizes.Fixed(b) : BatchSizes.Default();
            batches.Check(AttemptSettings.Greedy);
            if (parse.GetValue(groups) < 1 || parse.GetValue(naiveProbes) < 1) throw new InputException("--groups and --naive-probes must be >= 1");
            if (parse.GetValue(repeats) is < 1 or > 20) throw new InputException("must be in [1, 20]") { Parameter = "repeats" };
            int threadCount = ThreadCount.Resolve(parse.GetValue(threads));
            AttemptSettings? sampling = parse.GetValue(attempts) > 1 ? AttemptSettings.Create(parse.GetValue(attempts), parse.GetValue(attemptTemperature), 42) : null;
            CommonOptions.InitializeRuntime(parse);
            string path = parse.GetValue(synthetic) is { } shape
                ? SyntheticModel.GetOrCreate(ParseShape(shape), progress: m => Console.Error.WriteLine($"bench: {m}"))
                : parse.GetValue(model)!;
            using LlamaModel loaded = LlamaModel.Load(path, gpuLayers: parse.GetValue(gpuLayers));
            string? chat = parse.GetValue(chatTemplate);
            var chosen = PromptTemplate.LoadAll(parse.GetValue(templates)!, chat is not null || ChatFormat.ModelHasTemplate(loaded));
            BenchmarkResult report = ProbeBenchmark.Run(loaded, TemplateTokens.CreateAll(chosen, loaded, chat), batches,
                threadCount, parse.GetValue(exact), parse.GetValue(groups), parse.GetValue(naiveProbes),
                ScanCommand.CheckAnswerTokens(parse.GetValue(answerTokens)), m => Console.Error.WriteLine($"bench: {m}"), sampling, parse.GetValue(repeats));
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(report, s_json));
            else Print(report);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static ModelShape ParseShape(string text)
    {
        try
        {
            return ModelShape.Named(text);
        }
        catch (ArgumentException e)
        {
            throw new InputException(e.Message);
        }
    }

    private static void Print(BenchmarkResult result)
    {
        static string F(double x, string format = "F1") => x.ToString(format, CultureInfo.InvariantCulture);
        // Escaped: Spectre reads [..] in a cell as markup.
        static string R(Measured m, string format) => m.Min == m.Max ? F(m.Median, format) : Markup.Escape($"{F(m.Median, format)} [{F(m.Min, format)}–{F(m.Max, format)}]");
        Console.Out.WriteLine($"model {result.Model} ({result.Description}), vocabulary {result.VocabularySize}, batch {result.Batch}, threads {result.Threads}" +
            $"{(result.Exact ? ", exact" : "")}; medians of {result.Repeats} runs [range]");
        var table = new Table().AddColumns("template", "B", "suffix", "naive/s", "batched/s", "ratio", "ceiling tok/s", "efficiency", "full scan");
        foreach (TemplateBenchmark t in result.Templates)
        {
            table.AddRow(t.Name, t.Batch.ToString(CultureInfo.InvariantCulture), t.SuffixTokens.ToString(CultureInfo.InvariantCulture), R(t.NaiveProbesPerS, "F1"), R(t.BatchedProbesPerS, "F1"), F(t.Ratio, "F2"),
                R(t.CeilingTokensPerS, "F0"), R(t.Efficiency, "F2") + (t.Noisy ? " (noisy)" : ""),
                TimeSpan.FromSeconds(t.ProjectedFullScanS).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        var phases = new Table().AddColumns("template", "suffixes alone tok/s", "suffix decode", "answer decodes", "logit reading", "bookkeeping");
        foreach (TemplateBenchmark t in result.Templates)
        {
            phases.AddRow([t.Name, R(t.SuffixTokensPerS, "F0"),
                .. t.Phases.Select(p => F(100 * p.Share.Median, "F1") + " %" + (p.Efficiency is { } e ? $" at {F(e.Median, "F2")}" : ""))]);
        }
        Console.Out.WriteLine("batched runner's time per phase (median share; after 'at', a decode phase's tokens/s ÷ that of the suffixes alone in one decode):");
        AnsiConsole.Write(phases);
        foreach (TemplateBenchmark t in result.Templates.Where(t => t.Noisy))
        {
            Console.Out.WriteLine($"warning: {t.Name}: an efficiency of {F(t.Efficiency.Max, "F2")} is outside (0, {F(ProbeBenchmark.MaxPlausibleEfficiency, "F2")}]: " +
                "the machine's load changed between measurements (another process on the cores?); rerun on a quiet machine or with more --repeats");
        }
        foreach (TemplateBenchmark t in result.Templates.Where(t => t.Attempts is not null))
        {
            AttemptsBenchmark a = t.Attempts!;
            Console.Out.WriteLine($"{t.Name}: {a.Count} sampled attempts {F(a.AttemptsProbesPerS)} probes/s vs greedy only {F(a.GreedyProbesPerS)} probes/s (batch {a.Batch}): " +
                $"each probe costs {F(a.Cost, "F2")}x (as separate probes: {a.Count + 1}x)");
        }
        Console.Out.WriteLine($"thread scaling ({result.Templates[0].Name}, suffixes alone): " +
            string.Join(", ", result.ThreadScaling.Select(p => $"{p.Threads} → {F(p.CeilingTokensPerS, "F0")} tok/s ({F(p.Speedup, "F2")}x)")));
        Console.Out.WriteLine($"projected full scan, all templates: {TimeSpan.FromSeconds(result.ProjectedFullScanS).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)}");
    }
}
