using System.Text;
using System.Text.Json;
using PyStream.Sql.Types;

namespace PyStream.Sql.Formats;

/// <summary>
/// A row format of the file and Kafka connectors (Flink's 'json', 'csv', 'raw'): one text
/// record to the values of the given fields, and back.
/// </summary>
public abstract class RowFormat(IReadOnlyList<SqlField> fields)
{
    public IReadOnlyList<SqlField> Fields => fields;

    public abstract object?[] Decode(string text);

    public abstract string Encode(object?[] values);

    public static readonly IReadOnlyList<string> Names = ["csv", "json", "raw"];

    public static RowFormat Create(string name, IReadOnlyList<SqlField> fields, IReadOnlyDictionary<string, string> options, string prefix) => name switch
    {
        "json" => new JsonFormat(fields, options.GetValueOrDefault(prefix + "json.ignore-parse-errors") == "true"),
        "csv" => new CsvFormat(fields, options.GetValueOrDefault(prefix + "csv.field-delimiter", ",") is { Length: 1 } d ? d[0] : ',',
            options.GetValueOrDefault(prefix + "csv.null-literal", ""), options.GetValueOrDefault(prefix + "csv.ignore-parse-errors") == "true"),
        "raw" when fields.Count == 1 && fields[0].Type.IsCharacter => new RawFormat(fields),
        "raw" => throw new SqlValidationException("The 'raw' format supports exactly one STRING column"),
        _ => throw new SqlValidationException($"Could not find any format factory for identifier '{name}'. Available factory identifiers are: {string.Join(", ", Names)}"),
    };
}

internal sealed class RawFormat(IReadOnlyList<SqlField> fields) : RowFormat(fields)
{
    public override object?[] Decode(string text) => [text];

    public override string Encode(object?[] values) => values[0] as string ?? "";
}

/// <summary>Flink's 'json' format: an object per record, fields by name; missing fields are NULL.</summary>
internal sealed class JsonFormat(IReadOnlyList<SqlField> fields, bool ignoreParseErrors) : RowFormat(fields)
{
    public override object?[] Decode(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("the record is not a JSON object");
            return Fields.Select(f => document.RootElement.TryGetProperty(f.Name, out var value) ? Read(value, f.Type) : null).ToArray();
        }
        catch (Exception error) when (error is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            if (ignoreParseErrors)
                return new object?[Fields.Count];
            throw new SqlRuntimeException($"Failed to deserialize JSON '{Shorten(text)}': {error.Message} (set 'json.ignore-parse-errors' = 'true' to skip such records)");
        }
    }

    private static object? Read(JsonElement value, SqlType type)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object when type.Kind == SqlTypeKind.Row:
                return type.Fields.Select(f => value.TryGetProperty(f.Name, out var v) ? Read(v, f.Type) : null).ToArray();
            case JsonValueKind.Array when type.Kind is SqlTypeKind.Array or SqlTypeKind.Multiset:
                return value.EnumerateArray().Select(v => Read(v, type.Element!)).ToArray();
            case JsonValueKind.Object when type.Kind == SqlTypeKind.Map:
                return value.EnumerateObject().ToDictionary(p => (object)p.Name, p => Read(p.Value, type.Value!));
            case JsonValueKind.String:
                return TextValues.Parse(value.GetString()!, type);
            case JsonValueKind.True or JsonValueKind.False when type.IsCharacter:
                return value.GetBoolean() ? "true" : "false";
            case JsonValueKind.True or JsonValueKind.False:
                return type.Kind == SqlTypeKind.Boolean ? value.GetBoolean() : throw new FormatException($"a boolean for a {type} field");
            default:
                return type.IsCharacter ? value.GetRawText() : TextValues.Parse(value.GetRawText(), type);
        }
    }

    public override string Encode(object?[] values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            for (var i = 0; i < Fields.Count; i++)
            {
                writer.WritePropertyName(Fields[i].Name);
                Write(writer, values[i], Fields[i].Type);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value, SqlType type)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case double d when !double.IsFinite(d):
                writer.WriteStringValue(TextValues.Format(value, type)); // JSON has no NaN or Infinity: Jackson writes them as strings
                break;
            case float f when !float.IsFinite(f):
                writer.WriteStringValue(TextValues.Format(value, type));
                break;
            case sbyte or short or int or long or decimal or float or double when type.IsNumeric:
                writer.WriteRawValue(TextValues.Format(value, type));
                break;
            case object?[] items when type.Kind == SqlTypeKind.Row:
                writer.WriteStartObject();
                for (var f = 0; f < items.Length; f++)
                {
                    writer.WritePropertyName(type.Fields[f].Name);
                    Write(writer, items[f], type.Fields[f].Type);
                }

                writer.WriteEndObject();
                break;
            case object?[] items:
                writer.WriteStartArray();
                foreach (var item in items)
                    Write(writer, item, type.Element!);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(TextValues.Format(value, type));
                break;
        }
    }

    internal static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}

/// <summary>Flink's 'csv' format: fields in column order; quoted with '"' when they contain the delimiter, a quote or a line break.</summary>
internal sealed class CsvFormat(IReadOnlyList<SqlField> fields, char delimiter, string nullLiteral, bool ignoreParseErrors) : RowFormat(fields)
{
    public override object?[] Decode(string text)
    {
        var parts = Split(text);
        try
        {
            if (parts.Count != Fields.Count)
                throw new FormatException($"{parts.Count} fields for {Fields.Count} columns");
            return Fields.Select((f, i) => parts[i] is var (value, quoted) && !quoted && (value == nullLiteral || (value.Length == 0 && !f.Type.IsCharacter))
                ? null
                : TextValues.Parse(value, f.Type)).ToArray();
        }
        catch (Exception error) when (error is FormatException or OverflowException)
        {
            if (ignoreParseErrors)
                return new object?[Fields.Count];
            throw new SqlRuntimeException($"Failed to deserialize CSV row '{JsonFormat.Shorten(text)}': {error.Message} (set 'csv.ignore-parse-errors' = 'true' to skip such rows)");
        }
    }

    private List<(string Value, bool Quoted)> Split(string text)
    {
        var parts = new List<(string, bool)>();
        var current = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"' && current.Length == 0)
            {
                quoted = wasQuoted = true;
            }
            else if (c == delimiter)
            {
                parts.Add((current.ToString(), wasQuoted));
                current.Clear();
                wasQuoted = false;
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add((current.ToString(), wasQuoted));
        return parts;
    }

    public override string Encode(object?[] values) =>
        string.Join(delimiter, values.Select((v, i) => v is null ? nullLiteral : Quote(TextValues.Format(v, Fields[i].Type))));

    private string Quote(string value) =>
        value.IndexOfAny([delimiter, '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
