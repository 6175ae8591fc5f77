using AnomalyProbe.Analysis.Tokenizers;

namespace AnomalyProbe.Probe.Tokenizers;

/// <summary>
/// The built-in corpus <c>tokenizer compare</c> tokenizes with both vocabularies: English prose,
/// code in several languages, the first sentence of the Universal Declaration of Human Rights in
/// fourteen languages and scripts (Latin with diacritics, Cyrillic, Greek, Hebrew, Arabic,
/// Devanagari, Thai, Chinese, Japanese, Korean), and emoji (plain, skin tones, flags, keycaps,
/// ZWJ sequences). Emoji are written as escapes so the source file's encoding cannot alter them.
/// </summary>
public static class CorpusSample
{
    /// <summary>What the summary calls this corpus.</summary>
    public const string Source = "the built-in sample";

    /// <summary>The texts, grouped by kind: english, code, multilingual, emoji.</summary>
    public static IReadOnlyList<CorpusText> Texts { get; } =
    [
        new("english", "pangrams", "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs."),
        new("english", "history", "In 1969, Apollo 11 landed on the Moon; Neil Armstrong's first words were heard by about 600 million people."),
        new("english", "dialogue", "She said, \"Don't worry \u2014 we'll be there by 7:30 p.m.\" He wasn't so sure: the roads were icy, and the car's tyres were worn."),
        new("english", "numbers", "Invoice #2024-0042: 1,234.56 EUR due 2024-03-15; pi is 3.14159, 0x7FFF_FFFF is 2147483647, and 50% off means half price."),
        new("english", "glitch", "SolidGoldMagikarp, petertodd and davidjl are famous glitch tokens: strings a language model can barely repeat back."),
        new("english", "letter", "Dear team,\n\nThe meeting has moved to Thursday at 10:00.\n\nBest regards,\nAlex"),

        new("code", "csharp", "public static int Sum(IEnumerable<int> values)\n{\n    int total = 0;\n    foreach (var v in values) total += v;\n    return total;\n}\n"),
        new("code", "python", "def fibonacci(n: int) -> list[int]:\n    \"\"\"Return the first n Fibonacci numbers.\"\"\"\n    a, b = 0, 1\n    out = []\n    for _ in range(n):\n        out.append(a)\n        a, b = b, a + b\n    return out\n"),
        new("code", "javascript", "const fetchUser = async (id) => {\n  const res = await fetch(`/api/users/${id}`);\n  if (!res.ok) throw new Error(`HTTP ${res.status}`);\n  return res.json();\n};\n"),
        new("code", "rust", "fn main() {\n    let words: Vec<&str> = \"a b c\".split_whitespace().collect();\n    println!(\"{} words: {:?}\", words.len(), words);\n}\n"),
        new("code", "sql", "SELECT u.name, COUNT(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\nWHERE u.created_at >= '2024-01-01'\nGROUP BY u.name\nORDER BY orders DESC;\n"),
        new("code", "html-json", "<div class=\"card\"><a href=\"https://example.com/?q=1&amp;lang=en\">Link</a></div>\n{\"name\": \"AnomalyProbe\", \"tags\": [\"llm\", \"tokenizer\"], \"stars\": 42, \"ok\": true}\n"),
        new("code", "shell", "for f in *.gguf; do\n\tsha256sum \"$f\" | tee -a checksums.txt\ndone\n"),

        new("multilingual", "german", "Die W\u00fcrde des Menschen ist unantastbar. Sie zu achten und zu sch\u00fctzen ist Verpflichtung aller staatlichen Gewalt."),
        new("multilingual", "french", "Tous les \u00eatres humains naissent libres et \u00e9gaux en dignit\u00e9 et en droits."),
        new("multilingual", "spanish", "Todos los seres humanos nacen libres e iguales en dignidad y derechos."),
        new("multilingual", "turkish", "B\u00fct\u00fcn insanlar h\u00fcr, haysiyet ve haklar bak\u0131m\u0131ndan e\u015fit do\u011farlar."),
        new("multilingual", "vietnamese", "T\u1ea5t c\u1ea3 m\u1ecdi ng\u01b0\u1eddi sinh ra \u0111\u1ec1u \u0111\u01b0\u1ee3c t\u1ef1 do v\u00e0 b\u00ecnh \u0111\u1eb3ng v\u1ec1 nh\u00e2n ph\u1ea9m v\u00e0 quy\u1ec1n l\u1ee3i."),
        new("multilingual", "russian", "\u0412\u0441\u0435 \u043b\u044e\u0434\u0438 \u0440\u043e\u0436\u0434\u0430\u044e\u0442\u0441\u044f \u0441\u0432\u043e\u0431\u043e\u0434\u043d\u044b\u043c\u0438 \u0438 \u0440\u0430\u0432\u043d\u044b\u043c\u0438 \u0432 \u0441\u0432\u043e\u0451\u043c \u0434\u043e\u0441\u0442\u043e\u0438\u043d\u0441\u0442\u0432\u0435 \u0438 \u043f\u0440\u0430\u0432\u0430\u0445."),
        new("multilingual", "greek", "\u038c\u03bb\u03bf\u03b9 \u03bf\u03b9 \u03ac\u03bd\u03b8\u03c1\u03c9\u03c0\u03bf\u03b9 \u03b3\u03b5\u03bd\u03bd\u03b9\u03bf\u03cd\u03bd\u03c4\u03b1\u03b9 \u03b5\u03bb\u03b5\u03cd\u03b8\u03b5\u03c1\u03bf\u03b9 \u03ba\u03b1\u03b9 \u03af\u03c3\u03bf\u03b9 \u03c3\u03c4\u03b7\u03bd \u03b1\u03be\u03b9\u03bf\u03c0\u03c1\u03ad\u03c0\u03b5\u03b9\u03b1 \u03ba\u03b1\u03b9 \u03c4\u03b1 \u03b4\u03b9\u03ba\u03b1\u03b9\u03ce\u03bc\u03b1\u03c4\u03b1."),
        new("multilingual", "hebrew", "\u05db\u05dc \u05d1\u05e0\u05d9 \u05d4\u05d0\u05d3\u05dd \u05e0\u05d5\u05dc\u05d3\u05d5 \u05d1\u05e0\u05d9 \u05d7\u05d5\u05e8\u05d9\u05df \u05d5\u05e9\u05d5\u05d5\u05d9\u05dd \u05d1\u05e2\u05e8\u05db\u05dd \u05d5\u05d1\u05d6\u05db\u05d5\u05d9\u05d5\u05ea\u05d9\u05d4\u05dd."),
        new("multilingual", "arabic", "\u064a\u0648\u0644\u062f \u062c\u0645\u064a\u0639 \u0627\u0644\u0646\u0627\u0633 \u0623\u062d\u0631\u0627\u0631\u064b\u0627 \u0645\u062a\u0633\u0627\u0648\u064a\u0646 \u0641\u064a \u0627\u0644\u0643\u0631\u0627\u0645\u0629 \u0648\u0627\u0644\u062d\u0642\u0648\u0642."),
        new("multilingual", "hindi", "\u0938\u092d\u0940 \u092e\u0928\u0941\u0937\u094d\u092f\u094b\u0902 \u0915\u094b \u0917\u094c\u0930\u0935 \u0914\u0930 \u0905\u0927\u093f\u0915\u093e\u0930\u094b\u0902 \u0915\u0947 \u092e\u093e\u092e\u0932\u0947 \u092e\u0947\u0902 \u091c\u0928\u094d\u092e\u091c\u093e\u0924 \u0938\u094d\u0935\u0924\u0928\u094d\u0924\u094d\u0930\u0924\u093e \u0914\u0930 \u0938\u092e\u093e\u0928\u0924\u093e \u092a\u094d\u0930\u093e\u092a\u094d\u0924 \u0939\u0948\u0964"),
        new("multilingual", "thai", "\u0e21\u0e19\u0e38\u0e29\u0e22\u0e4c\u0e17\u0e31\u0e49\u0e07\u0e2b\u0e25\u0e32\u0e22\u0e40\u0e01\u0e34\u0e14\u0e21\u0e32\u0e21\u0e35\u0e2d\u0e34\u0e2a\u0e23\u0e30\u0e41\u0e25\u0e30\u0e40\u0e2a\u0e21\u0e2d\u0e20\u0e32\u0e04\u0e01\u0e31\u0e19\u0e43\u0e19\u0e40\u0e01\u0e35\u0e22\u0e23\u0e15\u0e34\u0e28\u0e31\u0e01\u0e14\u0e34\u0e4c\u0e41\u0e25\u0e30\u0e2a\u0e34\u0e17\u0e18\u0e34"),
        new("multilingual", "chinese", "\u4eba\u4eba\u751f\u800c\u81ea\u7531\uff0c\u5728\u5c0a\u4e25\u548c\u6743\u5229\u4e0a\u4e00\u5f8b\u5e73\u7b49\u3002"),
        new("multilingual", "japanese", "\u3059\u3079\u3066\u306e\u4eba\u9593\u306f\u3001\u751f\u307e\u308c\u306a\u304c\u3089\u306b\u3057\u3066\u81ea\u7531\u3067\u3042\u308a\u3001\u304b\u3064\u3001\u5c0a\u53b3\u3068\u6a29\u5229\u3068\u306b\u3064\u3044\u3066\u5e73\u7b49\u3067\u3042\u308b\u3002"),
        new("multilingual", "korean", "\ubaa8\ub4e0 \uc778\uac04\uc740 \ud0dc\uc5b4\ub0a0 \ub54c\ubd80\ud130 \uc790\uc720\ub85c\uc6b0\uba70 \uadf8 \uc874\uc5c4\uacfc \uad8c\ub9ac\uc5d0 \uc788\uc5b4 \ub3d9\ub4f1\ud558\ub2e4."),

        new("emoji", "plain", "Great job! \U0001F389\U0001F44D\U0001F600 See you soon \U0001F642"),
        new("emoji", "zwj", "Family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466, coder \U0001F469\U0001F3FD\u200D\U0001F4BB, rainbow flag \U0001F3F3\uFE0F\u200D\U0001F308, heart on fire \u2764\uFE0F\u200D\U0001F525"),
        new("emoji", "flags-keycaps", "Flags \U0001F1EF\U0001F1F5 \U0001F1EB\U0001F1F7 \U0001F1E7\U0001F1F7, keycaps 1\uFE0F\u20E3 #\uFE0F\u20E3, waves \U0001F44B\U0001F3FB\U0001F44B\U0001F3FF"),
        new("emoji", "mixed", "Ok \U0001F44C \u2014 \u65e5\u672c\u8a9e with sushi \U0001F363 and math \u2211 x\u00b2 \u2264 \u221e"),
    ];
}
