using System.Collections.Concurrent;
using System.Text;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>
/// llama.cpp's own tokenizer test vectors (.inp/.out beside each vocab GGUF) through our binding,
/// one theory row per (vocabulary, case) as in llama.cpp's tests/test-tokenizer-0: every string must
/// give exactly the expected ids (no BOS, special text not parsed), and the ids' pieces must give the
/// text back: byte for byte for byte-level BPE, after SentencePiece's added leading space for SPM; for
/// WordPiece (which lowercases, splits punctuation and maps unknown characters to [UNK]) the decoded
/// text must tokenize to the same ids when no [UNK] was needed. (llama.cpp's detokenizer also cleans
/// up spaces before punctuation, as Hugging Face's decoders do, so the raw pieces are compared.)
/// </summary>
public sealed class TokenizerVectorTests
{
    private static readonly byte[] s_separator = Encoding.UTF8.GetBytes("\n__ggml_vocab_test__\n");
    private static readonly ConcurrentDictionary<string, LlamaModel> s_models = new();

    private static string[] VectorFileNames() =>
        Directory.GetFiles(TestPaths.VocabDir, "*.gguf.inp")
            .Select(inp => Path.GetFileName(inp)[..^".inp".Length])
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in VectorFileNames())
        {
            int count = File.ReadAllLines(Path.Combine(TestPaths.VocabDir, name + ".out")).Length;
            for (int i = 0; i < count; i++) data.Add(name, i);
        }
        return data;
    }

    [Fact]
    public void AllFourTokenizerFamiliesAreCovered()
    {
        var types = VectorFileNames().Select(name => Model(name).Vocabulary.Type).ToHashSet();
        Assert.Superset(new HashSet<VocabularyType> { VocabularyType.Spm, VocabularyType.Bpe, VocabularyType.Wpm }, types);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TokenizesAndDecodesBack(string vocabFile, int index)
    {
        string path = Path.Combine(TestPaths.VocabDir, vocabFile);
        List<byte[]> texts = Split(File.ReadAllBytes(path + ".inp"), s_separator);
        string[] expected = File.ReadAllLines(path + ".out");
        Assert.Equal(expected.Length, texts.Count);
        byte[] text = texts[index];
        Vocabulary vocabulary = Model(vocabFile).Vocabulary;

        int[] ids = vocabulary.Tokenize(text, addSpecial: false, parseSpecial: false);
        Assert.Equal(expected[index].Trim(), string.Join(' ', ids));

        string pieces = Encoding.UTF8.GetString([.. ids.SelectMany(id => vocabulary.TokenToPiece(id))]);
        string original = Encoding.UTF8.GetString(text);
        if (vocabulary.Type == VocabularyType.Wpm)
        {
            if (!ids.Any(id => vocabulary.GetText(id) == "[UNK]")) Assert.Equal(ids, vocabulary.Tokenize(vocabulary.Detokenize(ids), addSpecial: false, parseSpecial: false));
        }
        else
        {
            // SentencePiece adds a leading space to the text it tokenizes: the text comes back after it.
            bool spacePrefixed = vocabulary.Type == VocabularyType.Spm && pieces == " " + original;
            Assert.True(spacePrefixed || pieces == original, $"the pieces give '{pieces}', not '{original}'");
        }
    }

    // No UGM vocabulary ships test vectors (neither ../shared nor the llama.cpp bundle has them), so
    // the Unigram path is checked for what can be checked: valid ids, and text surviving a round trip.
    [Fact]
    public void UnigramVocabularyTokenizesAndRoundTrips()
    {
        Vocabulary v = Model("ggml-vocab-nomic-bert-moe.gguf").Vocabulary;
        Assert.Equal(VocabularyType.Ugm, v.Type);
        int[] ids = v.Tokenize("Hello world, this is a tokenizer test.", addSpecial: false);
        Assert.InRange(ids.Length, 5, 20);
        Assert.All(ids, id => Assert.InRange(id, 0, v.Count - 1));
        string back = Encoding.UTF8.GetString(v.Detokenize(ids));
        Assert.Equal("hello world, this is a tokenizer test.", back.Trim().ToLowerInvariant());
    }

    // One load per vocabulary for all its cases (kept for the test run; vocab-only models are small).
    private static LlamaModel Model(string vocabFile) =>
        s_models.GetOrAdd(vocabFile, name => LlamaModel.Load(Path.Combine(TestPaths.VocabDir, name), vocabOnly: true));

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
