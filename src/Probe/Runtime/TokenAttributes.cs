namespace AnomalyProbe.Probe.Runtime;

/// <summary><c>enum llama_token_attr</c>: what llama.cpp knows about a vocabulary entry.</summary>
[Flags]
public enum TokenAttributes
{
    /// <summary>No attribute.</summary>
    None = 0,
    /// <summary>The unknown token.</summary>
    Unknown = 1 << 0,
    /// <summary>Unused / padding entry.</summary>
    Unused = 1 << 1,
    /// <summary>A normal token.</summary>
    Normal = 1 << 2,
    /// <summary>A control (special) token such as BOS/EOS.</summary>
    Control = 1 << 3,
    /// <summary>A user-defined (added) token.</summary>
    UserDefined = 1 << 4,
    /// <summary>A byte-fallback token such as &lt;0x0A&gt;.</summary>
    Byte = 1 << 5,
    /// <summary>Normalized.</summary>
    Normalized = 1 << 6,
    /// <summary>Strips whitespace on the left.</summary>
    LStrip = 1 << 7,
    /// <summary>Strips whitespace on the right.</summary>
    RStrip = 1 << 8,
    /// <summary>Matches only as a single word.</summary>
    SingleWord = 1 << 9,
}

/// <summary>The token type, derived from its attributes (the GGUF <c>token_type</c> classes).</summary>
public enum TokenType
{
    /// <summary>No type recorded.</summary>
    Undefined,
    /// <summary>A normal token.</summary>
    Normal,
    /// <summary>The unknown token.</summary>
    Unknown,
    /// <summary>A control token.</summary>
    Control,
    /// <summary>A user-defined token.</summary>
    UserDefined,
    /// <summary>An unused entry.</summary>
    Unused,
    /// <summary>A byte-fallback token.</summary>
    Byte,
}

/// <summary><c>enum llama_vocab_type</c>.</summary>
public enum VocabularyType
{
    /// <summary>No vocabulary.</summary>
    None = 0,
    /// <summary>SentencePiece-style BPE with byte fallback (LLaMA).</summary>
    Spm = 1,
    /// <summary>Byte-level BPE (GPT-2).</summary>
    Bpe = 2,
    /// <summary>WordPiece (BERT).</summary>
    Wpm = 3,
    /// <summary>Unigram (T5).</summary>
    Ugm = 4,
    /// <summary>RWKV greedy tokenizer.</summary>
    Rwkv = 5,
    /// <summary>PLaMo-2.</summary>
    Plamo2 = 6,
    /// <summary>llama.cpp's test tokenizer.</summary>
    Test = 7,
}
