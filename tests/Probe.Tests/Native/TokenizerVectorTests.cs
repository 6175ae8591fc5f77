using System.Text;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>
/// llama.cpp's own tokenizer test vectors (.inp/.out beside each vocab GGUF) through our binding:
/// every string must give exactly the expected ids (no BOS, special text not parsed), as in
/// llama.cpp's tests/test-tokenizer-0.
/// </summary>
public sealed class TokenizerVectorTests
{
    private static readonly byte[] s_separator = Encoding.UTF8.GetBytes("\n__ggml_vocab_test__\n");

    private static string[] VectorFileNames() =>
        Directory.GetFiles(TestPaths.VocabDir, "*.gguf.inp")
            .Select(inp => Path.GetFileName(inp)[..^".inp".Length])
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string> VectorFiles() => new(VectorFileNames());

    [Fact]
    public void AllFourTokenizerFamiliesAreCovered()
    {
        var types = new HashSet<VocabularyType>();
        foreach (string name in VectorFileNames())
        {
            using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.VocabDir, name), vocabOnly: true);
            types.Add(model.Vocabulary.Type);
        }
        Assert.Superset(new HashSet<VocabularyType> { VocabularyType.Spm, VocabularyType.Bpe, VocabularyType.Wpm }, types);
    }

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public void ReproducesEveryExpectedLine(string vocabFile)
    {
        string path = Path.Combine(TestPaths.VocabDir, vocabFile);
        byte[] input = File.ReadAllBytes(path + ".inp");
        string[] expected = File.ReadAllLines(path + ".out");
        List<byte[]> texts = Split(input, s_separator);
        Assert.Equal(expected.Length, texts.Count);

        using LlamaModel model = LlamaModel.Load(path, vocabOnly: true);
        for (int i = 0; i < texts.Count; i++)
        {
            int[] ids = model.Vocabulary.Tokenize(texts[i], addSpecial: false, parseSpecial: false);
            Assert.True(expected[i].Trim() == string.Join(' ', ids),
                $"{vocabFile} case {i} ({Encoding.UTF8.GetString(texts[i])}): expected [{expected[i].Trim()}], got [{string.Join(' ', ids)}]");
        }
    }

    // No UGM vocabulary ships test vectors (neither ../shared nor the llama.cpp bundle has them), so
    // the Unigram path is checked for what can be checked: valid ids, and text surviving a round trip.
    [Fact]
    public void UnigramVocabularyTokenizesAndRoundTrips()
    {
        using LlamaModel model = LlamaModel.Load(Path.Combine(TestPaths.VocabDir, "ggml-vocab-nomic-bert-moe.gguf"), vocabOnly: true);
        Vocabulary v = model.Vocabulary;
        Assert.Equal(VocabularyType.Ugm, v.Type);
        int[] ids = v.Tokenize("Hello world, this is a tokenizer test.", addSpecial: false);
        Assert.InRange(ids.Length, 5, 20);
        Assert.All(ids, id => Assert.InRange(id, 0, v.Count - 1));
        string back = Encoding.UTF8.GetString(v.Detokenize(ids));
        Assert.Equal("hello world, this is a tokenizer test.", back.Trim().ToLowerInvariant());
    }

    // Same splitting as test-tokenizer-0: the text after the last separator is the last case.
    private static List<byte[]> Split(byte[] data, byte[] separator)
    {
        var parts = new List<byte[]>();
        int start = 0;
        while (start < data.Length)
        {
            int next = data.AsSpan(start).IndexOf(separator);
            if (next < 0)
            {
                parts.Add(data[start..]);
                break;
            }
            parts.Add(data[start..(start + next)]);
            start += next + separator.Length;
        }
        return parts;
    }
}
