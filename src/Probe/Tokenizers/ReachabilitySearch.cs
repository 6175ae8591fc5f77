using System.Buffers;
using System.Text;
using AnomalyProbe.Analysis.Text;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// Can a token appear in the tokenization of some valid text? Run only for tokens whose plain round
/// trip failed (so a 250k vocabulary stays fast). Every text is tokenized by llama.cpp, as a
/// continuation (<see cref="ContinuationTokenizer"/>), and the token counts as reachable when its
/// id is anywhere in the result. What is tried, in order, stopping at the first hit:
/// <list type="number">
/// <item>the round trip's own tokens ("{}": the token came out, next to others);</item>
/// <item>complete UTF-8: its bytes at the very start of a text ("^{}"), then the neighbour
/// contexts p{}s with p ∈ <see cref="Prefixes"/> and s ∈ <see cref="Suffixes"/> — a space, a digit,
/// a letter or punctuation before and/or after, for pieces that only occur inside a word or next to
/// a pre-tokenizer boundary: the 14 one-sided ones each on its own, the 49 two-sided ones joined
/// into one text, one per line (a call to llama.cpp's std::regex pre-tokenizers costs tens of µs,
/// and the two-sided contexts rarely find anything the others miss);</item>
/// <item>partial UTF-8 (a piece of a character): completed into valid text with the missing bytes of
/// the character before and/or after — every valid completion when there are at most
/// <see cref="MaxCompletions"/>, otherwise that many spread evenly over all of them (every value of
/// the first missing byte is covered);</item>
/// <item>the unknown token (type unknown): <see cref="RareCharacters"/>, which no vocabulary is
/// likely to hold.</item>
/// </list>
/// Bytes that can never occur in valid UTF-8 (0xC0, 0xC1, 0xF5–0xFF, broken sequences) are
/// unreachable without a search; control tokens are never searched (parse_special is off, so plain
/// text never produces them). "Unreachable" therefore means "no tried text produced it".
/// </summary>
internal sealed class ReachabilitySearch(ContinuationTokenizer tokenizer)
{
    /// <summary>At most this many completions are tried for a partial-UTF-8 token.</summary>
    public const int MaxCompletions = 256;

    /// <summary>What is put before a complete-UTF-8 token's bytes.</summary>
    public static readonly string[] Prefixes = ["", " ", "1", "a", "x", "q", "(", "."];

    /// <summary>What is put after a complete-UTF-8 token's bytes.</summary>
    public static readonly string[] Suffixes = ["", " ", "1", "a", "s", ".", "\n", ")"];

    /// <summary>Characters tried for the unknown token: unassigned, private use, the last plane's end, an Egyptian hieroglyph.</summary>
    public static readonly string[] RareCharacters = ["\u0378", "\uE000", "\U0010FFFD", "\U00013000", "\u2FFF"];

    /// <summary>One line per kind of context, for audit.md and the docs.</summary>
    public static IReadOnlyList<string> Notes { get; } =
    [
        "roundtrip: the token's bytes, tokenized as a continuation (after a marker — \\n, |, # or § — whose tokens are dropped), give exactly [id].",
        "Only for tokens whose round trip fails, the search below runs; the token is reachable when its id appears anywhere in the tokens of a tried text (all tokenized by llama.cpp, as continuations), and reachable_via shows the first text that worked ({} = the token's bytes).",
        "`{}`: the round trip's own tokens contain it (next to other tokens).",
        "`^{}`: its bytes at the very start of a text.",
        $"Neighbour contexts `p{{}}s`: p in [{string.Join(", ", Prefixes.Select(Show))}] and s in [{string.Join(", ", Suffixes.Select(Show))}]: " +
            $"the {2 * (Prefixes.Length - 1)} one-sided ones (p or s empty) each on its own, then the {(Prefixes.Length - 1) * (Suffixes.Length - 1)} two-sided ones " +
            "joined into one text, one per line (`joined` when only that text produced the token).",
        $"Partial UTF-8 tokens: completed with the missing bytes of the character before and/or after, e.g. `\\xE2{{}}\\x99`; every valid completion when there are at most {MaxCompletions}, else {MaxCompletions} spread evenly over all of them.",
        "Bytes that never occur in valid UTF-8 (0xC0, 0xC1, 0xF5–0xFF, broken sequences): unreachable without a search.",
        $"The unknown token: the characters {string.Join(", ", RareCharacters.Select(c => $"U+{char.ConvertToUtf32(c, 0):X4}"))} (`unknown-char:…`).",
        "Control tokens: not searched — plain text never produces them (parse_special off).",
        "A SentencePiece vocabulary without byte tokens makes llama.cpp abort on a character it lacks: such texts are not tokenized (round trip false, roundtrip_ids empty; the context is skipped).",
    ];

