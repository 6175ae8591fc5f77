using System.CommandLine;
using System.Globalization;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Tokenizers;
using AnomalyProbe.Probe.Tokenizers.Sources;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe tokenizer audit|compare</c>: static facts of vocabularies, through llama.cpp's own tokenizer.</summary>
internal static class TokenizerCommand
{
    public static Command Create() => new("tokenizer",
        "Audit one vocabulary or compare two, through its own tokenizer: a GGUF through llama.cpp (vocab-only files included, " +
        $"weights are never loaded); {VocabularySource.Forms.Replace("a GGUF file, ", "", StringComparison.Ordinal)} through Microsoft.ML.Tokenizers.")
    {
        CreateAudit(),
        CreateCompare(),
    };

    private static Option<string> Output(string files) => CommonOptions.OutputDirectory($"Output directory ({files})", required: true);

    private static Option<string?> Pre(string which, string? side = null) => new($"--pre{(side is null ? "" : "-" + side)}")
    {
        Description = $"Split text with this pre-tokenizer instead of {which}'s own (llama.cpp's name, e.g. gpt-2, llama3, qwen2; for a " +
                      "GGUF without tokenizer.ggml.pre, whose audit otherwise uses llama.cpp's default and overcounts unreachable tokens; " +
                      "or, for a .tiktoken file, the encoding whose pattern to use)",
        HelpName = "NAME",
    };

