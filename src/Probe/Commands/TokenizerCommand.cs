using System.CommandLine;
using System.Globalization;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Commands;

/// <summary><c>anomalyprobe tokenizer audit|compare</c>: static facts of vocabularies, through llama.cpp's own tokenizer.</summary>
internal static class TokenizerCommand
{
    public static Command Create() => new("tokenizer",
        "Audit one vocabulary or compare two, through llama.cpp's own tokenizer. Works on any GGUF, vocab-only files " +
        "included: weights are never loaded.")
    {
        CreateAudit(),
        CreateCompare(),
    };

    private static Option<string> Output(string files) => CommonOptions.OutputDirectory($"Output directory ({files})", required: true);

    private static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the per-token audit; 0 = the cores this process may use (results do not depend on it)",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
    };

    private static Command CreateAudit()
    {
        Option<string> model = CommonOptions.Model();
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
            model, output, threads,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            return RunAudit(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(threads), Console.Out);
        }));
        return command;
    }

    private static Command CreateCompare()
    {
        Argument<string> a = new("A") { Description = "Vocabulary A: a GGUF file (the older version)" };
        Argument<string> b = new("B") { Description = "Vocabulary B: a GGUF file (the newer version)" };
        Option<string?> scanA = new("--scan-a") { Description = "tokens.csv of a scan of A: adds failed_a and repeat_prob_a", HelpName = "tokens.csv" };
        Option<string?> scanB = new("--scan-b") { Description = "tokens.csv of a scan of B: adds failed_b and repeat_prob_b", HelpName = "tokens.csv" };
        Option<string?> corpus = new("--corpus")
        {
            Description = "A UTF-8 text file to tokenize with both, besides the built-in sample; one text per paragraph (blank-line separated)",
            HelpName = "FILE",
        };
        Option<string> output = Output("compare.csv, compare.md");
        Option<int> threads = Threads();
        var command = new Command("compare",
            "Match the tokens of two vocabularies by their vocabulary text — or by their decoded bytes when the two spell " +
            "bytes differently (SentencePiece '▁' vs byte-level BPE 'Ġ', or < 99% of shared byte strings spelled alike) — " +
            "and write compare.csv (one row per matched piece: ids, status shared-same-id/shared-moved/only-a/only-b, types, " +
            "audit categories, and scan verdicts when given, so glitch tokens that persist, appear or vanish show up) and " +
            "compare.md (sizes, tokenizer types and pre-tokenizers, counts, collisions, special-token changes, and how " +
            "differently the two tokenize a built-in sample of English, code, multilingual text and emoji).")
        {
            a, b, scanA, scanB, corpus, output, threads,
        };
        command.SetAction(parse => CommandRunner.Execute(parse, () =>
        {
            CommonOptions.InitializeRuntime(parse);
            var request = new CompareRequest(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(scanA), parse.GetValue(scanB), parse.GetValue(corpus), parse.GetValue(threads));
            return RunCompare(request, parse.GetValue(output)!, Console.Out);
        }));
        return command;
    }

    internal static int RunAudit(string modelPath, string outputDirectory, int threads, TextWriter output)
    {
        if (threads < 0) throw new InputException("--threads must be 0 (all cores) or more");
        AuditResult report = TokenizerAudit.Run(modelPath, threads);
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

        VocabularyDiff d = report.Diff;
        output.WriteLine($"compared {report.A.FileName} ({N(d.SizeA)} tokens, {report.A.TokenizerType}) with {report.B.FileName} ({N(d.SizeB)} tokens, {report.B.TokenizerType}) " +
                         $"by {(d.Key == MatchKey.Text ? "vocabulary text" : "decoded bytes")} in {report.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        output.WriteLine($"shared-same-id {N(d.Count(MatchStatus.SharedSameId))}, shared-moved {N(d.Count(MatchStatus.SharedMoved))}, " +
                         $"only-a {N(d.Count(MatchStatus.OnlyA))}, only-b {N(d.Count(MatchStatus.OnlyB))}, collisions {N(d.CollisionRows)}");
        foreach (CorpusComparison c in report.Corpora)
        {
            output.WriteLine($"{c.Source}: tokens/char A {c.Overall.TokensPerCharA.ToString("F3", CultureInfo.InvariantCulture)}, " +
                             $"B {c.Overall.TokensPerCharB.ToString("F3", CultureInfo.InvariantCulture)}; identical {c.Overall.Identical} of {c.Overall.Texts} texts" +
                             (c.Skipped.Count > 0 ? $" ({c.Skipped.Count} skipped, see compare.md)" : ""));
        }
        foreach (VocabularyDescription side in new[] { report.A, report.B })
        {
            if (side.MissingPreTokenizer is { } warning) Console.Error.WriteLine($"tokenizer compare: warning: {warning}");
        }
        output.WriteLine($"wrote {csv} and {md}");
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
