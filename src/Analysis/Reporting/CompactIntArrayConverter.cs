using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnomalyProbe.Analysis.Reporting;

/// <summary>Writes an int array on one line even in indented JSON (a template's token ids would otherwise take one line each).</summary>
internal sealed class CompactIntArrayConverter : JsonConverter<int[]>
{
    public override int[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of integers");
        var values = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : throw new JsonException("expected an integer"));
        }
        return [.. values];
    }

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(",", value) + "]", skipInputValidation: true);
}
