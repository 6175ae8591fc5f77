using System.Text;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Analysis.Tokenizers;

/// <summary>One text of a corpus.</summary>
/// <param name="Kind">Its group: english, code, multilingual, emoji, ... ("file" for a user's corpus).</param>
/// <param name="Name">A short name (or "paragraph N" of a corpus file).</param>
/// <param name="Text">The text.</param>
public sealed record CorpusText(string Kind, string Name, string Text)
{
    /// <summary>Number of Unicode scalar values (what "per character" counts).</summary>
    public int Characters => Text.EnumerateRunes().Count();
}

/// <summary>A text left out of a corpus comparison.</summary>
/// <param name="Text">The text.</param>
/// <param name="Reason">Why.</param>
public sealed record SkippedText(CorpusText Text, string Reason);

/// <summary>How A and B tokenized one text: the bytes of each token, in order.</summary>
/// <param name="Text">The text.</param>
/// <param name="PiecesA">A's tokens' bytes.</param>
/// <param name="PiecesB">B's tokens' bytes.</param>
public sealed record TextTokenization(CorpusText Text, IReadOnlyList<byte[]> PiecesA, IReadOnlyList<byte[]> PiecesB);

/// <summary>The comparison of one text's two tokenizations.</summary>
public sealed record TextComparison
{
    public required CorpusText Text { get; init; }

    /// <summary>Unicode scalar values in the text.</summary>
    public required int Characters { get; init; }

    public required int TokensA { get; init; }

    public required int TokensB { get; init; }

    /// <summary>Whether both split the text into the same byte strings, in the same order.</summary>
    public required bool Identical { get; init; }

    /// <summary>
    /// Shared token boundaries over all boundaries (Jaccard index of the two sets of byte offsets
    /// where a token ends): 1 when the splits agree, near 0 when they share almost no boundary.
    /// </summary>
    public required double BoundaryAgreement { get; init; }

    /// <summary>A's split, pieces escaped and separated by '·' (truncated).</summary>
    public required string SplitA { get; init; }

    /// <summary>B's split, likewise.</summary>
    public required string SplitB { get; init; }
}

/// <summary>Totals over a group of texts.</summary>
/// <param name="Kind">The group (or "all").</param>
/// <param name="Texts">Number of texts.</param>
/// <param name="Characters">Unicode scalar values.</param>
/// <param name="TokensA">Tokens A made.</param>
/// <param name="TokensB">Tokens B made.</param>
/// <param name="Identical">Texts both tokenized identically.</param>
public sealed record CorpusTotals(string Kind, int Texts, int Characters, int TokensA, int TokensB, int Identical)
{
    public double TokensPerCharA => Characters == 0 ? 0 : TokensA / (double)Characters;

    public double TokensPerCharB => Characters == 0 ? 0 : TokensB / (double)Characters;

    /// <summary>Share of texts tokenized identically.</summary>
    public double IdenticalShare => Texts == 0 ? 1 : Identical / (double)Texts;
}

/// <summary>How differently A and B tokenize a corpus.</summary>
public sealed record CorpusComparison
{
    /// <summary>What the corpus is ("built-in sample", or the file's path).</summary>
    public required string Source { get; init; }

    /// <summary>Per text, in corpus order.</summary>
    public required IReadOnlyList<TextComparison> Texts { get; init; }

    /// <summary>Per kind, in order of first appearance.</summary>
    public required IReadOnlyList<CorpusTotals> Kinds { get; init; }

    /// <summary>Over all texts.</summary>
    public required CorpusTotals Overall { get; init; }

    /// <summary>Texts left out, with the reason (e.g. a tokenizer that cannot take them).</summary>
    public IReadOnlyList<SkippedText> Skipped { get; init; } = [];

    /// <summary>The texts that differ most: lowest boundary agreement, then largest token-count difference.</summary>
    public IReadOnlyList<TextComparison> MostDifferent(int count) =>
        Texts.Where(t => !t.Identical)
            .OrderBy(t => t.BoundaryAgreement)
            .ThenByDescending(t => Math.Abs(t.TokensA - t.TokensB))
            .ThenBy(t => t.Text.Name, StringComparer.Ordinal)
            .Take(count)
            .ToList();

    /// <summary>Compares the two tokenizations of every text.</summary>
    public static CorpusComparison Compute(string source, IReadOnlyList<TextTokenization> tokenizations, IReadOnlyList<SkippedText>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizations);
        var texts = tokenizations.Select(Compare).ToList();
        var kinds = texts.GroupBy(t => t.Text.Kind).Select(g => Totals(g.Key, g.ToList())).ToList();
        return new CorpusComparison { Source = source, Texts = texts, Kinds = kinds, Overall = Totals("all", texts), Skipped = skipped ?? [] };
    }

    private static TextComparison Compare(TextTokenization tokenization)
    {
        bool identical = tokenization.PiecesA.Count == tokenization.PiecesB.Count && tokenization.PiecesA.Zip(tokenization.PiecesB).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        HashSet<int> endsA = Ends(tokenization.PiecesA), endsB = Ends(tokenization.PiecesB);
        int union = endsA.Union(endsB).Count();
        return new TextComparison
        {
            Text = tokenization.Text,
            Characters = tokenization.Text.Characters,
            TokensA = tokenization.PiecesA.Count,
            TokensB = tokenization.PiecesB.Count,
            Identical = identical,
            BoundaryAgreement = union == 0 ? 1 : endsA.Intersect(endsB).Count() / (double)union,
            SplitA = Split(tokenization.PiecesA),
            SplitB = Split(tokenization.PiecesB),
        };
    }

    private static HashSet<int> Ends(IReadOnlyList<byte[]> pieces)
    {
        var ends = new HashSet<int>();
        int offset = 0;
        foreach (byte[] p in pieces)
        {
            offset += p.Length;
            ends.Add(offset);
        }
        return ends;
    }

    private const int SplitLength = 120;

    private static string Split(IReadOnlyList<byte[]> pieces)
    {
        var sb = new StringBuilder();
        foreach (byte[] p in pieces)
        {
            if (sb.Length > 0) sb.Append('·');
            sb.Append(PieceText.Escape(p));
            if (sb.Length >= SplitLength)
            {
                int cut = char.IsHighSurrogate(sb[SplitLength - 1]) ? SplitLength - 1 : SplitLength;
                return sb.ToString(0, cut) + "…";
            }
        }
        return sb.ToString();
    }

    private static CorpusTotals Totals(string kind, List<TextComparison> texts) =>
        new(kind, texts.Count, texts.Sum(t => t.Characters), texts.Sum(t => t.TokensA), texts.Sum(t => t.TokensB), texts.Count(t => t.Identical));
}
