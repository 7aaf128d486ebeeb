using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Storage;
using Berth.Storage.Cache;

namespace Berth.ApiServer.Registry;

/// <summary>
/// Keys and bytes of stored objects: <c>/registry/{resource.group}/{namespace}/{name}</c> for namespaced
/// resources, <c>/registry/{resource.group}/{name}</c> for cluster-scoped ones; values are compact JSON
/// without resourceVersion (see <see cref="ResourceVersionSplice"/>).
/// </summary>
public static class ObjectCodec
{
    public const string Root = "/registry/";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ResourceInfo, string> Prefixes = new();

    /// <summary>The key prefix of a resource, e.g. <c>/registry/deployments.apps/</c> (computed once per ResourceInfo).</summary>
    public static string Prefix(ResourceInfo info) => Prefixes.GetValue(info, i => Root + i.StorageResource + "/");

    public static string NamespacePrefix(ResourceInfo info, string ns) => Root + info.StorageResource + "/" + ns + "/";

    public static string Key(ResourceInfo info, string? ns, string name) =>
        info.Namespaced ? Root + info.StorageResource + "/" + ns + "/" + name : Root + info.StorageResource + "/" + name;

    /// <summary>Serializes an object for storage, without its resourceVersion.</summary>
    public static byte[] ToStorage(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta && meta.ContainsKey("resourceVersion"))
        {
            var rv = meta["resourceVersion"];
            meta.Remove("resourceVersion");
            try
            {
                return KubeJson.ToBytes(obj);
            }
            finally
            {
                meta["resourceVersion"] = rv;
            }
        }
        return KubeJson.ToBytes(obj);
    }

    /// <summary>The object's JSON with resourceVersion set to the stored modification revision.</summary>
    public static byte[] WithResourceVersion(KeyValue kv) => ResourceVersionSplice.Splice(kv.Value, kv.ModRevision);

    /// <summary>Parses a stored value into a mutable object with its resourceVersion set.</summary>
    public static JsonObject Parse(KeyValue kv)
    {
        var obj = KubeJson.ParseObject(kv.Value);
        ObjectMetaRv(obj, kv.ModRevision);
        return obj;
    }

    public static void ObjectMetaRv(JsonObject obj, long revision) =>
        Berth.Api.Objects.ObjectMeta.Metadata(obj)["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds the cache entry of a stored value; <paramref name="revision"/> is the resourceVersion to report.</summary>
    public static CachedObject Decode(KeyValue kv, long revision)
    {
        var key = kv.Key;
        var resStart = Root.Length;
        var resEnd = key.IndexOf('/', resStart);
        var storageResource = key[resStart..resEnd];
        var rest = key[(resEnd + 1)..];
        var slash = rest.IndexOf('/');
        var ns = slash < 0 ? "" : rest[..slash];
        var name = slash < 0 ? rest : rest[(slash + 1)..];
        var json = ResourceVersionSplice.Splice(kv.Value, revision);
        IReadOnlyDictionary<string, string> labels = EmptyLabels;
        Dictionary<string, string>? fields;
        using (var doc = JsonDocument.Parse(kv.Value, new JsonDocumentOptions { MaxDepth = 512 }))
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                var d = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in l.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        d[p.Name] = p.Value.GetString()!;
                    }
                }
                labels = d;
            }
            fields = SelectableFields.Extract(storageResource, root);
        }
        return new CachedObject(key, ns, name, json, kv.CreateRevision, revision, labels, fields);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}
