using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Probe.Probing;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Sampling;

/// <summary>
/// --vocab-filter and --logit-margin on the real stories260K model (ids 3-258 are its &lt;0xNN&gt;
/// tokens; unfiltered T → 0⁻ emits mostly those, see GenerateTests).
/// </summary>
public sealed class ConstrainedGenerationTests : IDisposable
{
    private static readonly Regex Word = new(@"^ ?\p{L}+$");
    private readonly string _dir = Directory.CreateTempSubdirectory("constrained-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool IsByteToken(int id) => id is >= 3 and <= 258;

    // --show-tokens rows as column name → value, header excluded.
    private static List<Dictionary<string, string>> Rows(string stdout)
    {
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split('\t');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split('\t')).ToDictionary(p => p.First, p => p.Second))];
    }

    private static int Id(Dictionary<string, string> row) => int.Parse(row["id"], CultureInfo.InvariantCulture);

    [Fact]
    public void ZeroMinusWithNoBytesPicksTheLowestAdmittedLogitAndNeverAByteToken()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 128, BatchSize: 64, Threads: 2));
        int[] prompt = model.Vocabulary.Tokenize("Once upon a time", addSpecial: true);

        foreach (string spec in new[] { "no-bytes", "no-bytes,no-special" })
        {
            int[] admitted = VocabFilter.Parse(spec).Candidates(model.Vocabulary);
            var chosen = new List<int>();
            new Generator(context).Generate(prompt, new TokenSampler(new SamplingOptions(Temperature.AntiGreedy), admitted), 48,
                t => chosen.Add(t.Choice.Token),
                (int _, ReadOnlySpan<float> logits, in TokenChoice choice) =>
                {
                    // Independent: the lowest and second-lowest admitted logits by a plain loop.
                    int lowest = -1, second = -1;
                    foreach (int id in admitted)
                    {
                        if (lowest < 0 || logits[id] < logits[lowest]) (second, lowest) = (lowest, id);
                        else if (second < 0 || logits[id] < logits[second]) second = id;
                    }
                    Assert.Equal(lowest, choice.Token);
                    Assert.Equal(second, choice.RunnerUp);
                    Assert.Equal(logits[second] - logits[lowest], choice.Margin);
                });
            Assert.NotEmpty(chosen);
            Assert.DoesNotContain(chosen, IsByteToken);
            if (spec.Contains("no-special", StringComparison.Ordinal)) Assert.Equal(48, chosen.Count); // no EOS to stop at
        }
    }

    [Fact]
    public void TheCliFiltersEveryEmittedToken()
    {
        CliResult noBytes = CliProcess.Run("generate", "-t", "-0", "--vocab-filter", "no-bytes,no-special", "-n", "40", "--show-tokens");
        Assert.Equal(0, noBytes.ExitCode);
        var rows = Rows(noBytes.StdOut);
        Assert.Equal(40, rows.Count);
        Assert.DoesNotContain(rows, r => IsByteToken(Id(r)) || Id(r) < 3);

        CliResult words = CliProcess.Run("generate", "-t", "-0", "--vocab-filter", "alpha", "-n", "30", "--show-tokens", "--prompt", "Once upon a time");
        Assert.Equal(0, words.ExitCode);
        Assert.Equal(30, Rows(words.StdOut).Count);
        Assert.All(Rows(words.StdOut), r => Assert.Matches(Word, r["piece"]));

        string ids = Path.Combine(_dir, "ids.txt");
        File.WriteAllText(ids, "265 267\n300-302\n");
        CliResult listed = CliProcess.Run("generate", "-t", "-1", "--seed", "3", "--vocab-filter", "file:" + ids, "-n", "50", "--show-tokens");
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(50, Rows(listed.StdOut).Count);
        Assert.All(Rows(listed.StdOut), r => Assert.Contains(Id(r), new[] { 265, 267, 300, 301, 302 }));
        Assert.True(Rows(listed.StdOut).Select(Id).Distinct().Count() > 1, "T = -1 over five tokens should not be deterministic");
    }

    [Fact]
    public void LogitMarginJudgesEveryStepAgainstTheMeasuredNoise()
    {
        CliResult r = CliProcess.Run("generate", "-t", "-0", "--vocab-filter", "no-bytes,no-special", "--logit-margin", "-n", "24", "--prompt", "Once upon a time");
        Assert.Equal(0, r.ExitCode);
        string header = r.StdOut.Split('\n')[0];
        Assert.Equal("step\tid\ttoken\tpiece\tlogit\tp_T\tp_T1\tmargin\trunner_up\trunner_up_token\tnoise\tverdict", header);
        var rows = Rows(r.StdOut);
        Assert.Equal(24, rows.Count);
        foreach (var row in rows)
        {
            float margin = float.Parse(row["margin"], CultureInfo.InvariantCulture);
            float noise = float.Parse(row["noise"], CultureInfo.InvariantCulture);
            int runnerUp = int.Parse(row["runner_up"], CultureInfo.InvariantCulture);
            Assert.NotEqual(Id(row), runnerUp);
            Assert.False(IsByteToken(runnerUp) || runnerUp < 3, $"runner-up {runnerUp} is outside the filter");
            Assert.InRange(noise, 0f, 0.5f);
            Assert.Contains(row["verdict"], new[] { "signal", "noise", "tie" });
            Assert.Equal(margin == 0, row["verdict"] == "tie");
            // Away from the 2·noise boundary the printed (rounded) numbers decide the verdict too.
            if (Math.Abs(margin - 2 * noise) > 0.01 * margin) Assert.Equal(MarginCheck.Judge(margin, noise).ToString().ToLowerInvariant(), row["verdict"]);
        }
        // F16 KV + flash attention vs F32 KV without: the two computations really differ.
        Assert.Contains(rows, row => float.Parse(row["noise"], CultureInfo.InvariantCulture) > 0);
        Assert.Matches(@"^logit margin: \d+ signal, \d+ noise, \d+ tie of 24 steps; noise .* median \S+, max \S+\n?$", r.StdErr);
    }

    [Fact]
    public void TheReferenceFollowsTheGenerationStepForStep()
    {
        // Recompute every step independently (F32 KV, no flash attention, the whole sequence in one
        // batch) and compare with MarginCheck's noise: an off-by-one step would differ by whole logits.
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        using LlamaContext context = LlamaContext.Create(model, new ContextOptions(ContextSize: 64, BatchSize: 16, Threads: 2));
        int[] prompt = model.Vocabulary.Tokenize("Once upon a time", addSpecial: true);
        using MarginCheck check = MarginCheck.Start(model, context.ContextSize, 2, prompt, candidates: null);
        var rows = new List<float[]>();
        var readings = new List<MarginReading>();
        var tokens = new List<int>();
        new Generator(context).Generate(prompt, new TokenSampler(new SamplingOptions(Temperature.FromValue(-1), Seed: 4)), 20,
            t =>
            {
                tokens.Add(t.Choice.Token);
                if (!t.EndsGeneration) check.Advance(t.Choice.Token);
            },
            (int _, ReadOnlySpan<float> logits, in TokenChoice c) =>
            {
                rows.Add(logits.ToArray());
                readings.Add(check.Read(logits, c));
            });

        using LlamaContext exact = LlamaContext.Create(model, new ContextOptions(ContextSize: 64, BatchSize: 64, Threads: 2, FlashAttention: false, Float32Cache: true));
        int[] sequence = [.. prompt, .. tokens[..^1]];
        var batch = new LlamaBatch(sequence.Length);
        for (int i = 0; i < sequence.Length; i++) batch.Add(new TokenId(sequence[i]), new Position(i), SequenceId.First, wantLogits: i >= prompt.Length - 1);
        exact.DecodeOrThrow(batch);
        for (int step = 0; step < tokens.Count; step++)
        {
            ReadOnlySpan<float> independent = exact.GetLogits(prompt.Length - 1 + step);
            float noise = 0;
            for (int i = 0; i < independent.Length; i++) noise = Math.Max(noise, Math.Abs(rows[step][i] - independent[i]));
            Assert.InRange(readings[step].Noise, noise - 1e-3f, noise + 1e-3f);
        }
    }

    [Fact]
    public void TheHarvestEmitsOnlyAdmittedTokens()
    {
        using LlamaModel model = LlamaModel.Load(TestPaths.DefaultModel);
        Dictionary<int, int> plain = NegativeHarvest.Run(model, HarvestSettings.Default(true, 42), 2)!;
        Assert.Contains(plain.Keys, IsByteToken); // what the filter is for

        Dictionary<int, int> filtered = NegativeHarvest.Run(model, HarvestSettings.Default(true, 42, VocabFilter.Parse("alpha")), 2)!;
        Assert.Equal(4 * 3 * 32, filtered.Values.Sum()); // 4 prompts × 3 temperatures × 32 tokens, no EOS to stop at
        Assert.All(filtered.Keys, id => Assert.Matches(Word, System.Text.Encoding.UTF8.GetString(model.Vocabulary.TokenToPiece(id))));
    }

    [Fact]
    public void TheHarvestFilterIsPartOfTheHarvestSettingsOnlyWhenGiven()
    {
        Assert.DoesNotContain("VocabFilter", JsonSerializer.Serialize(HarvestSettings.Default(true, 42)), StringComparison.Ordinal);
        string with = JsonSerializer.Serialize(HarvestSettings.Default(true, 42, VocabFilter.Parse("alpha, NO-BYTES")));
        Assert.Contains("\"VocabFilter\":{\"Spec\":\"alpha,no-bytes\"}", with, StringComparison.Ordinal);

        string dir = Path.Combine(_dir, "scan");
        string[] scan = ["scan", "--out", dir, "--tokens", "259-320", "--threads", "2", "--no-analyze"];
        Assert.Equal(0, CliProcess.Run([.. scan, "--vocab-filter", "alpha"]).ExitCode);
        RunInfo info = RunInfo.Read(Path.Combine(dir, "run.json"));
        Assert.Equal("alpha", info.Settings.Harvest["vocab_filter"]);
        TokensTable table = TokensCsv.Read(Path.Combine(dir, ScanOutputs.TokensFile));
        Assert.All(table.Rows.Where(r => r.NegTempHits > 0), r => Assert.Matches(Word, r.Piece));

        // The harvest is post-processing: another filter on the finished scan reruns only the harvest.
        string journal = File.ReadAllText(Path.Combine(dir, ScanJournal.FileName));
        CliResult resumed = CliProcess.Run([.. scan, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        string after = File.ReadAllText(Path.Combine(dir, ScanJournal.FileName));
        Assert.StartsWith(journal, after, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"probe\"", after[journal.Length..], StringComparison.Ordinal);
        Assert.Contains("\"type\":\"harvest\"", after[journal.Length..], StringComparison.Ordinal);
        Assert.False(RunInfo.Read(Path.Combine(dir, "run.json")).Settings.Harvest.ContainsKey("vocab_filter"));
    }

    [Fact]
    public void ShardsScannedWithAFilterMergeAndKeepIt()
    {
        string ids = Path.Combine(_dir, "ids.txt");
        File.WriteAllText(ids, "259-511\n");
        string[] shards = [Path.Combine(_dir, "s0"), Path.Combine(_dir, "s1")];
        for (int i = 0; i < 2; i++)
        {
            CliResult r = CliProcess.Run("scan", "--out", shards[i], "--tokens", "259-320", "--threads", "2", "--no-analyze",
                "--batch", "32", "--shard", $"{i}/2", "--vocab-filter", "alpha,file:" + ids);
            Assert.True(r.ExitCode == 0, r.StdErr);
        }
        string merged = Path.Combine(_dir, "merged");
        CliResult m = CliProcess.Run("merge", shards[0], shards[1], "--out", merged);
        Assert.True(m.ExitCode == 0, m.StdErr);
        Assert.Equal("alpha,file:" + ids, RunInfo.Read(Path.Combine(merged, "run.json")).Settings.Harvest["vocab_filter"]);
    }

    [Theory]
    [InlineData("'bogus' is not a token class", "generate", "--vocab-filter", "bogus")]
    [InlineData("cannot read", "generate", "--vocab-filter", "file:/no/such/file")]
    [InlineData("admits no token", "generate", "--vocab-filter", "alpha,file:" + "@bytes")]
    [InlineData("cannot go with --no-harvest", "scan", "--out", "@out", "--vocab-filter", "alpha", "--no-harvest")]
    [InlineData("admits no token", "scan", "--out", "@out", "--vocab-filter", "alpha,file:@bytes")]
    [InlineData("'bogus' is not a token class", "temperature", "sweep", "--vocab-filter", "bogus")]
    public void BadFiltersGetOneLineAndExitTwo(string message, params string[] args)
    {
        File.WriteAllText(Path.Combine(_dir, "bytes.txt"), "3-258");
        string[] resolved = [.. args.Select(a => a.Replace("@bytes", Path.Combine(_dir, "bytes.txt"), StringComparison.Ordinal)
            .Replace("@out", Path.Combine(_dir, "out"), StringComparison.Ordinal))];
        CliResult r = CliProcess.Run(resolved);
        Assert.Equal(2, r.ExitCode);
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Contains(message, r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(_dir, "out", "journal.jsonl")), "nothing is probed before the settings are checked");
    }
}
