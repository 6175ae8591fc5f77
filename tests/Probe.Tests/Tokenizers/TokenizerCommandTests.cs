using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Reporting;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Tokenizers;

/// <summary>The real CLI in child processes: files written and read back, bad input as exit 2 with one line.</summary>
public sealed class TokenizerCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenizer-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Vocab(string name) => Path.Combine(TestPaths.VocabDir, $"ggml-vocab-{name}.gguf");

    private static string Model(string name) => Path.Combine(TestPaths.ModelsDir, $"{name}.gguf");

    private static void AssertCleanInputError(CliResult r, string expectedFragment)
    {
        Assert.False(r.LooksLikeCrash, $"crash-like output (exit {r.ExitCode}): {r.StdErr}");
        Assert.Equal(2, r.ExitCode);
        string[] lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {r.StdErr}");
        Assert.StartsWith("anomalyprobe: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expectedFragment, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AuditWritesCsvAndSummary()
    {
        string output = Path.Combine(_dir, "audit");
        CliResult r = CliProcess.Run("tokenizer", "audit", "--model", Vocab("llama-spm"), "--out", output);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("byte_fallback 256, unused 0, special 3, unreachable 0, partial_utf8 0, normal 31,741", r.StdOut, StringComparison.Ordinal);
        IReadOnlyList<AuditRecord> records = AuditCsv.Read(Path.Combine(output, "audit.csv"));
        Assert.Equal(32000, records.Count);
        string md = File.ReadAllText(Path.Combine(output, "audit.md"));
        Assert.Contains("| byte_fallback | 256 |", md, StringComparison.Ordinal);
        Assert.Contains("| special | 3 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void ABpeVocabularyWithoutAPreTokenizerIsWarnedAbout()
    {
        // gpt-neox's GGUF has no tokenizer.ggml.pre; gpt-2's has one, and SPM does not use one.
        string output = Path.Combine(_dir, "neox");
        CliResult neox = CliProcess.Run("tokenizer", "audit", "--model", Vocab("gpt-neox"), "--out", output);
        Assert.True(neox.ExitCode == 0, neox.StdErr);
        Assert.Contains("tokenizer audit: warning: ggml-vocab-gpt-neox.gguf has no tokenizer.ggml.pre", neox.StdErr, StringComparison.Ordinal);
        Assert.Contains("**Warning:** ggml-vocab-gpt-neox.gguf has no tokenizer.ggml.pre", File.ReadAllText(Path.Combine(output, "audit.md")), StringComparison.Ordinal);
        CliResult compare = CliProcess.Run("tokenizer", "compare", Vocab("gpt-2"), Vocab("gpt-neox"), "--out", Path.Combine(_dir, "cmp-neox"));
        Assert.True(compare.ExitCode == 0, compare.StdErr);
        Assert.Single(compare.StdErr.Split('\n'), l => l.StartsWith("tokenizer compare: warning:", StringComparison.Ordinal));
        foreach (string name in new[] { "gpt-2", "llama-spm" })
        {
            CliResult quiet = CliProcess.Run("tokenizer", "audit", "--model", Vocab(name), "--out", Path.Combine(_dir, name));
            Assert.True(quiet.ExitCode == 0, quiet.StdErr);
            Assert.DoesNotContain("warning", quiet.StdErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AuditOfASentencePieceVocabularyWithoutByteTokensDoesNotAbort()
    {
        // poem-zh has no <0xNN> tokens: unguarded, llama.cpp would terminate the process.
        CliResult r = CliProcess.Run("tokenizer", "audit", "--model", Model("poem-zh"), "--out", Path.Combine(_dir, "poem"));
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Equal(0, r.ExitCode);
        CliResult c = CliProcess.Run("tokenizer", "compare", Model("stories260K"), Model("poem-zh"), "--out", Path.Combine(_dir, "poem-cmp"));
        Assert.False(c.LooksLikeCrash, c.StdErr);
        Assert.Equal(0, c.ExitCode);
        Assert.Contains("Skipped", File.ReadAllText(Path.Combine(_dir, "poem-cmp", "compare.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void CompareWithAScanAddsItsVerdicts()
    {
        string output = Path.Combine(_dir, "compare");
        string scan = Path.Combine(TestPaths.RepoRoot, "reports", "stories260K", "tokens.csv");
        CliResult r = CliProcess.Run("tokenizer", "compare", Model("stories260K"), Model("aidreams260K"), "--scan-a", scan, "--out", output);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("by vocabulary text", r.StdOut, StringComparison.Ordinal);
        CompareTable table = CompareCsv.Read(Path.Combine(output, "compare.csv"));
        Assert.True(table.HasScanColumns);
        TokensTable scanned = TokensCsv.Read(scan);
        Assert.All(table.Rows.Where(r => r.A is not null), row =>
            Assert.Equal(scanned.Rows[row.A!.Id].Failed, row.A.Scan!.Value.Failed));
        Assert.All(table.Rows, row => Assert.Null(row.B?.Scan));
        Assert.Equal(512, table.Rows.Count(row => row.A is not null));
        Assert.Contains("## Scan verdicts", File.ReadAllText(Path.Combine(output, "compare.md")), StringComparison.Ordinal);
        // Every token A's scan failed is followed into B in glitch.csv.
        IReadOnlyList<GlitchToken> glitches = GlitchCsv.Read(Path.Combine(output, GlitchCsv.FileName));
        Assert.Equal(scanned.Rows.Where(row => row.Failed && !row.Bytes.IsEmpty).Select(row => row.TokenId), glitches.Select(g => g.IdA!.Value));
        Assert.All(glitches, g => Assert.Equal((GlitchSource.ScanA, true), (g.Source, g.ScanA!.Value.Failed)));
        Assert.Contains($"glitch tokens of A: {glitches.Count}; in B", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingModelIsExit2() =>
        AssertCleanInputError(CliProcess.Run("tokenizer", "audit", "--model", Path.Combine(_dir, "nope.gguf"), "--out", _dir), "not found");

    [Fact]
    public void ScanOfAnotherVocabularyIsExit2()
    {
        string scan = Path.Combine(TestPaths.RepoRoot, "reports", "stories260K", "tokens.csv");
        AssertCleanInputError(CliProcess.Run("tokenizer", "compare", Model("aidreams260K"), Model("stories260K"), "--scan-a", scan, "--out", _dir),
            "is not a scan of");
    }

    [Fact]
    public void MalformedScanIsExit2()
    {
        string scan = Path.Combine(_dir, "tokens.csv");
        File.WriteAllText(scan, "a,b\n1,2\n");
        AssertCleanInputError(CliProcess.Run("tokenizer", "compare", Model("stories260K"), Model("stories260K"), "--scan-b", scan, "--out", _dir),
            "expected 'token_id'");
    }

    [Fact]
    public void CorpusThatIsNotUtf8IsExit2()
    {
        string corpus = Path.Combine(_dir, "corpus.txt");
        File.WriteAllBytes(corpus, [0x61, 0xFF, 0x62]);
        AssertCleanInputError(CliProcess.Run("tokenizer", "compare", Model("stories260K"), Model("stories260K"), "--corpus", corpus, "--out", _dir),
            "not valid UTF-8");
    }

    [Fact]
    public void MissingSubcommandOrArgumentIsExit2()
    {
        CliResult none = CliProcess.Run("tokenizer");
        Assert.Equal(2, none.ExitCode);
        CliResult oneVocabulary = CliProcess.Run("tokenizer", "compare", Model("stories260K"), "--out", _dir);
        Assert.Equal(2, oneVocabulary.ExitCode);
        Assert.Contains("'B'", oneVocabulary.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpExplainsCategoriesAndMatching()
    {
        CliResult audit = CliProcess.Run("tokenizer", "audit", "--help");
        Assert.Equal(0, audit.ExitCode);
        Assert.Contains("byte_fallback > unused", audit.StdOut, StringComparison.Ordinal);
        CliResult compare = CliProcess.Run("tokenizer", "compare", "--help");
        Assert.Contains("decoded bytes", compare.StdOut, StringComparison.Ordinal);
        Assert.Contains("--scan-a", compare.StdOut, StringComparison.Ordinal);
    }
}
