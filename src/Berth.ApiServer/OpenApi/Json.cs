using System.Text.Json.Nodes;

namespace Berth.ApiServer.OpenApi;

/// <summary>Small builders for the JSON trees of OpenAPI documents.</summary>
internal static class Json
{
    /// <summary>An object with the non-null entries, keys sorted ordinally as kube-apiserver's output is.</summary>
    public static JsonObject Obj(params (string Key, JsonNode? Value)[] entries)
    {
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var o = new JsonObject();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                o[key] = value;
            }
        }
        return o;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var a = new JsonArray();
        foreach (var v in values)
        {
            a.Add(JsonValue.Create(v));
        }
        return a;
    }

    public static JsonObject Gvk(string group, string version, string kind) =>
        Obj(("group", group), ("kind", kind), ("version", version));

    /// <summary>Re-inserts the keys of <paramref name="o"/> in ordinal order (after entries were added out of order).</summary>
    public static void SortKeys(JsonObject o)
    {
        if (o.Count < 2)
        {
            return;
        }
        var entries = o.ToList();
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        o.Clear();
        foreach (var (key, value) in entries)
        {
            o[key] = value;
        }
    }
}
