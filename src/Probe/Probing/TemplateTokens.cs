using System.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tokenizers;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// A template tokenized for one vocabulary: the prefix (with BOS as the model expects) and the
/// suffix (as a continuation, no space prefix), special-token text parsed (<c>&lt;|im_start|&gt;</c> is one
/// id). A chat template is first rendered with the model's chat format around its slot. A probe is
/// prefix + [token id] + suffix: the id is inserted directly, never re-tokenized from its text.
/// </summary>
/// <param name="Template">The template.</param>
/// <param name="Prefix">Token ids before the slot.</param>
/// <param name="Suffix">Token ids after the slot; the last one's logits predict the answer.</param>
/// <param name="ChatFormat">The chat format's label ("model" or a built-in name) for a chat template; null for a plain one.</param>
public sealed record TemplateTokens(PromptTemplate Template, int[] Prefix, int[] Suffix, string? ChatFormat = null)
{
    /// <summary>
    /// Tokenizes <paramref name="template"/> with <paramref name="vocabulary"/>; a chat template needs
    /// <paramref name="chat"/> (the model's chat format or the one given by name).
    /// </summary>
    public static TemplateTokens Create(PromptTemplate template, Vocabulary vocabulary, ChatFormat? chat = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(vocabulary);
        (string before, string after) = (template.Prefix, template.Suffix);
        if (template.IsChat)
        {
            if (chat is null)
            {
                throw new InputException($"template '{template.Name}' is a chat template and the model has no chat template (tokenizer.chat_template): " +
                    $"give --chat-template NAME (chatml, llama2, llama3, gemma, phi3, …) or plain templates") { Parameter = "templates" };
            }
            (before, after) = Render(template, chat);
        }

        if (!vocabulary.CanTokenize(Encoding.UTF8.GetBytes(before)))
        {
            throw new InputException($"template '{template.Name}': this vocabulary cannot spell its text before {PromptTemplate.Slot} (llama.cpp would abort on it): " +
                "give templates in the model's language") { Parameter = "templates" };
        }
        int[] prefix = vocabulary.Tokenize(before, addSpecial: true, parseSpecial: true);
        if (vocabulary.AddsEos && prefix.Length > 0 && prefix[^1] == vocabulary.Eos) prefix = prefix[..^1];
        // A chat format that writes the BOS text itself, tokenized after the BOS llama.cpp adds.
        if (prefix.Length >= 2 && prefix[0] == vocabulary.Bos && prefix[1] == vocabulary.Bos) prefix = prefix[1..];
        if (prefix.Length == 0)
        {
            if (vocabulary.Bos < 0) throw new InputException($"template '{template.Name}' starts with its slot and the model has no BOS token: add text before {PromptTemplate.Slot}");
            prefix = [vocabulary.Bos];
        }
        int[] suffix = new ContinuationTokenizer(vocabulary, parseSpecial: true).Tokenize(Encoding.UTF8.GetBytes(after))
            ?? throw new InputException($"template '{template.Name}': this vocabulary cannot spell its text after {PromptTemplate.Slot} (llama.cpp would abort on it)");
        return new TemplateTokens(template, prefix, suffix, template.IsChat ? chat!.Label : null);
    }

    /// <summary>Tokenizes every template, rendering the chat ones with <paramref name="chatTemplate"/> (null = the model's own).</summary>
    public static List<TemplateTokens> CreateAll(IEnumerable<PromptTemplate> templates, LlamaModel model, string? chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(model);
        var list = templates.ToList();
        ChatFormat? chat = list.Any(t => t.IsChat) ? Native.ChatFormat.For(model, chatTemplate) : null;
        return list.Select(t => Create(t, model.Vocabulary, chat)).ToList();
    }

    // The rendered conversation split at the slot; the answer's start follows the assistant turn's opening.
    private static (string Before, string After) Render(PromptTemplate template, ChatFormat chat)
    {
        string rendered = chat.RenderUserTurn(template.Prefix + PromptTemplate.Slot + template.Suffix);
        int at = rendered.IndexOf(PromptTemplate.Slot, StringComparison.Ordinal);
        if (at < 0 || rendered.IndexOf(PromptTemplate.Slot, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InputException($"the chat format '{chat.Label}' does not render the user message of template '{template.Name}' exactly once") { Parameter = "chat-template" };
        }
        return (rendered[..at], rendered[(at + PromptTemplate.Slot.Length)..] + template.AssistantStart);
    }

    /// <summary>Tokens decoded per probe: the inserted id plus the suffix.</summary>
    public int TokensPerProbe => 1 + Suffix.Length;

    /// <summary>The whole prompt for one token (what the naive runner decodes).</summary>
    public int[] PromptFor(int token) => [.. Prefix, token, .. Suffix];
}
