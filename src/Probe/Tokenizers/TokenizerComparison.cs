using System.Diagnostics;
using System.Text;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers.Sources;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>What <c>tokenizer compare</c> is asked to do.</summary>
/// <param name="PathA">Vocabulary A, in any of <see cref="VocabularySource"/>'s forms (a GGUF: weights are never loaded).</param>
/// <param name="PathB">Vocabulary B.</param>
/// <param name="ScanA">A scan of A (its tokens.csv), or null.</param>
/// <param name="ScanB">A scan of B, or null.</param>
/// <param name="CorpusPath">A corpus file tokenized in addition to the built-in sample, or null.</param>
/// <param name="Threads">Audit threads; 0 = all cores.</param>
/// <param name="PreA">Overrides A's pre-tokenizer, or null.</param>
/// <param name="PreB">Overrides B's pre-tokenizer, or null.</param>
/// <param name="GlitchList">A file of known glitch tokens of A (one escaped piece per line), or null.</param>
public sealed record CompareRequest(string PathA, string PathB, string? ScanA = null, string? ScanB = null, string? CorpusPath = null, int Threads = 0,
    string? PreA = null, string? PreB = null, string? GlitchList = null);

/// <summary>
/// The model side of <c>tokenizer compare</c>: loads both vocabularies (vocab-only), audits both
/// (for the categories), matches them (<see cref="VocabularyMatcher"/>), attaches scan verdicts
/// and tokenizes the corpora with both.
/// </summary>
public static class TokenizerComparison
{
    /// <summary>Runs the comparison.</summary>
    /// <exception cref="InputException">A file is missing or invalid, or a scan belongs to another vocabulary.</exception>
    public static ComparisonResult Run(CompareRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        // Cheap checks first: a bad scan or corpus should not wait for two audits.
        ScanResults? scanA = request.ScanA is null ? null : ReadScan(request.ScanA, "scan-a");
        ScanResults? scanB = request.ScanB is null ? null : ReadScan(request.ScanB, "scan-b");
        IReadOnlyList<CorpusText>? corpus = request.CorpusPath is null ? null : CorpusFile.Load(request.CorpusPath);
        IReadOnlyList<byte[]>? listed = request.GlitchList is null ? null : GlitchList.Load(request.GlitchList);

        using OpenedVocabulary openedA = VocabularySource.Open(request.PathA, request.PreA);
        using OpenedVocabulary openedB = VocabularySource.Open(request.PathB, request.PreB);
        ITokenVocabulary a = openedA.Vocabulary, b = openedB.Vocabulary;
        VocabularyDescription descriptionA = openedA.Description, descriptionB = openedB.Description;
        var entriesA = TokenizerAudit.Run(a, request.Threads).Select(VocabularyEntry.From).ToList();
        var entriesB = TokenizerAudit.Run(b, request.Threads).Select(VocabularyEntry.From).ToList();
        CheckScan(scanA, entriesA, "scan-a", request.PathA);
        CheckScan(scanB, entriesB, "scan-b", request.PathB);

        VocabularyDiff diff = VocabularyMatcher.Match(entriesA, entriesB);
        if (scanA is not null || scanB is not null) diff = diff with { Rows = VocabularyMatcher.WithScans(diff.Rows, scanA, scanB) };

        IReadOnlyList<GlitchToken>? glitches = null;
        if (scanA is not null || listed is not null)
        {
            var continuationB = new ContinuationTokenizer(b);
            glitches = GlitchSurvival.Follow(entriesA, entriesB, scanA, scanB, listed ?? [], bytes => continuationB.Tokenize(bytes) ?? []);
        }

        var corpora = new List<CorpusComparison> { Tokenize(CorpusSample.Source, CorpusSample.Texts, a, b) };
        if (corpus is not null) corpora.Add(Tokenize($"`{request.CorpusPath}`", corpus, a, b));

        return new ComparisonResult
        {
            A = descriptionA,
            B = descriptionB,
            Diff = diff,
            ScanA = scanA,
            ScanB = scanB,
            Glitches = glitches,
            GlitchListPath = request.GlitchList,
            Corpora = corpora,
            Tool = ToolIdentity.Tool,
            LlamaCpp = LlamaRuntime.Engine.Summary,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Tokenizes every text with both vocabularies (plain: no BOS, special-token text not parsed) and
    /// compares. A text that would abort llama.cpp on either side (<see cref="SpmAbortGuard"/>) is skipped and named.
    /// </summary>
    public static CorpusComparison Tokenize(string source, IReadOnlyList<CorpusText> texts, ITokenVocabulary a, ITokenVocabulary b)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var tokenizerA = new ContinuationTokenizer(a);
        var tokenizerB = new ContinuationTokenizer(b);
        var tokenizations = new List<TextTokenization>(texts.Count);
        var skipped = new List<SkippedText>();
        foreach (CorpusText t in texts)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(t.Text);
            byte[][]? piecesA = Pieces(tokenizerA, utf8), piecesB = Pieces(tokenizerB, utf8);
            if (piecesA is null || piecesB is null)
            {
                skipped.Add(new SkippedText(t, $"{(piecesA is null ? "A" : "B")} is a SentencePiece vocabulary without byte tokens that lacks one of their characters: llama.cpp would abort"));
                continue;
            }
            tokenizations.Add(new TextTokenization(t, piecesA, piecesB));
        }
        return CorpusComparison.Compute(source, tokenizations, skipped);
    }

    private static byte[][]? Pieces(ContinuationTokenizer tokenizer, byte[] utf8) =>
        tokenizer.AtStart(utf8)?.Select(id => tokenizer.Vocabulary.TokenToPiece(id, special: true)).ToArray();

    private static ScanResults ReadScan(string path, string option)
    {
        if (!File.Exists(path)) throw new InputException($"scan file not found: {path}") { Parameter = option };
        try
        {
            return ScanResults.Read(path);
        }
        catch (FormatException e)
        {
            throw new InputException(e.Message, e) { Parameter = option };
        }
    }

    private static void CheckScan(ScanResults? scan, IReadOnlyList<VocabularyEntry> entries, string option, string vocabularyPath)
    {
        if (scan?.Mismatch(entries) is string problem)
        {
            throw new InputException($"'{scan.Path}' is not a scan of '{vocabularyPath}': {problem}") { Parameter = option };
        }
    }
}
