using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>
/// Null-tolerant reads of Kubernetes JSON. A missing field, a JSON null and a value of the wrong kind all read
/// as absent, so a malformed stored object prints placeholders instead of failing the whole list.
/// </summary>
internal static class Fields
{
    public static JsonObject? Obj(JsonObject? o, string name) => o?[name] as JsonObject;

    public static JsonArray? Arr(JsonObject? o, string name) => o?[name] as JsonArray;

    /// <summary>The string at <paramref name="name"/>, or null when absent or not a string.</summary>
    public static string? Str(JsonObject? o, string name) => Str(o?[name]);

    public static string? Str(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The string at <paramref name="name"/>, or "" when absent (Go's zero value).</summary>
    public static string S(JsonObject? o, string name) => Str(o, name) ?? "";

    public static long? Long(JsonObject? o, string name) => Long(o?[name]);

    public static long? Long(JsonNode? n)
    {
        if (n is not JsonValue v)
        {
            return null;
        }
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (v.TryGetValue<double>(out var d) && !double.IsNaN(d) && !double.IsInfinity(d))
        {
            return (long)d;
        }
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number)
        {
            return e.TryGetInt64(out var el) ? el : (long)e.GetDouble();
        }
        return null;
    }

    /// <summary>The integer at <paramref name="name"/>, or 0 when absent (Go's zero value).</summary>
    public static long L(JsonObject? o, string name) => Long(o, name) ?? 0;

    public static bool? Bool(JsonObject? o, string name) => Bool(o?[name]);

    public static bool? Bool(JsonNode? n) => n is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        }
        : null;

    /// <summary>Number of members of an object or elements of an array at <paramref name="name"/>.</summary>
    public static int Count(JsonObject? o, string name) => o?[name] switch
    {
        JsonObject obj => obj.Count,
        JsonArray arr => arr.Count,
        _ => 0,
    };

    /// <summary>
    /// A <c>metav1.Time</c> / <c>MicroTime</c>: RFC 3339 with optional fraction. Null when absent, unparsable
    /// or Go's zero time, all of which kube prints as <c>&lt;unknown&gt;</c>.
    /// </summary>
    public static DateTimeOffset? Time(JsonObject? o, string name) => Time(Str(o, name));

    public static DateTimeOffset? Time(string? s)
    {
        if (string.IsNullOrEmpty(s)
            || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            || t.Year <= 1)
        {
            return null;
        }
        return t;
    }

    /// <summary>Reads <c>metadata.name</c>.</summary>
    public static string Name(JsonObject obj) => S(Obj(obj, "metadata"), "name");

    /// <summary>An int-or-string (<c>intstr.IntOrString</c>) as Go's <c>String()</c> prints it, or null when absent.</summary>
    public static string? IntOrString(JsonObject? o, string name)
    {
        var n = o?[name];
        if (n is not JsonValue v)
        {
            return null;
        }
        return v.GetValueKind() == JsonValueKind.String ? Str(v) : Long(v)?.ToString(CultureInfo.InvariantCulture);
    }
}
