using System.Runtime.InteropServices;
using System.Text;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Tokenizers;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// A model's vocabulary, through llama.cpp's own tokenizer. Pieces are raw bytes: a single
/// token can be a partial or invalid UTF-8 sequence. Thread-safe (llama.cpp's tokenizer is).
/// </summary>
public sealed unsafe class Vocabulary : ITokenVocabulary
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLlamaModelHandle.Vocabulary _vocabulary;
    private readonly IntPtr _vocab;

    internal Vocabulary(SafeLlamaModelHandle model)
    {
        _model = model;
        _vocabulary = model.Vocab;
        using (new Lease(model)) _vocab = NativeMethods.llama_model_get_vocab(model.DangerousGetHandle());
        if (_vocab == IntPtr.Zero) throw new LlamaException("llama.cpp returned no vocabulary for the model");
        Count = _vocabulary.Count;
        Type = (VocabularyType)(int)_vocabulary.Type;
        Bos = Id(_vocabulary.BOS);
        Eos = Id(_vocabulary.EOS);
        Eot = Id(_vocabulary.EOT);
        Sep = Id(_vocabulary.SEP);
        NewLine = Id(_vocabulary.Newline);
        Pad = Id(_vocabulary.Pad);
        AddsBos = _vocabulary.ShouldAddBOS;
        AddsEos = _vocabulary.ShouldAddEOS;
        bool addsSep;
        using (new Lease(model)) addsSep = NativeMethods.llama_vocab_get_add_sep(_vocab);
        // llama.cpp asserts (aborts the process) when add_special asks for a token the vocabulary lacks.
        _canAddSpecial = (!AddsBos || Bos >= 0) && (!AddsEos || Eos >= 0) && (!addsSep || Sep >= 0);
    }

    private static int Id(LLamaToken? token) => token is { } t ? (int)t : -1;

    private readonly bool _canAddSpecial;

    /// <summary>Number of token ids.</summary>
    public int Count { get; }
    /// <summary>Tokenizer family.</summary>
    public VocabularyType Type { get; }
    /// <summary>Beginning-of-sequence id, or -1.</summary>
    public int Bos { get; }
    /// <summary>End-of-sequence id, or -1.</summary>
    public int Eos { get; }
    /// <summary>End-of-turn id, or -1.</summary>
    public int Eot { get; }
    /// <summary>Separator id, or -1.</summary>
    public int Sep { get; }
    /// <summary>Newline id, or -1.</summary>
    public int NewLine { get; }
    /// <summary>Padding id, or -1.</summary>
    public int Pad { get; }
    /// <summary>Whether tokenizing with special tokens adds BOS.</summary>
    public bool AddsBos { get; }
    /// <summary>Whether tokenizing with special tokens adds EOS.</summary>
    public bool AddsEos { get; }

    /// <summary>The vocabulary's own spelling of a token (e.g. "▁the", "Ġthe", "&lt;0x0A&gt;").</summary>
    public string GetText(int token)
    {
        CheckId(token);
        using var lease = new Lease(_model);
        return Marshal.PtrToStringUTF8((IntPtr)NativeMethods.llama_vocab_get_text(_vocab, token)) ?? "";
    }

    /// <summary>The token's score (merge rank or log-probability, depending on the tokenizer).</summary>
    public float GetScore(int token)
    {
        CheckId(token);
        return ((LLamaToken)token).GetScore(_vocabulary);
    }

    public TokenAttributes GetAttributes(int token)
    {
        CheckId(token);
        return (TokenAttributes)(int)((LLamaToken)token).GetAttributes(_vocabulary);
    }

    /// <summary>The token type implied by its attributes.</summary>
    public TokenType GetTokenType(int token) => TokenTypes.FromAttributes(GetAttributes(token));

    /// <summary>What the token is (<see cref="TokenFacts"/>): its attributes, spelling and rendered bytes.</summary>
    public TokenFacts Facts(int token) => new(GetAttributes(token), GetText(token), TokenToPiece(token));

    /// <summary>Whether the token ends generation (EOS, EOT, ...).</summary>
    public bool IsEndOfGeneration(int token)
    {
        CheckId(token);
        return ((LLamaToken)token).IsEndOfGeneration(_vocabulary);
    }

    /// <summary>Tokenizes text. <paramref name="addSpecial"/> adds BOS/EOS as the model is configured to;
    /// <paramref name="parseSpecial"/> lets control-token text (e.g. "&lt;s&gt;") become control tokens.</summary>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial = false) =>
        Tokenize(Encoding.UTF8.GetBytes(text), addSpecial, parseSpecial);

    /// <summary>Tokenizes UTF-8 bytes; see <see cref="Tokenize(string, bool, bool)"/>.</summary>
    public int[] Tokenize(ReadOnlySpan<byte> utf8, bool addSpecial, bool parseSpecial = false)
    {
        if (!CanTokenize(utf8))
        {
            throw new InputException($"the text '{Analysis.Text.PieceText.Escape(utf8[..Math.Min(utf8.Length, 40)])}' has a character this vocabulary " +
                "neither holds nor can spell with byte tokens (llama.cpp would abort on it)");
        }
        if (addSpecial && !_canAddSpecial)
        {
            // Add what exists ourselves rather than let llama.cpp abort on what does not.
            int[] plain = Tokenize(utf8, addSpecial: false, parseSpecial);
            return [.. AddsBos && Bos >= 0 ? [Bos] : Array.Empty<int>(), .. plain, .. AddsEos && Eos >= 0 ? [Eos] : Array.Empty<int>()];
        }
        using var lease = new Lease(_model);
        fixed (byte* text = utf8)
        {
            byte* bytes = text;
            int length = utf8.Length;
            // A token covers at least one byte, plus BOS/EOS: this first size is usually exact enough.
            return WithGrowingBuffer<int>(length + 2, "llama_tokenize", output =>
            {
                fixed (int* ids = output)
                {
                    int n = NativeMethods.llama_tokenize(_vocab, bytes, length, ids, output.Length, addSpecial, parseSpecial);
                    return n != int.MinValue ? n : throw new InputException($"text of {length} bytes tokenizes to more than 2^31 tokens");
                }
            });
        }
    }

    /// <summary>
    /// Whether llama.cpp can tokenize <paramref name="utf8"/> without aborting: false only for a
    /// SentencePiece vocabulary without all byte tokens and a character it lacks (see <see cref="SpmAbortGuard"/>).
    /// </summary>
    public bool CanTokenize(ReadOnlySpan<byte> utf8) => LazyInitializer.EnsureInitialized(ref _guard, () => SpmAbortGuard.For(this)).IsSafe(utf8);

    private SpmAbortGuard? _guard;

    /// <summary>The bytes a token renders to. <paramref name="special"/> renders control tokens' text too.</summary>
    public byte[] TokenToPiece(int token, bool special = false)
    {
        CheckId(token);
        Span<byte> small = stackalloc byte[128];
        int n = NativeApi.llama_token_to_piece(_vocabulary, token, small, 0, special);
        if (n >= 0) return small[..n].ToArray();
        byte[] large = new byte[-n];
        n = NativeApi.llama_token_to_piece(_vocabulary, token, large, 0, special);
        if (n < 0) throw new LlamaException($"llama_token_to_piece failed for token {token} (code {n})");
        return large[..n];
    }

    /// <summary>Detokenizes ids into bytes (the inverse of <see cref="Tokenize(ReadOnlySpan{byte}, bool, bool)"/>).</summary>
    public byte[] Detokenize(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool unparseSpecial = false)
    {
        foreach (int t in tokens) CheckId(t);
        using var lease = new Lease(_model);
        fixed (int* ids = tokens)
        {
            int* input = ids;
            int count = tokens.Length;
            return WithGrowingBuffer<byte>(Math.Max(16, count * 8), "llama_detokenize", output =>
            {
                fixed (byte* text = output)
                {
                    return NativeMethods.llama_detokenize(_vocab, input, count, text, output.Length, removeSpecial, unparseSpecial);
                }
            });
        }
    }

    // llama.cpp's two-call convention: a negative result is minus the size the output needs.
    private static T[] WithGrowingBuffer<T>(int capacity, string function, Func<T[], int> call)
    {
        while (true)
        {
            var buffer = new T[capacity];
            int n = call(buffer);
            if (n >= 0) return n == capacity ? buffer : buffer[..n];
            // Asked for no more room than it had: it would ask forever.
            if (-n <= capacity) throw new LlamaException($"{function} failed (code {n})");
            capacity = -n;
        }
    }

    private void CheckId(int token)
    {
        if ((uint)token >= (uint)Count) throw new InputException($"token id {token} is outside the vocabulary [0, {Count})");
    }

    /// <summary>Keeps the model (which owns the vocabulary) alive for the duration of a native call.</summary>
    private readonly ref struct Lease
    {
        private readonly SafeLlamaModelHandle _handle;
        private readonly bool _added;

        public Lease(SafeLlamaModelHandle handle)
        {
            _handle = handle;
            _handle.DangerousAddRef(ref _added);
        }

        public void Dispose()
        {
            if (_added) _handle.DangerousRelease();
        }
    }
}
