using System.Text;
using LLama;
using LLama.Native;

namespace AnomalyProbe.Probe.Native;

/// <summary>
/// A chat template as llama.cpp's template engine applies it (<c>llama_chat_apply_template</c>, through
/// LLamaSharp's <see cref="LLamaTemplate"/>): either the model's own <c>tokenizer.chat_template</c> or one of
/// llama.cpp's built-in formats by name. llama.cpp runs no Jinja: it recognizes a template by its text
/// and formats the messages with its own code, so an unusual template is refused rather than guessed.
/// </summary>
public sealed class ChatFormat
{
    private readonly string _template;

    private ChatFormat(string label, string template)
    {
        Label = label;
        _template = template;
    }

    /// <summary>"model" for the model's own template, else the built-in format's name.</summary>
    public string Label { get; }

    /// <summary>The spelling of the model's own template in <see cref="Label"/> and run.json.</summary>
    public const string ModelLabel = "model";

    /// <summary>
    /// The format a probe uses: the built-in <paramref name="name"/> when given, else the model's own
    /// template; null when the model has none and no name is given.
    /// </summary>
    public static ChatFormat? For(LlamaModel model, string? name)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (name is not null)
        {
            IReadOnlyList<string> names = BuiltInNames;
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                throw new InputException($"'{name}' is not one of llama.cpp's chat templates ({string.Join(", ", names)})") { Parameter = "chat-template" };
            }
            return new ChatFormat(name, name);
        }
        string? own = model.Handle.GetTemplate(null, strict: false);
        return string.IsNullOrEmpty(own) ? null : new ChatFormat(ModelLabel, own);
    }

    /// <summary>Whether the model file carries a chat template.</summary>
    public static bool ModelHasTemplate(LlamaModel model) => !string.IsNullOrEmpty(model.Handle.GetTemplate(null, strict: false));

    /// <summary>
    /// Renders one user message and the start of the assistant's turn (the text after which the
    /// assistant writes), exactly as llama.cpp's template engine does.
    /// </summary>
    public string RenderUserTurn(string userMessage)
    {
        var template = new LLamaTemplate(_template) { AddAssistant = true };
        template.Add("user", userMessage);
        try
        {
            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (LLama.Exceptions.MissingTemplateException)
        {
            throw new InputException(Label == ModelLabel
                ? "the model's chat template (tokenizer.chat_template) is not one llama.cpp's template engine recognizes; give --chat-template NAME"
                : $"llama.cpp cannot apply the chat template '{Label}'") { Parameter = "chat-template" };
        }
    }

    /// <summary>The names of llama.cpp's built-in chat templates (chatml, llama2, llama3, gemma, phi3, …), sorted.</summary>
    public static IReadOnlyList<string> BuiltInNames => s_names.Value;

    private static readonly Lazy<IReadOnlyList<string>> s_names = new(ReadBuiltInNames);

    private static unsafe List<string> ReadBuiltInNames()
    {
        LlamaRuntime.Initialize();
        int count = NativeApi.llama_chat_builtin_templates(null, 0);
        var pointers = new IntPtr[count];
        fixed (IntPtr* output = pointers)
        {
            // The binding's char* is really a C string of UTF-8 bytes per name.
            int written = NativeApi.llama_chat_builtin_templates((char**)output, (nuint)count);
            count = Math.Min(count, written);
        }
        var names = new List<string>(count);
        for (int i = 0; i < count; i++) names.Add(System.Runtime.InteropServices.Marshal.PtrToStringUTF8(pointers[i]) ?? "");
        return names.Order(StringComparer.Ordinal).ToList();
    }
}
