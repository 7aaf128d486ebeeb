using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Validation;

/// <summary>
/// Typed reads and defaulting writes on the JSON form of an object. Strategies work on JSON rather than
/// on <c>k8s.Models</c> types so that nothing is lost or reformatted on the way through (int-or-string
/// kinds, MicroTime precision, fields the client library does not know) and no object is re-serialized.
/// A value of the wrong JSON type reads as absent; decoding has already rejected such input.
/// </summary>
internal static class JsonAccess
{
    public static JsonObject? Obj(this JsonObject? o, string name) => o?[name] as JsonObject;

    public static JsonArray? Arr(this JsonObject? o, string name) => o?[name] as JsonArray;

    public static string? Str(this JsonObject? o, string name) => AsString(o?[name]);

    /// <summary>The string, or "" when absent (Go's zero value).</summary>
    public static string S(this JsonObject? o, string name) => AsString(o?[name]) ?? "";

    public static long? Int(this JsonObject? o, string name) => AsLong(o?[name]);

    public static bool? Bool(this JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>True when the field is present and not null.</summary>
    public static bool Has(this JsonObject? o, string name) => o is not null && o.TryGetPropertyValue(name, out var v) && v is not null;

    public static string? AsString(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? AsLong(JsonNode? n)
    {
        if (n is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        // A node may wrap a JsonElement or any CLR number; TryGetValue only converts within the same type.
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }
        var d = AsDecimal(v);
        return d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;
    }

    /// <summary>A JSON number's value, whatever CLR type the node wraps (0 when unparsable).</summary>
    public static decimal AsDecimal(JsonValue v) =>
        decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 0;

    /// <summary>The elements of an array that are objects, with their index.</summary>
    public static int Count(this JsonArray? a) => a?.Count ?? 0;

    public static JsonObject? At(this JsonArray? a, int i) => a?[i] as JsonObject;

    /// <summary>String items of a string array (non-strings read as "").</summary>
    public static List<string> Strings(this JsonArray? a)
    {
        var list = new List<string>(a?.Count ?? 0);
        if (a is not null)
        {
            foreach (var n in a)
            {
                list.Add(AsString(n) ?? "");
            }
        }
        return list;
    }

    /// <summary>A map of strings (labels, selector, data); non-string values are skipped.</summary>
    public static Dictionary<string, string> StringMap(this JsonObject? o, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o?[name] is JsonObject m)
        {
            foreach (var (k, v) in m)
            {
                if (AsString(v) is { } s)
                {
                    map[k] = s;
                }
            }
        }
        return map;
    }

    /// <summary>The object at <paramref name="name"/>, created when missing or null.</summary>
    public static JsonObject Ensure(this JsonObject o, string name)
    {
        if (o[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        o[name] = created;
        return created;
    }

    /// <summary>Sets the field when it is absent, null or an empty string (Go's zero value for strings).</summary>
    public static void Default(this JsonObject o, string name, string value)
    {
        var cur = o[name];
        if (cur is null || (AsString(cur) is { Length: 0 }))
        {
            o[name] = value;
        }
    }

    /// <summary>Sets the field when it is absent, null or zero (Go's zero value for numbers).</summary>
    public static void DefaultInt(this JsonObject o, string name, long value)
    {
        var cur = o[name];
        if (cur is null || AsLong(cur) == 0)
        {
            o[name] = value;
        }
    }

    /// <summary>Sets a pointer field when it is absent or null.</summary>
    public static void DefaultPtr(this JsonObject o, string name, JsonNode value)
    {
        if (o[name] is null)
        {
            o[name] = value;
        }
    }

    /// <summary>
    /// apiequality.Semantic.DeepEqual on JSON: absent, null and empty (string, number 0, false, empty
    /// list or object) are equal, as a Go zero value and an omitted field are.
    /// </summary>
    public static bool SemanticEquals(JsonNode? a, JsonNode? b)
    {
        if (IsZero(a))
        {
            return IsZero(b);
        }
        if (IsZero(b))
        {
            return false;
        }
        switch (a)
        {
            case JsonObject oa when b is JsonObject ob:
                foreach (var (k, v) in oa)
                {
                    if (!SemanticEquals(v, ob[k]))
                    {
                        return false;
                    }
                }
                foreach (var (k, v) in ob)
                {
                    if (!oa.ContainsKey(k) && !IsZero(v))
                    {
                        return false;
                    }
                }
                return true;
            case JsonArray aa when b is JsonArray ab:
                if (aa.Count != ab.Count)
                {
                    return false;
                }
                for (var i = 0; i < aa.Count; i++)
                {
                    if (!SemanticEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValue va when b is JsonValue vb:
                if (va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
                {
                    return AsDecimal(va) == AsDecimal(vb);
                }
                return JsonNode.DeepEquals(va, vb);
            default:
                return false;
        }
    }

    private static bool IsZero(JsonNode? n) => n switch
    {
        null => true,
        JsonObject o => o.Count == 0 || o.All(kv => IsZero(kv.Value)),
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.Number => AsDecimal(v) == 0,
            JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        },
        _ => false,
    };
}
