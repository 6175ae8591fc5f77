using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AnomalyProbe.Analysis.Reporting.Tokenizers;
using AnomalyProbe.Analysis.Tokenizers;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Tests.Support;
using AnomalyProbe.Probe.Tokenizers;
using AnomalyProbe.Probe.Tokenizers.Sources;
using Microsoft.ML.Tokenizers;

namespace AnomalyProbe.Probe.Tests.Tokenizers;

/// <summary>
/// OpenAI's tiktoken encodings and .tiktoken files as vocabularies. Golden values come from the data
/// packages' files read here with this file's own few lines (not the product's reader, not the
/// library's tokenizer) and from tiktoken's published SHA-256 of each file.
/// </summary>
public sealed class PublishedTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("published-tokenizers").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Vocab(string name) => Path.Combine(TestPaths.VocabDir, $"ggml-vocab-{name}.gguf");

    /// <summary>The ranks of an encoding, read straight from its data package: bytes by rank.</summary>
    private static List<byte[]> RanksOf(string encoding, string package)
    {
        using Stream resource = Assembly.Load($"Microsoft.ML.Tokenizers.Data.{package}").GetManifestResourceStream($"{encoding}.tiktoken.deflate")!;
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress), Encoding.ASCII);
        Assert.StartsWith("Capacity: ", reader.ReadLine(), StringComparison.Ordinal);
        var ranks = new List<byte[]>();
        while (reader.ReadLine() is { Length: > 0 } line) ranks.Add(Convert.FromBase64String(line));
        return ranks;
    }

    /// <summary>The ranks as tiktoken publishes them: "base64 rank" lines.</summary>
    private static string PublishedFile(List<byte[]> ranks) =>
        string.Concat(ranks.Select((bytes, rank) => $"{Convert.ToBase64String(bytes)} {rank}\n"));

    [Theory]
    // The hashes tiktoken checks its downloads against (tiktoken_ext/openai_public.py).
    [InlineData("r50k_base", "R50kBase", 50_256, "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930")]
    [InlineData("cl100k_base", "Cl100kBase", 100_256, "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7")]
    [InlineData("o200k_base", "O200kBase", 199_998, "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d")]
    public void AnEncodingIsItsPublishedFilePlusItsSpecialTokens(string encoding, string package, int rankCount, string sha256)
    {
        List<byte[]> ranks = RanksOf(encoding, package);
        Assert.Equal(rankCount, ranks.Count);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(PublishedFile(ranks)))));

        using OpenedVocabulary opened = VocabularySource.Open("tiktoken:" + encoding);
        ITokenVocabulary v = opened.Vocabulary;
        Assert.Equal(sha256, opened.Description.Sha256);
        Assert.Equal(sha256, TiktokenEncoding.Find(encoding)!.PublishedSha256); // what recognises a .tiktoken file
        IReadOnlyDictionary<string, int> special = TiktokenTokenizer.CreateForEncoding(encoding).SpecialTokens!;
        Assert.Equal(special.Values.Max() + 1, v.Count);
        for (int id = 0; id < v.Count; id++)
        {
            if (id < ranks.Count)
            {
                Assert.Equal(ranks[id], v.TokenToPiece(id));
                Assert.Equal(TokenAttributes.Normal, v.GetAttributes(id));
            }
            else if (special.FirstOrDefault(s => s.Value == id).Key is { } text)
            {
                Assert.Equal(TokenAttributes.Control, v.GetAttributes(id));
                Assert.Equal(text, Encoding.UTF8.GetString(v.TokenToPiece(id, special: true)));
                Assert.Empty(v.TokenToPiece(id));
            }
            else
            {
                Assert.Equal(TokenAttributes.Unused, v.GetAttributes(id));
            }
        }
        Assert.Contains(opened.Description.Notes, n => n.StartsWith("token types: the format has none", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("r50k_base")]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void OrdinaryTokenizationIsTheLibrarysWhereNoSpecialTokenTextOccurs(string encoding)
    {
        // The patterns are written out here (the library keeps its own private); any slip shows up
        // as a text tokenized differently from the library's own encoding.
        using OpenedVocabulary opened = VocabularySource.Open("tiktoken:" + encoding);
        TiktokenTokenizer library = TiktokenTokenizer.CreateForEncoding(encoding);
        string[] extra = ["I'm sure they'll say it's 12345 or 1,234.5 — don't!", "a\r\n\r\n  b\t\tc  \n", "ÀÉÎõü ǅungla ǈ ΣΑΣ straße", "x//y ///z\n//w", "Ünïcödé ÄBC'S HE'LL"];
        foreach (string text in CorpusSample.Texts.Select(t => t.Text).Concat(extra))
        {
            Assert.Equal(library.EncodeToIds(text), opened.Vocabulary.Tokenize(Encoding.UTF8.GetBytes(text), addSpecial: false));
        }
        // Special-token text is plain text unless parsed.
        int endOfText = library.SpecialTokens!["<|endoftext|>"];
        Assert.DoesNotContain(endOfText, opened.Vocabulary.Tokenize("a<|endoftext|>b"u8, addSpecial: false));
        Assert.Contains(endOfText, opened.Vocabulary.Tokenize("a<|endoftext|>b"u8, addSpecial: false, parseSpecial: true));
    }

    [Fact]
    public void R50kAgainstCl100kCountsWhatTheFilesSay()
    {
        List<byte[]> r50k = RanksOf("r50k_base", "R50kBase"), cl100k = RanksOf("cl100k_base", "Cl100kBase");
        var inCl100k = cl100k.Select(Convert.ToHexString).ToHashSet();
        int shared = r50k.Count(b => inCl100k.Contains(Convert.ToHexString(b)));
        int sameId = r50k.Where((b, id) => id < cl100k.Count && b.AsSpan().SequenceEqual(cl100k[id])).Count();

        ComparisonResult report = TokenizerComparison.Run(new CompareRequest("tiktoken:r50k_base", "tiktoken:cl100k_base"));
        VocabularyDiff d = report.Diff;
        Assert.Equal(MatchKey.Text, d.Key);
        Assert.Equal(shared, d.Spelling.SharedByteStrings - 1); // <|endoftext|> is the other shared byte string
        Assert.Equal(sameId, d.Count(MatchStatus.SharedSameId));
        Assert.Equal(shared + 1 - sameId, d.Count(MatchStatus.SharedMoved)); // <|endoftext|> moved: 50256 → 100257
        Assert.Equal(r50k.Count - shared, d.Count(MatchStatus.OnlyA));
        Assert.Equal(0, d.SharedWithDifferentBytes);

        CompareRow magikarp = Assert.Single(d.Rows, r => r.A?.Id == 43453);
        Assert.Equal(" SolidGoldMagikarp", Encoding.UTF8.GetString(magikarp.Bytes.Span));
        Assert.Equal(MatchStatus.OnlyA, magikarp.Status);
        CompareRow endOfText = Assert.Single(d.Rows, r => r.A?.Id == 50256);
        Assert.Equal((100257, "id"), (endOfText.B!.Id, endOfText.Change));
    }

    [Fact]
    public void TheGpt2GgufAndR50kAreTheSameVocabulary()
    {
        ComparisonResult report = TokenizerComparison.Run(new CompareRequest(Vocab("gpt-2"), "tiktoken:r50k_base"));
        VocabularyDiff d = report.Diff;
        Assert.Equal(50257, d.SizeA);
        Assert.Equal(d.SizeA, d.Count(MatchStatus.SharedSameId));
        Assert.All(d.Rows, r => Assert.Equal("none", r.Change));
        Assert.All(d.Rows, r => Assert.Equal(r.A!.Category, r.B!.Category));
        Assert.Equal(TokenCategory.Special, d.Rows[50256].B!.Category);
        Assert.All(report.Corpora, c => Assert.Equal(c.Overall.Texts, c.Overall.Identical));
    }

    [Fact]
    public void R50kAuditsAsMagikarpCountsGpt2()
    {
        IReadOnlyList<AuditRecord> records = TokenizerAudit.Run(VocabularySource.Open("tiktoken:r50k_base").Vocabulary);
        var counts = AuditMd.CountMagikarp(records);
        Assert.Equal((1, 256, 0, 216), (counts[MagikarpCategory.Special], counts[MagikarpCategory.Bytes], counts[MagikarpCategory.Unreachable], counts[MagikarpCategory.PartialUtf8]));
    }

    [Fact]
    public void PreGpt2BringsGptNeoxUnreachableDownToMagikarpsCount()
    {
        // Without tokenizer.ggml.pre llama.cpp uses its default split; gpt-neox's real one is GPT-2's.
        int Unreachable(string? pre) => AuditMd.CountMagikarp(TokenizerAudit.Run(Vocab("gpt-neox"), preTokenizer: pre).Records)[MagikarpCategory.Unreachable];
        int without = Unreachable(null), with = Unreachable("gpt-2");
        Assert.True(with < without, $"{with} vs {without}");
        Assert.Equal(221, with); // Magikarp's published count for gpt-neox-20b
        AuditResult overridden = TokenizerAudit.Run(Vocab("gpt-neox"), preTokenizer: "gpt-2");
        Assert.Equal("gpt-2", overridden.Vocabulary.PreTokenizer);
        Assert.Null(overridden.Vocabulary.MissingPreTokenizer);
    }

    [Fact]
    public void ATiktokenFileIsKnownByItsRanksOrNeedsItsPattern()
    {
        List<byte[]> ranks = RanksOf("r50k_base", "R50kBase");
        string published = Path.Combine(_dir, "r50k_base.tiktoken");
        File.WriteAllText(published, PublishedFile(ranks));
        using (OpenedVocabulary same = VocabularySource.Open(published))
        {
            Assert.Equal(50257, same.Vocabulary.Count);
            Assert.Contains(same.Description.Notes, n => n.Contains("the published r50k_base", StringComparison.Ordinal));
        }

        string custom = Path.Combine(_dir, "custom.tiktoken");
        File.WriteAllText(custom, PublishedFile(ranks[..1000]));
        var unknown = Assert.Throws<InputException>(() => VocabularySource.Open(custom));
        Assert.Contains("--pre", unknown.Message, StringComparison.Ordinal);
        using (OpenedVocabulary withPre = VocabularySource.Open(custom, "r50k_base"))
        {
            Assert.Equal(1000, withPre.Vocabulary.Count); // no special tokens: the file does not say which
            Assert.Equal([64, 0, 64], withPre.Vocabulary.Tokenize("a!a"u8, addSpecial: false)); // 'a' is rank 64, '!' rank 0
        }
    }

    [Theory]
    [InlineData("IQ== 0\nIQ== 1\n", "line 2: the bytes of rank 1 appear twice")]
    [InlineData("IQ== 0\nIg== 0\n", "line 2: rank 0 appears twice")]
    [InlineData("IQ== zero\n", "line 1: expected")]
    [InlineData("!!!! 0\n", "line 1: '!!!!' is not base64")]
    [InlineData("IQ== 9999999\n", "far beyond")]
    [InlineData("\n\n", "holds no tokens")]
    public void AMalformedTiktokenFileIsOneLineExit2(string contents, string expected)
    {
        string path = Path.Combine(_dir, "bad.tiktoken");
        File.WriteAllText(path, contents);
        CliResult r = CliProcess.Run("tokenizer", "audit", "--model", path, "--pre", "r50k_base", "--out", Path.Combine(_dir, "out"));
        Assert.False(r.LooksLikeCrash, r.StdErr);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tiktoken:p50k_edit", "unknown tiktoken encoding 'p50k_edit'")]
    [InlineData("--pre=nonsense", "--pre nonsense: llama.cpp")]
    public void UnknownNamesAreOneLineExit2(string what, string expected)
    {
        string[] args = what.StartsWith("--pre", StringComparison.Ordinal)
            ? ["tokenizer", "audit", "--model", Vocab("gpt-neox"), what, "--out", _dir]
            : ["tokenizer", "audit", "--model", what, "--out", _dir];
        CliResult r = CliProcess.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void AGlitchListIsFollowedIntoB()
    {
        string list = Path.Combine(_dir, "glitch.txt");
        File.WriteAllText(list, " SolidGoldMagikarp\n davidjl\n\nnot-a-single-token-anywhere\n\\xF0\\x9F\n");
        string output = Path.Combine(_dir, "cmp");
        CliResult r = CliProcess.Run("tokenizer", "compare", "tiktoken:r50k_base", "tiktoken:cl100k_base", "--glitch-list", list, "--out", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("glitch tokens of A: 3; in B 2 survive (0 same id, 2 moved), 1 gone; listed but not tokens of A: 1 (0 of them tokens of B)", r.StdOut, StringComparison.Ordinal);
        string[] lines = File.ReadAllLines(Path.Combine(output, GlitchCsv.FileName));
        Assert.Equal(string.Join(',', GlitchCsv.Columns), lines[0]);
        Assert.Contains("2064617669646a6c,\" davidjl\",list,23282,,,moved,99944,,,99944", lines);
        Assert.Contains(lines, l => l.StartsWith("20536f6c6964476f6c644d6167696b617270,\" SolidGoldMagikarp\",list,43453,,,gone,,,,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("f09f,\\xF0\\x9F,list,", StringComparison.Ordinal) && l.Contains(",moved,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",list,,,,gone,", StringComparison.Ordinal)); // not a token of A either
        Assert.Contains("## Glitch tokens of A in B", File.ReadAllText(Path.Combine(output, "compare.md")), StringComparison.Ordinal);
    }
}