    private static string Show(string s) => s.Length == 0 ? "''" : $"'{PieceText.Escape(Encoding.UTF8.GetBytes(s))}'";

    /// <summary>Searches for a text that produces <paramref name="token"/>; <paramref name="roundTripIds"/> is what its own bytes gave.</summary>
    public (bool Reachable, string Via) Search(int token, ReadOnlySpan<byte> bytes, IReadOnlyList<int> roundTripIds, bool isUnknownToken)
    {
        Utf8Shape shape = Utf8Shape.Of(bytes);
        // Only valid text counts: ids from bytes that are not complete UTF-8 prove nothing (SentencePiece
        // turns a lone byte into its byte token, byte-level BPE into U+FFFD's).
        if (shape.IsComplete && roundTripIds.Contains(token)) return (true, "{}");
        if (isUnknownToken)
        {
            foreach (string c in RareCharacters)
            {
                if (tokenizer.Tokenize(Encoding.UTF8.GetBytes(c))?.Contains(token) == true) return (true, "unknown-char:" + c);
            }
        }
        if (bytes.IsEmpty || !shape.CanOccur) return (false, "");
        return shape.IsComplete ? SearchContexts(token, bytes) : SearchCompletions(token, bytes, shape);
    }

    private (bool, string) SearchContexts(int token, ReadOnlySpan<byte> bytes)
    {
        if (tokenizer.AtStart(bytes)?.Contains(token) == true) return (true, "^{}");
        foreach (var (p, s) in s_oneSided)
        {
            if (Found(token, p, bytes, s)) return (true, Via(p, s));
        }
        // The two-sided contexts are rarely needed: one text holds them all, one per line (one
        // tokenizer call instead of 49); the first that works alone is then named.
        var joined = new List<byte>();
        foreach (var (p, s) in s_twoSided)
        {
            if (joined.Count > 0) joined.Add((byte)'\n');
            joined.AddRange(p);
            joined.AddRange(bytes);
            joined.AddRange(s);
        }
        if (tokenizer.Tokenize(joined.ToArray())?.Contains(token) != true) return (false, "");
        foreach (var (p, s) in s_twoSided)
        {
            if (Found(token, p, bytes, s)) return (true, Via(p, s));
        }
        return (true, JoinedVia);
    }

    /// <summary>reachable_via when only the joined two-sided contexts produced the token.</summary>
    public const string JoinedVia = "joined";

    private static readonly (byte[] Prefix, byte[] Suffix)[] s_oneSided =
    [
        .. Prefixes.Where(p => p.Length > 0).Select(p => (Encoding.UTF8.GetBytes(p), Array.Empty<byte>())),
        .. Suffixes.Where(s => s.Length > 0).Select(s => (Array.Empty<byte>(), Encoding.UTF8.GetBytes(s))),
    ];

    private static readonly (byte[] Prefix, byte[] Suffix)[] s_twoSided =
        Prefixes.Where(p => p.Length > 0).SelectMany(p => Suffixes.Where(s => s.Length > 0).Select(s => (Encoding.UTF8.GetBytes(p), Encoding.UTF8.GetBytes(s)))).ToArray();

    private (bool, string) SearchCompletions(int token, ReadOnlySpan<byte> bytes, Utf8Shape shape)
    {
        foreach (var (p, s) in Completions(bytes, shape))
        {
            if (Found(token, p, bytes, s)) return (true, Via(p, s));
        }
        return (false, "");
    }

