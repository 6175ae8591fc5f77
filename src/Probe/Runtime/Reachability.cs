namespace AnomalyProbe.Probe.Runtime;

/// <summary>
/// Can a token appear when ordinary text is tokenized? Its own bytes are tokenized as a
/// continuation (after a marker, so SentencePiece's automatic leading space does not turn every
/// "▁word" into an unreachable token) and must give back exactly that one id. Control tokens are
/// never produced from plain text.
/// </summary>
public static class Reachability
{
    /// <summary>The round trip's result for <paramref name="token"/>: reachable, and what the text gives instead.</summary>
    public static (bool Reachable, int[] Tokens) RoundTrip(Vocabulary vocabulary, int token)
    {
        if ((vocabulary.GetAttributes(token) & TokenAttributes.Control) != 0) return (false, []);
        byte[] bytes = vocabulary.TokenToPiece(token);
        if (bytes.Length == 0) return (false, []);
        int[] tokens = vocabulary.TokenizeContinuation(bytes);
        return (tokens.Length == 1 && tokens[0] == token, tokens);
    }
}
