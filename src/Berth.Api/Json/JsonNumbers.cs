using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Json;

/// <summary>
/// Reads numbers from JSON nodes whatever their backing: parsed (JsonElement) or created in code from
/// int, long or double. <c>JsonValue.GetValue&lt;long&gt;()</c> throws on a node created from an int; these don't.
/// </summary>
public static class JsonNumbers
{
    /// <summary>The integer value, or null when absent or not an integral number.</summary>
    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue v)
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
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out l))
        {
            return l;
        }
        if (v.TryGetValue<double>(out var d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            return (long)d;
        }
        if (v.TryGetValue<uint>(out var u))
        {
            return u;
        }
        if (v.TryGetValue<short>(out var s))
        {
            return s;
        }
        return null;
    }

    /// <summary>The value as an int, or null when absent, not integral or out of range.</summary>
    public static int? Int(JsonNode? node) => Long(node) is long l && l >= int.MinValue && l <= int.MaxValue ? (int)l : null;
}
