using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Validation;

/// <summary>
/// Renders values the way Go renders them in kube-apiserver's field errors: <c>%q</c> for strings,
/// <c>json.Marshal</c> for everything else (HTML-safe escapes, sorted map keys).
/// </summary>
internal static class GoValues
{
    /// <summary>Go's <c>strconv.Quote</c>.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (v < 0x20 || v == 0x7f)
                    {
                        sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (v > 0x7f && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    {
                        sb.Append(v > 0xffff ? "\\U" + v.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + v.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>A JSON node as Go's encoder writes it; objects keep their order unless <paramref name="sortKeys"/>.</summary>
    public static RawJson Json(JsonNode? node, bool sortKeys = false)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys);
        return new RawJson(sb.ToString());
    }

    /// <summary>A map (labels, selectors, resource lists): Go marshals maps with sorted keys.</summary>
    public static RawJson Map(JsonNode? node) => Json(node, sortKeys: true);

    public static RawJson StringList(IEnumerable<string> items)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var s in items)
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            WriteString(sb, s);
        }
        return new RawJson(sb.Append(']').ToString());
    }

    private static void Write(StringBuilder sb, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                IEnumerable<KeyValuePair<string, JsonNode?>> props = sortKeys
                    ? o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    : o;
                var first = true;
                foreach (var (k, v) in props)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WriteString(sb, k);
                    sb.Append(':');
                    Write(sb, v, sortKeys);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, a[i], sortKeys);
                }
                sb.Append(']');
                break;
            case JsonValue v:
                if (v.GetValueKind() == JsonValueKind.String)
                {
                    WriteString(sb, v.GetValue<string>());
                }
                else
                {
                    sb.Append(v.ToJsonString());
                }
                break;
        }
    }

    /// <summary>A JSON string with Go's HTML-safe escaping.</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<': sb.Append("\\u003c"); break;
                case '>': sb.Append("\\u003e"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
