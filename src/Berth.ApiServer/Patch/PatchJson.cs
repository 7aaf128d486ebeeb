using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Patch;

/// <summary>JSON helpers shared by the three patch forms: bounded parsing, depth, canonical keys.</summary>
internal static class PatchJson
{
    /// <summary>
    /// Parses untrusted UTF-8 JSON into fully materialized nodes. Nesting beyond <see cref="PatchLimits.MaxDepth"/>
    /// and trailing content fail with <see cref="JsonException"/>. A repeated object key keeps its last value,
    /// as Go's decoder does (System.Text.Json's own <c>JsonNode.Parse</c> throws on first access instead).
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = PatchLimits.MaxDepth });
        var root = JsonElement.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("invalid character after top-level value");
        }
        return FromElement(root);
    }

    private static JsonNode? FromElement(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var o = new JsonObject();
                foreach (var p in e.EnumerateObject())
                {
                    o[p.Name] = FromElement(p.Value);
                }
                return o;
            case JsonValueKind.Array:
                var a = new JsonArray();
                foreach (var item in e.EnumerateArray())
                {
                    a.Add(FromElement(item));
                }
                return a;
            case JsonValueKind.String:
                return JsonValue.Create(e.GetString());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            case JsonValueKind.Number:
                // Keeps the number's text: no precision is lost on large integers or long decimals.
                return JsonValue.Create(e);
            default:
                return null;
        }
    }

    /// <summary>Nesting depth: 0 for scalars and null, 1 + the deepest child for objects and arrays.</summary>
    public static int Depth(JsonNode? node)
    {
        if (node is not (JsonObject or JsonArray))
        {
            return 0;
        }
        // Iterative, so that a caller-built tree deeper than the limit is measured without recursion.
        var max = 0;
        var stack = new Stack<(JsonNode Node, int Depth)>();
        stack.Push((node, 1));
        while (stack.Count > 0)
        {
            var (n, d) = stack.Pop();
            max = Math.Max(max, d);
            var children = n is JsonObject o ? o.Select(p => p.Value) : ((JsonArray)n);
            foreach (var c in children)
            {
                if (c is JsonObject or JsonArray)
                {
                    stack.Push((c, d + 1));
                }
            }
        }
        return max;
    }

    /// <summary>Compact UTF-8 size of a value, used to price JSON patch <c>copy</c>.</summary>
    public static long SerializedSize(JsonNode? node)
    {
        if (node is null)
        {
            return 4;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = PatchLimits.MaxDepth * 2 }))
        {
            node.WriteTo(writer);
        }
        return buffer.WrittenCount;
    }

    /// <summary>
    /// A string that is equal for equal JSON values: strings, numbers (numerically: <c>80</c> and <c>80.0</c>
    /// match), booleans, null, and objects and arrays by canonical content. Used for merge keys and sets.
    /// </summary>
    public static string Key(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "z";
            case JsonObject or JsonArray:
                var sb = new StringBuilder("j");
                AppendCanonical(sb, node);
                return sb.ToString();
            default:
                var v = node.AsValue();
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => "s" + v.GetValue<string>(),
                    JsonValueKind.True => "t",
                    JsonValueKind.False => "f",
                    JsonValueKind.Number => "n" + NormalizeNumber(v.ToJsonString()),
                    _ => "z",
                };
        }
    }

    private static void AppendCanonical(StringBuilder sb, JsonNode? node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                foreach (var p in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append(JsonSerializer.Serialize(p.Key)).Append(':');
                    AppendCanonical(sb, p.Value);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                foreach (var item in a)
                {
                    AppendCanonical(sb, item);
                    sb.Append(',');
                }
                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                var v = node.AsValue();
                sb.Append(v.GetValueKind() == JsonValueKind.Number ? NormalizeNumber(v.ToJsonString()) : v.ToJsonString());
                break;
        }
    }

    private static string NormalizeNumber(string text)
    {
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            // Dividing by 1.000… strips trailing zeros, so 80, 80.0 and 8e1 share one form.
            return (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            ? f.ToString("R", CultureInfo.InvariantCulture)
            : text;
    }

    /// <summary>True for a JSON number without fraction or exponent that fits in 64 bits (Go decodes it as int64).</summary>
    public static bool IsInteger(JsonValue v, out long value) =>
        long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
