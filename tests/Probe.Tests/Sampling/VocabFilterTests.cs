using System.Text;
using System.Text.RegularExpressions;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Sampling;

namespace AnomalyProbe.Probe.Tests.Sampling;

/// <summary>--vocab-filter on the real stories260K vocabulary: ids 0-2 special, 3-258 &lt;0xNN&gt;, 259-511 normal.</summary>
public sealed class VocabFilterTests : IDisposable
{
    private readonly LlamaModel _model = LlamaModel.Load(TestPaths.DefaultModel, vocabOnly: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("vocab-filter-").FullName;

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Vocabulary Vocab => _model.Vocabulary;

    private int[] Candidates(string spec) => VocabFilter.Parse(spec).Candidates(Vocab);

    private string IdsFile(string content)
    {
        string path = Path.Combine(_dir, $"ids{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void NoBytesAndNoSpecialSplitTheVocabularyAsItsTypesSay()
    {
        Assert.Equal([0, 1, 2, .. Enumerable.Range(259, 253)], Candidates("no-bytes"));
        Assert.Equal(Enumerable.Range(3, 509), Candidates("no-special"));
        Assert.Equal(Enumerable.Range(259, 253), Candidates("no-bytes,no-special"));
        Assert.Equal(Candidates("no-bytes,no-special"), Candidates(" NO-SPECIAL , no-bytes "));
    }

    [Fact]
    public void AlphaAndAsciiHoldTheTokensTheirRulesDescribe()
    {
        int[] alpha = Candidates("alpha");
        int[] ascii = Candidates("ascii");
        Assert.Contains(265, alpha); // " the"
        Assert.Contains(260, alpha); // "he"
        Assert.DoesNotContain(506, alpha); // "|"
        Assert.Contains(506, ascii);
        Assert.All(alpha, id => Assert.Matches(new Regex(@"^ ?\p{L}+$"), Encoding.UTF8.GetString(Vocab.TokenToPiece(id))));
        Assert.All(ascii, id => Assert.True(Vocab.TokenToPiece(id).All(b => b is >= 0x20 and < 0x7F or 0x09 or 0x0A or 0x0D)));
        Assert.All(alpha.Concat(ascii), id => Assert.True(id >= 259, $"token {id} is byte or special"));
        Assert.Equal(alpha.Intersect(ascii), Candidates("alpha,ascii"));
        Assert.True(alpha.Length > 100 && ascii.Length > 200, $"alpha {alpha.Length}, ascii {ascii.Length}");
    }

    [Fact]
    public void AFileOfIdsTakesRangesCommentsAndCombinesWithClasses()
    {
        string path = IdsFile("# chosen by hand\n3, 4 265\r\n300-302  # a range\n\n");
        Assert.Equal([3, 4, 265, 300, 301, 302], Candidates("file:" + path));
        Assert.Equal([265, 300, 301, 302], Candidates("no-bytes,file:" + path));
        Assert.NotEqual(VocabFilter.Parse("file:" + path).IdsSha256, VocabFilter.Parse("file:" + IdsFile("3")).IdsSha256);
    }

    [Theory]
    [InlineData("letters", "'letters' is not a token class")]
    [InlineData(" , ", "--vocab-filter: empty")]
    [InlineData("file:", "needs a path")]
    [InlineData("file:/no/such/ids.txt", "cannot read '/no/such/ids.txt'")]
    public void BadSpecsAreRefusedWithTheReason(string spec, string message)
    {
        var e = Assert.Throws<InputException>(() => VocabFilter.Parse(spec));
        Assert.Contains(message, e.Describe("--vocab-filter"), StringComparison.Ordinal);
    }

    [Fact]
    public void BadFilesAndEmptyResultsNameTheProblem()
    {
        Assert.Contains(":2: '7x' is not a token id", Assert.Throws<InputException>(() => VocabFilter.Parse("file:" + IdsFile("1\n7x\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("'9-3' is not", Assert.Throws<InputException>(() => VocabFilter.Parse("file:" + IdsFile("9-3"))).Message, StringComparison.Ordinal);
        Assert.Contains("lists no token id", Assert.Throws<InputException>(() => VocabFilter.Parse("file:" + IdsFile("# none\n"))).Message, StringComparison.Ordinal);
        string two = IdsFile("1");
        Assert.Contains("more than one file of ids", Assert.Throws<InputException>(() => VocabFilter.Parse($"file:{two},file:{two}")).Message, StringComparison.Ordinal);
        Assert.Contains("id 512 is not in the vocabulary (ids 0-511)",
            Assert.Throws<InputException>(() => Candidates("file:" + IdsFile("5\n512"))).Message, StringComparison.Ordinal);
        Assert.Contains("admits no token of the 512",
            Assert.Throws<InputException>(() => Candidates("alpha,file:" + IdsFile("3-258"))).Message, StringComparison.Ordinal);
    }
}
