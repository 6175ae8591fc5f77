using System.Text;
using AnomalyProbe.Analysis.Tokens;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Probing;

/// <summary>
/// The templates a scan probes with, resolved on its model: the given specs, where <c>auto</c> keeps
/// only the default templates the vocabulary can spell — the shipped ones are English — and, when
/// none is left, an induction template written in the vocabulary's own words.
/// </summary>
public static class TemplateSet
{
    /// <summary>The name of the induction template built from the vocabulary.</summary>
    public const string OwnInduction = "induction_own";

    /// <summary>Resolves <paramref name="specs"/> on <paramref name="model"/>; notes what auto left out through <paramref name="note"/>.</summary>
    public static IReadOnlyList<PromptTemplate> Resolve(IReadOnlyList<string> specs, LlamaModel model, string? chatTemplate, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(model);
        bool chat = chatTemplate is not null || ChatFormat.ModelHasTemplate(model);
        var templates = PromptTemplate.LoadAll(specs, chat);
        if (!specs.Contains(PromptTemplate.AutoSpec)) return templates;

        var defaults = PromptTemplate.DefaultSet(chat).Select(t => t.Name).ToHashSet();
        ChatFormat? format = templates.Any(t => t.IsChat) ? ChatFormat.For(model, chatTemplate) : null;
        var kept = templates.Where(t => !defaults.Contains(t.Name) || Spells(t, model.Vocabulary, format)).ToList();
        if (kept.Count == templates.Count) return templates;
        note?.Invoke($"templates: this vocabulary cannot spell {string.Join(", ", templates.Except(kept).Select(t => t.Name))} (English); left out");
        if (kept.Count == 0)
        {
            PromptTemplate own = OwnInductionTemplate(model.Vocabulary)
                ?? throw new InputException("this vocabulary can spell none of the built-in templates and too few words of its own for an induction template: give templates in the model's language") { Parameter = "templates" };
            note?.Invoke($"templates: probing with {OwnInduction}, an induction template in the vocabulary's own words: {Analysis.Text.PieceText.Escape(Encoding.UTF8.GetBytes(own.Prefix))}");
            kept.Add(own);
        }
        return kept;
    }

    private static bool Spells(PromptTemplate template, Vocabulary vocabulary, ChatFormat? format)
    {
        try
        {
            TemplateTokens.Create(template, vocabulary, format);
            return true;
        }
        catch (InputException)
        {
            return false;
        }
    }

    /// <summary>
    /// "A A\nB B\nC C\nD D\n{token}" with four of the vocabulary's most frequent words (highest
    /// SentencePiece score, else lowest id — BPE merges come in frequency order): whole words of
    /// letters that tokenize back to themselves, so the pattern is the model's own text.
    /// </summary>
    public static PromptTemplate? OwnInductionTemplate(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        bool scored = Enumerable.Range(0, Math.Min(vocabulary.Count, 64)).Any(id => vocabulary.GetScore(id) != 0);
        var words = new List<string>();
        foreach (int id in Enumerable.Range(0, vocabulary.Count).OrderBy(id => scored ? -vocabulary.GetScore(id) : id))
        {
            if (vocabulary.GetTokenType(id) != TokenType.Normal) continue;
            string word = Encoding.UTF8.GetString(vocabulary.TokenToPiece(id)).Trim();
            if (word.Length is 0 or > 8 || !word.All(char.IsLetter) || words.Contains(word)) continue;
            byte[] utf8 = Encoding.UTF8.GetBytes(word + " " + word + "\n");
            if (!vocabulary.CanTokenize(utf8)) continue;
            words.Add(word);
            if (words.Count == 4) break;
        }
        if (words.Count < 4) return null;
        string text = string.Concat(words.Select(w => $"{w} {w}\n")) + PromptTemplate.Slot;
        return PromptTemplate.Parse(OwnInduction, text);
    }
}
