using System.Globalization;

namespace AnomalyProbe.Probe.Bench;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary of any size: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, the 256
/// byte tokens, then unique normal tokens.
/// </summary>
/// <remarks>
/// The normal tokens are "▁", the bare letters a..z, then "▁" followed by every lowercase letter
/// combination of length 1, 2, 3, ... in order until the size is reached (32000 ends inside the
/// four-letter words). Every prefix of a "▁" token is itself a token, so llama.cpp's SPM merges
/// build multi-letter tokens ("ab" becomes the single token "▁ab"), and anything else falls back
/// to the byte tokens. Scores fall with the id, as in a real SentencePiece model.
/// </remarks>
internal static class SyntheticVocabulary
{
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;
    public const int FirstByteId = 3;
    public const int FirstNormalId = FirstByteId + 256;

    /// <summary>SentencePiece's space marker, U+2581.</summary>
    public const string SpaceMarker = "\u2581";

    // llama_token_type in llama.cpp's vocab: NORMAL = 1, UNKNOWN = 2, CONTROL = 3, BYTE = 6.
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int Byte = 6;

    public static (string[] Tokens, float[] Scores, int[] Types) Build(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, FirstNormalId);
        var tokens = new string[size];
        var scores = new float[size];
        var types = new int[size];

        tokens[UnknownId] = "<unk>";
        types[UnknownId] = Unknown;
        tokens[BosId] = "<s>";
        types[BosId] = Control;
        tokens[EosId] = "</s>";
        types[EosId] = Control;
        for (int b = 0; b < 256; b++)
        {
            tokens[FirstByteId + b] = string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>");
            types[FirstByteId + b] = Byte;
        }

        using var normal = NormalTokens().GetEnumerator();
        for (int id = FirstNormalId; id < size; id++)
        {
            normal.MoveNext();
            tokens[id] = normal.Current;
            types[id] = Normal;
            scores[id] = -(id - FirstNormalId);
        }
        return (tokens, scores, types);
    }

    private static IEnumerable<string> NormalTokens()
    {
        yield return SpaceMarker;
        for (char c = 'a'; c <= 'z'; c++)
        {
            yield return c.ToString();
        }
        for (int length = 1; ; length++)
        {
            var letters = new char[length];
            Array.Fill(letters, 'a');
            while (true)
            {
                yield return SpaceMarker + new string(letters);
                int i = length - 1;
                while (i >= 0 && letters[i] == 'z')
                {
                    letters[i--] = 'a';
                }
                if (i < 0)
                {
                    break;
                }
                letters[i]++;
            }
        }
    }
}