    private bool Found(int token, byte[] prefix, ReadOnlySpan<byte> bytes, byte[] suffix)
    {
        byte[] text = [.. prefix, .. bytes, .. suffix];
        return tokenizer.Tokenize(text)?.Contains(token) == true;
    }

    private static string Via(byte[] prefix, byte[] suffix) => PieceText.Escape(prefix) + "{}" + PieceText.Escape(suffix);

    /// <summary>(prefix, suffix) byte pairs that make prefix + bytes + suffix valid UTF-8, at most <see cref="MaxCompletions"/>.</summary>
    internal static List<(byte[] Prefix, byte[] Suffix)> Completions(ReadOnlySpan<byte> bytes, Utf8Shape shape)
    {
        if (shape.AllContinuation)
        {
            // The bytes sit inside one character: a lead (and maybe more) before, maybe more after.
            var structures = new List<Structure>();
            int l = bytes.Length;
            for (int n = l + 1; n <= 4; n++)
            {
                for (int offset = 1; offset + l <= n; offset++) structures.Add(Structure.Around(bytes, n, offset));
            }
            return Sample(structures, MaxCompletions).Select(c => (c.Prefix, c.Suffix)).ToList();
        }

        var prefixes = new List<byte[]> { Array.Empty<byte>() };
        if (shape.Leading > 0)
        {
            var structures = new List<Structure>();
            for (int n = shape.Leading + 1; n <= 4; n++) structures.Add(Structure.Before(bytes[..shape.Leading], n));
            prefixes = Sample(structures, MaxCompletions).Select(c => c.Prefix).ToList();
        }
        var suffixes = new List<byte[]> { Array.Empty<byte>() };
        if (shape.TrailingStart >= 0)
        {
            suffixes = Sample([Structure.After(bytes[shape.TrailingStart..], shape.TrailingLength)], MaxCompletions).Select(c => c.Suffix).ToList();
        }
        int pairs = Math.Min(MaxCompletions, Math.Max(prefixes.Count, suffixes.Count));
        var result = new List<(byte[], byte[])>(pairs);
        for (int k = 0; k < pairs && prefixes.Count > 0 && suffixes.Count > 0; k++) result.Add((prefixes[k % prefixes.Count], suffixes[k % suffixes.Count]));
        return result;
    }

    /// <summary>Up to <paramref name="limit"/> valid characters from the structures, the budget shared out in turn.</summary>
    private static List<(byte[] Prefix, byte[] Suffix)> Sample(List<Structure> structures, int limit)
    {
        var result = new List<(byte[], byte[])>();
        for (int i = 0; i < structures.Count; i++)
        {
            int budget = (limit - result.Count) / (structures.Count - i);
            result.AddRange(structures[i].Sample(budget));
        }
        return result;
    }

    /// <summary>
    /// The bytes of one character with some positions free (any continuation byte, or any lead byte
    /// of the character's length); a completion is the part before and after the token's bytes.
    /// </summary>
    private sealed class Structure
    {
        private readonly byte[] _template;
        private readonly (int Position, byte Low, byte High)[] _free;
        private readonly int _prefixLength;
        private readonly int _suffixStart;

        private Structure(byte[] template, (int, byte, byte)[] free, int prefixLength, int suffixStart)
        {
            _template = template;
            _free = free;
            _prefixLength = prefixLength;
            _suffixStart = suffixStart;
        }

        private static (byte Low, byte High) LeadRange(int length) => length switch
        {
            2 => (0xC2, 0xDF),
            3 => (0xE0, 0xEF),
            _ => (0xF0, 0xF4),
        };

        /// <summary>An n-byte character that ends with <paramref name="tail"/> (continuation bytes): completes a token's leading bytes.</summary>
        public static Structure Before(ReadOnlySpan<byte> tail, int n)
        {
            byte[] t = new byte[n];
            tail.CopyTo(t.AsSpan(n - tail.Length));
            var free = new List<(int, byte, byte)> { (0, LeadRange(n).Low, LeadRange(n).High) };
            for (int i = 1; i < n - tail.Length; i++) free.Add((i, 0x80, 0xBF));
            return new Structure(t, [.. free], n - tail.Length, n);
        }

