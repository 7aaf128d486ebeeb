using System.Text.Json.Nodes;

namespace Berth.Api.Objects;

/// <summary>
/// Reads and writes the common fields of an object held as a <see cref="JsonObject"/>:
/// <c>apiVersion</c>, <c>kind</c> and <c>metadata.*</c>. Works for built-in and custom resources alike.
/// </summary>
public static class ObjectMeta
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }
        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? GetString(JsonObject? obj, string name) =>
        obj?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string? ApiVersion(JsonObject obj) => GetString(obj, "apiVersion");
    public static string? Kind(JsonObject obj) => GetString(obj, "kind");
    public static string? Name(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "name");
    public static string? Namespace(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "namespace");
    public static string? GenerateName(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "generateName");
    public static string? Uid(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "uid");
    public static string? ResourceVersion(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "resourceVersion");
    public static string? DeletionTimestamp(JsonObject obj) => GetString(obj["metadata"] as JsonObject, "deletionTimestamp");

    public static long Generation(JsonObject obj) =>
        Json.JsonNumbers.Long(obj["metadata"]?["generation"]) ?? 0;

    public static void Set(JsonObject obj, string field, JsonNode? value)
    {
        var m = Metadata(obj);
        if (value is null)
        {
            m.Remove(field);
        }
        else
        {
            m[field] = value;
        }
    }

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) => StringMap(obj["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> Annotations(JsonObject obj) => StringMap(obj["metadata"]?["annotations"]);

    public static IReadOnlyList<string> Finalizers(JsonObject obj)
    {
        if (obj["metadata"]?["finalizers"] is not JsonArray a)
        {
            return [];
        }
        var list = new List<string>(a.Count);
        foreach (var f in a)
        {
            if (f is JsonValue v && v.TryGetValue<string>(out var s))
            {
                list.Add(s);
            }
        }
        return list;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        if (node is not JsonObject o || o.Count == 0)
        {
            return Empty;
        }
        var d = new Dictionary<string, string>(o.Count, StringComparer.Ordinal);
        foreach (var (k, v) in o)
        {
            if (v is JsonValue jv && jv.TryGetValue<string>(out var s))
            {
                d[k] = s;
            }
        }
        return d;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
