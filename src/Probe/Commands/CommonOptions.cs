using System.CommandLine;
using AnomalyProbe.Probe.Native;

namespace AnomalyProbe.Probe.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>The embedded default model, shipped next to the app.</summary>
    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "models", "stories260K.gguf");

    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "GGUF model file (default: the embedded stories260K.gguf)",
        HelpName = "PATH",
        DefaultValueFactory = _ => DefaultModelPath,
    };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show llama.cpp's own log on stderr",
        Recursive = true,
    };

    public static Option<bool> SkipModelChecks { get; } = new("--skip-model-checks")
    {
        Description = "Give llama.cpp a model file even when AnomalyProbe's model rules refuse it (for a file they refuse wrongly; " +
                      "an assertion in llama.cpp then ends the run with one line and exit code 3)",
        Recursive = true,
    };

    public static Option<string?> LlamaDir { get; } = new("--llama-dir")
    {
        Description = "Directory of a custom llama.cpp build to use instead of the LLamaSharp backend package's (libllama, libggml, libggml-base of the same commit, c0c7e147); same as ANOMALYPROBE_LLAMA_DIR",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary><c>--gpu-layers</c> of every command that loads weights.</summary>
    public static Option<int?> GpuLayers() => new("--gpu-layers")
    {
        Description = "Layers to offload to the GPU (default: all when the backend found a GPU — LLamaSharp.Backend.Cuda12 or " +
                      "Vulkan, see -p:LlamaBackend — and 0 on the CPU backend, which refuses any other value)",
        HelpName = "N",
    };

    /// <summary>An output directory option (<c>--out</c>): an existing file there is refused while parsing.</summary>
    public static Option<string> OutputDirectory(string description, bool required, string? defaultValue = null)
    {
        var option = new Option<string>("--out", "-o") { Description = description, HelpName = "DIR", Required = required };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(result =>
        {
            string? path = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (path is not null && File.Exists(path)) result.AddError($"--out: '{path}' is a file; give a directory (it is created if missing)");
        });
        return option;
    }

    /// <summary><c>--chat-template</c>: the chat format chat templates are rendered with.</summary>
    public static Option<string?> ChatTemplate() => new("--chat-template")
    {
        Description = "Render chat templates (*.chat.txt) with this llama.cpp built-in format instead of the model's " +
                      "tokenizer.chat_template: chatml, llama2, llama3, gemma, phi3, mistral-v7, … (the full list is in the error for a wrong name)",
        HelpName = "NAME",
    };

    /// <summary><c>--templates</c> of scan, bench and prompt: files, directories, globs, <c>auto</c>, <c>builtin</c>, <c>builtin:NAME</c>.</summary>
    public static Option<string[]> Templates(string defaultSpec) => new("--templates")
    {
        Description = "Template files, directories or globs (prompts/*.txt), each with exactly one {token} slot; a *.chat.txt file is a " +
                      "chat template (user message, a line ---assistant---, the answer's start) rendered with the model's chat format. " +
                      "'auto' = completion plus the built-in chat templates (repeat, echo) for a model with a chat template, else completion " +
                      "and induction; 'builtin' = every built-in template the model can take (chat, completion, induction, and echo and " +
                      "repeat when it has a chat format); 'builtin:NAME' one of them",
        HelpName = "FILES",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [defaultSpec],
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads; 0 = the cores this process may use (SLURM_CPUS_PER_TASK where set; more are refused)",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
    };

    /// <summary><c>--vocab-filter</c> of generate, scan (its harvest) and temperature sweep; <paramref name="what"/> starts the description.</summary>
    public static Option<string?> VocabFilter(string what) => new("--vocab-filter")
    {
        Description = what + ": comma-separated classes a token must all satisfy — alpha (words: optional leading space, " +
                      "letters only), ascii (printable ASCII text), no-bytes (no <0xNN> or partial-UTF-8 tokens), no-special " +
                      "(no control/unknown/unused tokens) — and/or file:PATH (ids or ranges like 100-199, one or more per line)",
        HelpName = "CLASSES",
    };

    /// <summary>Starts llama.cpp as the global options ask.</summary>
    public static void InitializeRuntime(ParseResult parse)
    {
        CommandRunner.ShowStackTraces = parse.GetValue(Verbose);
        Warnings.Sink = Console.Error;
        LlamaModel.CheckModels = !parse.GetValue(SkipModelChecks);
        LlamaRuntime.Configure(parse.GetValue(LlamaDir), parse.GetValue(Verbose) ? Console.Error : null);
    }
}
