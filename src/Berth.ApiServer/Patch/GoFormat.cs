using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Patch;

/// <summary>
/// Renders JSON values the way Go's <c>fmt</c> prints the decoded <c>interface{}</c> values, so that error
/// messages read like kube-apiserver's (<c>map: map[image:b] does not contain declared merge key: name</c>).
/// </summary>
internal static class GoFormat
{
    /// <summary>Go's <c>%v</c>: <c>map[k:v k2:v2]</c> with sorted keys, <c>[a b]</c>, <c>&lt;nil&gt;</c>.</summary>
    public static string Value(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case null:
                sb.Append("<nil>");
                break;
            case JsonObject o:
                sb.Append("map[");
                var first = true;
                foreach (var p in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }
                    first = false;
                    sb.Append(p.Key).Append(':');
                    Append(sb, p.Value);
                }
                sb.Append(']');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(' ');
                    }
                    Append(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                sb.Append(Scalar(node.AsValue()));
                break;
        }
    }

    private static string Scalar(JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return v.GetValue<string>();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                if (PatchJson.IsInteger(v, out var l))
                {
                    return l.ToString(CultureInfo.InvariantCulture);
                }
                var text = v.ToJsonString();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    return text;
                }
                var abs = Math.Abs(d);
                if (abs != 0 && (abs < 1e-4 || abs >= 1e21))
                {
                    // Go: 1e+21, 1.5e-05.
                    var e = d.ToString("0.################e+00", CultureInfo.InvariantCulture);
                    return e;
                }
                return d.ToString("0.#################", CultureInfo.InvariantCulture);
            default:
                return "<nil>";
        }
    }

    /// <summary>Go's <c>%s</c> of a value that should have been a string (a <c>$patch</c> directive).</summary>
    public static string AsString(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        null => "%!s(<nil>)",
        _ => "%!s(" + TypeName(node) + "=" + Value(node) + ")",
    };

    /// <summary>The Go type of the decoded value, as <c>reflect.TypeOf</c> prints it.</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "%!s(<nil>)",
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        _ => node.AsValue().GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => PatchJson.IsInteger(node.AsValue(), out _) ? "int64" : "float64",
            _ => "%!s(<nil>)",
        },
    };

    /// <summary>The Go <c>reflect.Kind</c> of the decoded value (<c>map</c>, <c>slice</c>, <c>string</c>, …).</summary>
    public static string Kind(JsonNode? node) => node switch
    {
        null => "invalid",
        JsonObject => "map",
        JsonArray => "slice",
        _ => TypeName(node),
    };

    /// <summary>The JSON kind as Go's decoder names it in "json: cannot unmarshal X into Go value of type …".</summary>
    public static string JsonKind(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => node.AsValue().GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        },
    };

    /// <summary>Go's <c>strconv.Quote</c>: double quotes, escapes for quotes, backslashes and control characters.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f)
                    {
                        sb.Append("\\x").Append(r.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
                        or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
                    {
                        sb.Append(r.Value > 0xffff
                            ? "\\U" + r.Value.ToString("x8", CultureInfo.InvariantCulture)
                            : "\\u" + r.Value.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(r.ToString());
                    }
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }
}
