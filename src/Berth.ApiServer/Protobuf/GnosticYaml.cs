using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Berth.ApiServer.Protobuf;

/// <summary>
/// Block-style YAML for one JSON value, as gnostic stores vendor extensions and defaults (<c>Any.yaml</c>): clients
/// (kube-openapi's proto models in kubectl) read it back with a YAML parser, so what matters is that it parses to the
/// same value. Strings are written plain when no YAML reading could mistake them, double-quoted otherwise.
/// </summary>
internal static partial class GnosticYaml
{
    private static readonly JsonSerializerOptions QuotedString = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode? value)
    {
        var sb = new StringBuilder();
        if (IsBlock(value))
        {
            Block(value!, 0, sb);
        }
        else
        {
            sb.Append(Scalar(value)).Append('\n');
        }
        return sb.ToString();
    }

    private static bool IsBlock(JsonNode? n) => n is JsonObject { Count: > 0 } or JsonArray { Count: > 0 };

    private static void Block(JsonNode node, int indent, StringBuilder sb)
    {
        var pad = new string(' ', indent);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                sb.Append(pad).Append(Str(key)).Append(':');
                if (IsBlock(value))
                {
                    sb.Append('\n');
                    Block(value!, indent + 2, sb);
                }
                else
                {
                    sb.Append(' ').Append(Scalar(value)).Append('\n');
                }
            }
            return;
        }
        foreach (var item in (JsonArray)node)
        {
            if (IsBlock(item))
            {
                // The item's block at indent+2, with its first line's indentation replaced by "- ".
                var start = sb.Length;
                Block(item!, indent + 2, sb);
                sb.Remove(start, indent + 2).Insert(start, pad + "- ");
            }
            else
            {
                sb.Append(pad).Append("- ").Append(Scalar(item)).Append('\n');
            }
        }
    }

    private static string Scalar(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Str(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        // Numbers as their JSON text: valid YAML ints and floats.
        _ => n.ToJsonString(),
    };

    private static string Str(string s) =>
        Plain().IsMatch(s) && !Reserved.Contains(s) && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? s
            : JsonSerializer.Serialize(s, QuotedString);

    // Words YAML 1.1 or 1.2 resolves to booleans or null.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", ".nan",
    };

    // Starts with a letter or one of _ / . and holds no character that is special anywhere in a plain scalar.
    [GeneratedRegex(@"^[A-Za-z_/.][A-Za-z0-9_./+=(),\-]*( [A-Za-z0-9_./+=(),\-]+)*$")]
    private static partial Regex Plain();
}
