namespace AnomalyProbe.Probe.Native;

/// <summary><c>enum llama_vocab_type</c>: the tokenizer family.</summary>
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
    Plamo2 = 6,
    /// <summary>llama.cpp's test tokenizer.</summary>
    Test = 7,
}
