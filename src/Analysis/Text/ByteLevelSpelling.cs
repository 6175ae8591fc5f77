using System.Text;

namespace AnomalyProbe.Analysis.Text;

/// <summary>
/// The spelling byte-level BPE vocabularies (GPT-2's vocab.json, and llama.cpp's GGUF conversions of
/// them) give token bytes: every byte is one printable character — the printable Latin-1 bytes stand
/// for themselves, the other 68 (control bytes, space, 0x7F–0xA0, 0xAD) for U+0100 onwards in byte
/// order, so a space is "Ġ" and a newline "Ċ". Lets a format that stores only bytes (tiktoken) be
/// spelled, and a vocab.json be decoded, the way the GGUF path sees them.
/// </summary>
public static class ByteLevelSpelling
{
    private static readonly char[] s_charOf = BuildTable();
    private static readonly Dictionary<char, byte> s_byteOf = Enumerable.Range(0, 256).ToDictionary(b => s_charOf[b], b => (byte)b);

    /// <summary>The character that spells byte <paramref name="b"/>.</summary>
    public static char CharOf(byte b) => s_charOf[b];

    /// <summary>The spelling of <paramref name="bytes"/>, one character per byte.</summary>
    public static string Spell(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes) sb.Append(s_charOf[b]);
        return sb.ToString();
    }

    /// <summary>The bytes <paramref name="text"/> spells, or null when a character is not a byte's spelling.</summary>
    public static byte[]? Unspell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!s_byteOf.TryGetValue(text[i], out bytes[i])) return null;
        }
        return bytes;
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