    private static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the per-token audit; 0 = the cores this process may use (results do not depend on it)",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
    };

    private static Command CreateAudit()
    {
        Option<string> model = CommonOptions.Model();
        model.Description = $"The vocabulary: {VocabularySource.Forms} (default: the embedded stories260K.gguf)";
        model.HelpName = "SOURCE";
        Option<string?> pre = Pre("the vocabulary");
        Option<string> output = Output("audit.csv, audit.md");
        Option<int> threads = Threads();
        var command = new Command("audit",
            "One row per token id in audit.csv: piece, bytes, spelling, type, attributes, score, UTF-8 status, round trip " +
            "(do its own bytes, tokenized as a continuation of text, give back exactly its id?), reachability (the round trip, " +
            "or the token found in the tokens of its bytes with a neighbour context or, for a piece of a character, completed " +
            "into valid UTF-8), another id with the same bytes, and a category: byte_fallback > unused (reserved/padding) > " +
            "special (control/unknown) > unreachable > partial_utf8 > normal, the first rule that applies. audit.md counts " +
            "the categories with examples.")
        {
            model, pre, output, threads,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            return RunAudit(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(threads), Console.Out, parse.GetValue(pre));
        }));
        return command;
    }

    private static Command CreateCompare()
    {
        Argument<string> a = new("A") { Description = $"Vocabulary A (the older version): {VocabularySource.Forms}" };
        Argument<string> b = new("B") { Description = $"Vocabulary B (the newer version): {VocabularySource.Forms}" };
        Option<string?> preA = Pre("A", "a"), preB = Pre("B", "b");
        Option<string?> scanA = new("--scan-a") { Description = "tokens.csv of a scan of A: adds failed_a and repeat_prob_a", HelpName = "tokens.csv" };
        Option<string?> scanB = new("--scan-b") { Description = "tokens.csv of a scan of B: adds failed_b and repeat_prob_b", HelpName = "tokens.csv" };
        Option<string?> corpus = new("--corpus")
        {
            Description = "A UTF-8 text file to tokenize with both, besides the built-in sample; one text per paragraph (blank-line separated)",
            HelpName = "FILE",
        };
        Option<string?> glitchList = new("--glitch-list")
        {
            Description = "Known glitch tokens of A, one per line as the piece column writes them (\\n, \\t, \\xNN escapes; a leading space counts): " +
                          "glitch.csv and compare.md say whether each survives in B (same id, moved, gone), as they do for the tokens --scan-a failed",
            HelpName = "FILE",
        };
        Option<string> output = Output("compare.csv, compare.md; glitch.csv with --scan-a or --glitch-list");
        Option<int> threads = Threads();
        var command = new Command("compare",
            "Match the tokens of two vocabularies by their vocabulary text — or by their decoded bytes when the two spell " +
            "bytes differently (SentencePiece '▁' vs byte-level BPE 'Ġ', or < 99% of shared byte strings spelled alike) — " +
            "and write compare.csv (one row per matched piece: ids, status shared-same-id/shared-moved/only-a/only-b, types, " +
            "audit categories, and scan verdicts when given, so glitch tokens that persist, appear or vanish show up) and " +
            "compare.md (sizes, tokenizer types and pre-tokenizers, counts, collisions, special-token changes, and how " +
            "differently the two tokenize a built-in sample of English, code, multilingual text and emoji).")
        {
            a, b, scanA, scanB, glitchList, corpus, preA, preB, output, threads,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            var request = new CompareRequest(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(scanA), parse.GetValue(scanB), parse.GetValue(corpus), parse.GetValue(threads),
                parse.GetValue(preA), parse.GetValue(preB), parse.GetValue(glitchList));
            return RunCompare(request, parse.GetValue(output)!, Console.Out);
        }));
        return command;
    }

    internal static int RunAudit(string source, string outputDirectory, int threads, TextWriter output, string? preTokenizer = null)
    {
        if (threads < 0) throw new InputException("--threads must be 0 (all cores) or more");
        AuditResult report = TokenizerAudit.Run(source, threads, preTokenizer);
        CreateDirectory(outputDirectory);
        string csv = Path.Combine(outputDirectory, AuditCsv.FileName), md = Path.Combine(outputDirectory, AuditMd.FileName);
        AuditCsv.Write(csv, report.Records);
        AuditMd.Write(md, report);

        var counts = AuditMd.CountCategories(report.Records);
        output.WriteLine($"audited {N(report.Records.Count)} tokens of {report.Vocabulary.FileName} [{report.Vocabulary.TokenizerSummary}] in {report.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        output.WriteLine(string.Join(", ", counts.Select(c => $"{TokenCategories.Name(c.Key)} {N(c.Value)}")));
        output.WriteLine("as Magikarp counts: " + string.Join(", ", AuditMd.CountMagikarp(report.Records).Select(c => $"{MagikarpCategories.Name(c.Key)} {N(c.Value)}")));
        if (report.Vocabulary.MissingPreTokenizer is { } warning) Console.Error.WriteLine($"tokenizer audit: warning: {warning}");
        output.WriteLine($"wrote {csv} and {md}");
        return ExitCodes.Ok;
    }

    internal static int RunCompare(CompareRequest request, string outputDirectory, TextWriter output)
    {
        if (request.Threads < 0) throw new InputException("--threads must be 0 (all cores) or more");
        ComparisonResult report = TokenizerComparison.Run(request);
        CreateDirectory(outputDirectory);
        string csv = Path.Combine(outputDirectory, CompareCsv.FileName), md = Path.Combine(outputDirectory, CompareMd.FileName);
        CompareCsv.Write(csv, report.Diff.Rows, scanColumns: report.ScanA is not null || report.ScanB is not null);
        CompareMd.Write(md, report);
        string? glitchCsv = report.Glitches is null ? null : Path.Combine(outputDirectory, GlitchCsv.FileName);
        if (glitchCsv is not null) GlitchCsv.Write(glitchCsv, report.Glitches!);

        VocabularyDiff d = report.Diff;
        output.WriteLine($"compared {report.A.FileName} ({N(d.SizeA)} tokens, {report.A.TokenizerType}) with {report.B.FileName} ({N(d.SizeB)} tokens, {report.B.TokenizerType}) " +
                         $"by {(d.Key == MatchKey.Text ? "vocabulary text" : "decoded bytes")} in {report.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        output.WriteLine($"shared-same-id {N(d.Count(MatchStatus.SharedSameId))}, shared-moved {N(d.Count(MatchStatus.SharedMoved))}, " +
                         $"only-a {N(d.Count(MatchStatus.OnlyA))}, only-b {N(d.Count(MatchStatus.OnlyB))}, collisions {N(d.CollisionRows)}");
        // Matched by bytes, a shared piece keeps its bytes by construction: only by text can they change.
        if (d.Key == MatchKey.Text && d.Count(MatchStatus.SharedMoved) + d.SharedWithDifferentBytes > 0)
        {
            output.WriteLine($"changed in shared pieces: id only (same bytes) {N(d.CountChange("id"))}, bytes only (same id) {N(d.CountChange("bytes"))}, id and bytes {N(d.CountChange("id+bytes"))}");
        }
        foreach (CorpusComparison c in report.Corpora)
        {
            output.WriteLine($"{c.Source}: tokens/char A {c.Overall.TokensPerCharA.ToString("F3", CultureInfo.InvariantCulture)}, " +
                             $"B {c.Overall.TokensPerCharB.ToString("F3", CultureInfo.InvariantCulture)}; identical {c.Overall.Identical} of {c.Overall.Texts} texts" +
                             (c.Skipped.Count > 0 ? $" ({c.Skipped.Count} skipped, see compare.md)" : ""));
        }
        if (report.Glitches is { } glitches) output.WriteLine(CompareMd.GlitchSummary(glitches));
        foreach (VocabularyDescription side in new[] { report.A, report.B })
        {
            if (side.MissingPreTokenizer is { } warning) Console.Error.WriteLine($"tokenizer compare: warning: {warning}");
        }
        output.WriteLine(glitchCsv is null ? $"wrote {csv} and {md}" : $"wrote {csv}, {md} and {glitchCsv}");
        return ExitCodes.Ok;
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static void CreateDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException e)
        {
            throw new InputException($"cannot create the output directory '{directory}': {e.Message}", e);
        }
    }
}
