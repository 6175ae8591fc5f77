using System.Buffers;
using System.Text;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// Keeps texts that would abort the process away from llama.cpp. Its SentencePiece tokenizer
/// (v0.5.0 and c0c7e147 alike, <c>llm_tokenizer_spm_session::resegment</c>) spells a character that is not in the
/// vocabulary as its bytes, looking each up with <c>std::map::at("&lt;0xNN&gt;")</c>: in a vocabulary
/// without those byte tokens (e.g. ../models/poem-zh.gguf) the <c>std::out_of_range</c> crosses the
/// C API and terminates the process. For such vocabularies a text is passed on only when every
/// character llama.cpp would start from (a UTF-8 sequence split by its lead byte, spaces written
/// as "▁", a "▁" prefix assumed) is a token of the vocabulary or consists of bytes it can spell.
/// The check is conservative: it may refuse a text that would in fact merge into known tokens.
/// Other tokenizer types never look bytes up this way and are never refused.
/// </summary>
internal sealed class SpmAbortGuard
{
    private static readonly byte[] s_spaceMark = "\u2581"u8.ToArray();

    private readonly HashSet<string>? _tokens;
    private readonly bool[] _byteOk;

    private SpmAbortGuard(HashSet<string>? tokens, bool[] byteOk)
    {
        _tokens = tokens;
        _byteOk = byteOk;
    }

    /// <summary>Whether the guard refuses anything at all (a SentencePiece vocabulary lacking some byte tokens).</summary>
    public bool IsActive => _tokens is not null;

    public static SpmAbortGuard For(Vocabulary vocabulary)
    {
        var byteOk = new bool[256];
        if (vocabulary.Type != VocabularyType.Spm) return new SpmAbortGuard(null, byteOk);
        var tokens = new HashSet<string>(vocabulary.Count, StringComparer.Ordinal);
        for (int id = 0; id < vocabulary.Count; id++) tokens.Add(vocabulary.GetText(id));
        for (int b = 0; b < 256; b++)
        {
            // byte_to_token: "<0xNN>", else the byte itself as a one-byte string.
            byteOk[b] = tokens.Contains($"<0x{b:X2}>") || (b < 0x80 && tokens.Contains(((char)b).ToString()));
        }
        return new SpmAbortGuard(byteOk.All(ok => ok) ? null : tokens, byteOk);
    }

    /// <summary>Whether llama.cpp can tokenize <paramref name="utf8"/> without aborting.</summary>
    public bool IsSafe(ReadOnlySpan<byte> utf8)
    {
        if (_tokens is null) return true;
        if (!IsSafeSymbol(s_spaceMark)) return false;
        var escaped = new List<byte>(utf8.Length + 8);
        foreach (byte b in utf8)
        {
            if (b == (byte)' ') escaped.AddRange(s_spaceMark);
            else escaped.Add(b);
        }
        ReadOnlySpan<byte> text = escaped.ToArray();
        while (!text.IsEmpty)
        {
            int length = Math.Min(LeadLength(text[0]), text.Length);
            if (!IsSafeSymbol(text[..length])) return false;
            text = text[length..];
        }
        return true;
    }

    private bool IsSafeSymbol(ReadOnlySpan<byte> symbol)
    {
        bool spellable = true;
        foreach (byte b in symbol) spellable &= _byteOk[b];
        if (spellable) return true;
        return Rune.DecodeFromUtf8(symbol, out _, out int consumed) == OperationStatus.Done && consumed == symbol.Length
            && _tokens!.Contains(Encoding.UTF8.GetString(symbol));
    }

    // unicode_len_utf8: the length llama.cpp assumes from a lead byte's high nibble.
    private static int LeadLength(byte lead) => (lead >> 4) switch
    {
        0xC or 0xD => 2,
        0xE => 3,
        0xF => 4,
        _ => 1,
    };
}
