using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using AnomalyProbe.Probe.Native;
using AnomalyProbe.Probe.Tests.Support;

namespace AnomalyProbe.Probe.Tests.Native;

/// <summary>
/// Every struct the binding declares, field by field, against offsetof/sizeof from a C program
/// compiled against the pinned build's own header. A wrong field would shift every later one.
/// </summary>
public sealed class NativeLayoutTests
{
    private static readonly Dictionary<Type, string> s_cNames = new()
    {
        [typeof(LlamaModelParams)] = "struct llama_model_params",
        [typeof(LlamaContextParams)] = "struct llama_context_params",
        [typeof(LlamaBatchNative)] = "struct llama_batch",
        [typeof(LlamaModelQuantizeParams)] = "struct llama_model_quantize_params",
        [typeof(GgmlTypeTraits)] = "struct ggml_type_traits",
        [typeof(LlamaSamplerChainParams)] = "struct llama_sampler_chain_params",
    };

    [Fact]
    public void EveryDeclaredStructIsChecked()
    {
        var declared = typeof(NativeMethods).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(NativeMethods).Namespace && t.IsValueType && !t.IsEnum && t.IsLayoutSequential)
            .ToHashSet();
        Assert.Equal(declared.OrderBy(t => t.Name), s_cNames.Keys.OrderBy(t => t.Name));
    }

    [Fact]
    public void OffsetsAndSizesMatchTheHeader()
    {
        var c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        var expected = new List<string>();
        foreach (var (type, cName) in s_cNames)
        {
            c.Append($"  printf(\"{type.Name} sizeof %zu\\n\", sizeof({cName}));\n");
            expected.Add($"{type.Name} sizeof {Marshal.SizeOf(type)}");
            // What actually crosses the boundary is the in-memory layout (runtime marshalling is off).
            Assert.Equal(Marshal.SizeOf(type), InMemorySize(type));
            foreach (FieldInfo f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                c.Append($"  printf(\"{type.Name}.{f.Name} %zu %zu\\n\", offsetof({cName}, {f.Name}), sizeof((({cName} *)0)->{f.Name}));\n");
                expected.Add($"{type.Name}.{f.Name} {Marshal.OffsetOf(type, f.Name)} {FieldSize(f.FieldType)}");
            }
        }
        c.Append("  return 0;\n}\n");

        string dir = Directory.CreateTempSubdirectory("layout").FullName;
        File.WriteAllText(Path.Combine(dir, "layout.c"), c.ToString());
        string root = LlamaHeader.Root;
        LlamaHeader.Run("gcc", dir, "-std=c11", "-I", Path.Combine(root, "include"), "-I", Path.Combine(root, "ggml", "include"),
            "layout.c", "-o", "layout");
        string[] actual = LlamaHeader.Run(Path.Combine(dir, "layout"), dir).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expected, actual);
    }

    private static int InMemorySize(Type t) =>
        (int)typeof(System.Runtime.CompilerServices.Unsafe).GetMethod(nameof(System.Runtime.CompilerServices.Unsafe.SizeOf))!
            .MakeGenericMethod(t).Invoke(null, null)!;

    private static int FieldSize(Type t) =>
        t.IsPointer || t.IsFunctionPointer || t == typeof(IntPtr) || t == typeof(nuint) ? IntPtr.Size
        : t == typeof(bool) ? 1
        : Marshal.SizeOf(t);
}
