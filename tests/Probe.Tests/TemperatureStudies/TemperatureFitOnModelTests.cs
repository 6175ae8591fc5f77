using AnomalyProbe.Analysis.Temperature;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;
using AnomalyProbe.Probe.TemperatureStudies;
using AnomalyProbe.Probe.Tests.Support;
using Xunit.Abstractions;

namespace AnomalyProbe.Probe.Tests.TemperatureStudies;

public sealed class TemperatureFitOnModelTests(ITestOutputHelper output)
{
    /// <summary>
    /// Text the model generated at τ (runs of up to 400 tokens from BOS, seeds 1, 2, ..., until 2000
    /// tokens) is fitted on its token ids. The MLE's error is ~N(0, SE²) when the generating and the
    /// scoring logits agree; they differ only by batch-vs-single-token rounding (float32 KV cache on
    /// both sides), so |T* − τ| ≤ 4 SE (false-alarm rate 6e-5 per τ), and 10 % of τ as a loose
    /// absolute bound that also fails if SE itself blows up.
    /// </summary>
    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void TextGeneratedAtTauFitsBackToTau(double tau)
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = TeacherForcing.CreateContext(model, threads: 2);
        var sequences = new List<int[]>();
        int total = 0;
        for (int seed = 1; total < 2000; seed++)
        {
            var run = new List<int> { model.Vocabulary.Bos };
            new Generator(context).Generate([model.Vocabulary.Bos], new TokenSampler(new SamplingOptions(Temperature.FromValue(tau), Seed: seed)),
                400, t => run.Add(t.Choice.Token));
            sequences.Add([.. run]);
            total += run.Count - 1;
        }

        TemperatureFitResult r = TeacherForcing.Fit(context, sequences);

        output.WriteLine($"tau {tau}: T* {r.Temperature:F4} ± {r.TemperatureStandardError:F4} over {r.TokenCount} tokens in {sequences.Count} runs; " +
                         $"loglik/token T=1 {r.LogLikelihoodPerTokenAtOne:F4}, T* {r.LogLikelihoodPerTokenAtOptimum:F4}");
        Assert.Equal(total, r.TokenCount);
        Assert.InRange(r.Temperature, tau - 4 * r.TemperatureStandardError, tau + 4 * r.TemperatureStandardError);
        Assert.InRange(r.Temperature, 0.9 * tau, 1.1 * tau);
        Assert.True(r.LogLikelihoodPerTokenAtOptimum >= r.LogLikelihoodPerTokenAtOne);
    }

    /// <summary>
    /// The path a user takes, through the CLI: generate at τ (seeds 1..5, 400 tokens from BOS) with
    /// --raw text and --save-ids. Fitting the ids (all runs in one file) recovers τ within 4 SE and 10 %,
    /// as above. A text fit scores the text's own tokenization: where the run sampled no control token
    /// it is the sampled one and the text fit recovers τ within 4 of its SE; where it sampled one
    /// (stories260K's &lt;s&gt; between stories, which the text drops) the fit warns that it is biased.
    /// </summary>
    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void TheCliFitsGeneratedTextByItsIdsAndWarnsWhereTheTextLostTokens(double tau)
    {
        string dir = Directory.CreateTempSubdirectory("fit-cli").FullName;
        try
        {
            string ids = Path.Combine(dir, "runs.ids");
            using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel, vocabOnly: true);
            int clean = 0, warned = 0;
            for (int seed = 1; seed <= 5; seed++)
            {
                string text = Path.Combine(dir, $"run{seed}.txt");
                CliResult g = CliProcess.Run("generate", "-t", $"{tau}", "--seed", $"{seed}", "-n", "400", "--prompt", "", "--raw", "--save-ids", ids);
                Assert.True(g.ExitCode == 0, g.StdErr);
                File.WriteAllText(text, g.StdOut[..^1]); // generate ends its output with a newline of its own
                TokenIdsRun run = TokenIdsFile.Read(ids, model.Vocabulary.Count)[seed - 1]; // one line per run, appended
                bool sampledControl = run.Generated.Any(t => model.Vocabulary.GetTokenType(t) == Analysis.Tokens.TokenType.Control);
                CliResult fit = CliProcess.Run("temperature", "fit", "--text", text);
                Assert.True(fit.ExitCode == 0, fit.StdErr);
                var (t, se) = Read(fit.StdOut);
                output.WriteLine($"tau {tau} seed {seed}: text T* {t:F3} ± {se:F3}, control token sampled: {sampledControl}");
                if (sampledControl && fit.StdErr.Contains("expected a control token", StringComparison.Ordinal)) warned++;
                if (!sampledControl)
                {
                    clean++;
                    Assert.InRange(t, tau - 4 * se, tau + 4 * se);
                }
            }
            Assert.True(clean > 0, "every run sampled a control token: no text-path check was made");

            CliResult exact = CliProcess.Run("temperature", "fit", "--ids", ids);
            Assert.True(exact.ExitCode == 0, exact.StdErr);
            var (tStar, seStar) = Read(exact.StdOut);
            output.WriteLine($"tau {tau}: ids T* {tStar:F4} ± {seStar:F4}; {warned} text fits warned of a lost control token");
            Assert.InRange(tStar, tau - 4 * seStar, tau + 4 * seStar);
            Assert.InRange(tStar, 0.9 * tau, 1.1 * tau);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (double T, double Se) Read(string fitOutput)
    {
        var fields = fitOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1]);
        return (double.Parse(fields["T*"], System.Globalization.CultureInfo.InvariantCulture), double.Parse(fields["se_T"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ChunksLongerThanTheContextAreAllScored()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 64, BatchSize: 64, Threads: 2));
        int[] tokens = model.Vocabulary.Tokenize(string.Concat(Enumerable.Repeat("Once upon a time, there was a little girl named Lily. ", 6)), addSpecial: true);
        Assert.True(tokens.Length > 64);
        TeacherForcing.Rows rows = TeacherForcing.Collect(context, [tokens]);
        Assert.Equal(tokens[1..], rows.Targets);
        Assert.Equal(rows.Targets.Length * model.Vocabulary.Count, rows.Logits.Length);
    }

    [Fact]
    public void CliFitsATextFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"anomalyprobe-fit-{Guid.NewGuid():N}.txt");
        // Not greedy text: a greedy story makes every target the argmax, and T* → 0⁺ has no finite value.
        File.WriteAllText(path, "The dog ate a purple banana under the moon while the cat sang loudly. Tom was sad because his kite was stuck in a tree.");
        try
        {
            CliResult r = CliProcess.Run("temperature", "fit", "--text", path, "--model", TestPaths.DefaultModel);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("T*\t", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("se_T\t", r.StdOut, StringComparison.Ordinal);
            Assert.Contains("tokens\t", r.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CliRejectsMissingAndEmptyText()
    {
        CliResult missing = CliProcess.Run("temperature", "fit", "--text", "/nonexistent/anomalyprobe.txt");
        Assert.Equal(2, missing.ExitCode);
        Assert.False(missing.LooksLikeCrash, missing.StdErr);

        string path = Path.Combine(Path.GetTempPath(), $"anomalyprobe-empty-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "  \n");
        try
        {
            CliResult empty = CliProcess.Run("temperature", "fit", "--text", path);
            Assert.Equal(2, empty.ExitCode);
            Assert.Contains("empty", empty.StdErr, StringComparison.Ordinal);
            Assert.False(empty.LooksLikeCrash, empty.StdErr);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
