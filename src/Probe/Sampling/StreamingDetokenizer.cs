using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Sampling;

/// <summary>
/// Turns generated tokens into text as they arrive. The continuation is detokenized after the
/// prompt's text tokens (rather than concatenating pieces), so spacing is exactly llama.cpp's;
/// after a bare BOS, SentencePiece's leading space of the first word is dropped as its decoder
/// does at the start of a text. Bytes of a UTF-8 character split across tokens are held back
/// until the character is complete.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly Vocabulary _vocabulary;
    private readonly List<int> _tokens;
    private readonly int _promptBytes;
    private int _emitted;

    /// <summary>Starts after <paramref name="prompt"/>.</summary>
    public StreamingDetokenizer(Vocabulary vocabulary, IReadOnlyList<int> prompt)
    {
        _vocabulary = vocabulary;
        bool promptHasText = prompt.Any(t => (vocabulary.GetAttributes(t) & TokenAttributes.Control) == 0);
        _tokens = promptHasText ? [.. prompt] : [];
        _promptBytes = promptHasText ? vocabulary.Detokenize(prompt.ToArray()).Length : 0;
    }

    /// <summary>Adds a token; returns the bytes that are now complete.</summary>
    public byte[] Push(int token)
    {
        _tokens.Add(token);
        byte[] all = _vocabulary.Detokenize(_tokens.ToArray());
        int start = _promptBytes + _emitted;
        if (start > all.Length) return []; // the prompt's own rendering changed (rare); nothing new
        int end = all.Length - IncompleteTail(all.AsSpan(start));
        byte[] ready = all[start..end];
        _emitted += ready.Length;
        return ready;
    }

    /// <summary>Bytes still held back (an unfinished UTF-8 sequence at the end).</summary>
    public byte[] Flush()
    {
        byte[] all = _vocabulary.Detokenize(_tokens.ToArray());
        int start = Math.Min(all.Length, _promptBytes + _emitted);
        _emitted = all.Length - _promptBytes;
        return all[start..];
    }

    // Length of a trailing UTF-8 lead byte + continuation bytes that are not yet a whole character.
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (int back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            byte b = bytes[^back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int need = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return need > back ? back : 0;
        }
        return 0;
    }
}