        /// <summary>An n-byte character that starts with <paramref name="head"/> (a lead byte and maybe continuation bytes): completes a token's trailing bytes.</summary>
        public static Structure After(ReadOnlySpan<byte> head, int n)
        {
            byte[] t = new byte[n];
            head.CopyTo(t);
            var free = new List<(int, byte, byte)>();
            for (int i = head.Length; i < n; i++) free.Add((i, 0x80, 0xBF));
            return new Structure(t, [.. free], 0, head.Length);
        }

        /// <summary>An n-byte character holding <paramref name="middle"/> (continuation bytes) at <paramref name="offset"/>.</summary>
        public static Structure Around(ReadOnlySpan<byte> middle, int n, int offset)
        {
            byte[] t = new byte[n];
            middle.CopyTo(t.AsSpan(offset));
            var free = new List<(int, byte, byte)> { (0, LeadRange(n).Low, LeadRange(n).High) };
            for (int i = 1; i < n; i++)
            {
                if (i < offset || i >= offset + middle.Length) free.Add((i, 0x80, 0xBF));
            }
            return new Structure(t, [.. free], offset, offset + middle.Length);
        }

        /// <summary>Up to <paramref name="limit"/> valid characters, spread evenly over all fillings of the free positions.</summary>
        public IEnumerable<(byte[] Prefix, byte[] Suffix)> Sample(int limit)
        {
            long total = 1;
            foreach (var f in _free) total *= f.High - f.Low + 1;
            long count = Math.Min(total, limit);
            for (long i = 0; i < count; i++)
            {
                long index = i * total / count;
                byte[] c = (byte[])_template.Clone();
                // Mixed radix, the first free position most significant: an even spread covers every value of it.
                for (int k = _free.Length - 1; k >= 0; k--)
                {
                    var (position, low, high) = _free[k];
                    int size = high - low + 1;
                    c[position] = (byte)(low + index % size);
                    index /= size;
                }
                if (Rune.DecodeFromUtf8(c, out _, out int consumed) == OperationStatus.Done && consumed == c.Length)
                {
                    yield return (c[.._prefixLength], c[_suffixStart..]);
                }
            }
        }
    }
}

/// <summary>How a token's bytes sit in UTF-8: leading continuation bytes, complete characters, a trailing partial character.</summary>
/// <param name="CanOccur">Whether the bytes can be part of valid UTF-8 text at all.</param>
/// <param name="Leading">Continuation bytes at the start (the end of a character begun before).</param>
/// <param name="TrailingStart">Where a trailing partial character starts, or -1.</param>
/// <param name="TrailingLength">That character's full length in bytes (0 when none).</param>
/// <param name="AllContinuation">Whether every byte is a continuation byte (the bytes sit inside one character).</param>
internal readonly record struct Utf8Shape(bool CanOccur, int Leading, int TrailingStart, int TrailingLength, bool AllContinuation)
{
    /// <summary>Whether the bytes are complete UTF-8 (nothing to complete).</summary>
    public bool IsComplete => CanOccur && Leading == 0 && TrailingStart < 0;

    public static Utf8Shape Of(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return new(true, 0, -1, 0, false);
        int leading = 0;
        while (leading < bytes.Length && (bytes[leading] & 0xC0) == 0x80) leading++;
        if (leading == bytes.Length) return new(leading <= 3, leading, -1, 0, true);
        if (leading > 3) return new(false, leading, -1, 0, false);
        int position = leading;
        while (position < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[position..], out _, out int consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                byte lead = bytes[position];
                int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                return new(true, leading, position, length, false);
            }
            if (status != OperationStatus.Done) return new(false, leading, -1, 0, false);
            position += consumed;
        }
        return new(true, leading, -1, 0, false);
    }
}
