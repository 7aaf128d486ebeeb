using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Api.Json;
using Berth.Api.Kinds;
using k8s.Models;

namespace Berth.ApiServer.Discovery;

/// <summary>
/// API discovery documents: the legacy ones (<c>/api</c>, <c>/apis</c>, <c>/apis/{group}</c>,
/// <c>/api/v1</c>, <c>/apis/{group}/{version}</c>) and aggregated discovery (apidiscovery.k8s.io v2 and
/// v2beta1 on <c>/api</c> and <c>/apis</c>). Built once per <see cref="KindRegistry.Generation"/>.
/// </summary>
public sealed class DiscoveryService(KindRegistry registry)
{
    private Cached? _cached;

    public KindRegistry Registry { get; } = registry;

    private sealed record Cached(long Generation, Dictionary<string, byte[]> Docs, Dictionary<string, string> ETags);

    private Cached Current
    {
        get
        {
            var c = _cached;
            if (c is not null && c.Generation == Registry.Generation)
            {
                return c;
            }
            c = Build(Registry.Generation);
            _cached = c;
            return c;
        }
    }

    /// <summary>A legacy document by path ("/api", "/apis", "/apis/apps", "/api/v1", "/apis/apps/v1"); null when unknown.</summary>
    public byte[]? Legacy(string path) => Current.Docs.GetValueOrDefault(path.TrimEnd('/'));

    /// <summary>The aggregated document for "/api" or "/apis" in version "v2" or "v2beta1", with its ETag.</summary>
    public (byte[] Body, string ETag) Aggregated(string path, string version)
    {
        var key = "agg:" + version + ":" + path.TrimEnd('/');
        var c = Current;
        return (c.Docs[key], c.ETags[key]);
    }

    private Cached Build(long generation)
    {
        var docs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        docs["/api"] = KubeJson.SerializeToUtf8(new V1APIVersions
        {
            Kind = "APIVersions",
            Versions = ["v1"],
            ServerAddressByClientCIDRs = [new V1ServerAddressByClientCIDR { ClientCIDR = "0.0.0.0/0", ServerAddress = "" }],
        });
        var groups = new List<V1APIGroup>();
        foreach (var g in Registry.Groups)
        {
            var versions = Registry.VersionsOf(g);
            foreach (var v in versions)
            {
                docs[g.Length == 0 ? "/api/" + v : $"/apis/{g}/{v}"] = KubeJson.SerializeToUtf8(ResourceList(g, v));
            }
            if (g.Length == 0)
            {
                continue;
            }
            var group = new V1APIGroup
            {
                ApiVersion = "v1",
                Kind = "APIGroup",
                Name = g,
                Versions = versions.Select(v => new V1GroupVersionForDiscovery { GroupVersion = g + "/" + v, Version = v }).ToList(),
                PreferredVersion = new V1GroupVersionForDiscovery { GroupVersion = g + "/" + versions[0], Version = versions[0] },
            };
            groups.Add(group);
            docs["/apis/" + g] = KubeJson.SerializeToUtf8(group);
        }
        docs["/apis"] = KubeJson.SerializeToUtf8(new V1APIGroupList { ApiVersion = "v1", Kind = "APIGroupList", Groups = groups });
        foreach (var ver in new[] { "v2", "v2beta1" })
        {
            foreach (var path in new[] { "/api", "/apis" })
            {
                var body = AggregatedDocument(path == "/api", ver);
                var key = "agg:" + ver + ":" + path;
                docs[key] = body;
                etags[key] = "\"" + Convert.ToHexString(SHA256.HashData(body))[..32] + "\"";
            }
        }
        return new Cached(generation, docs, etags);
    }

    private V1APIResourceList ResourceList(string group, string version)
    {
        var list = new V1APIResourceList
        {
            ApiVersion = "v1",
            Kind = "APIResourceList",
            GroupVersion = group.Length == 0 ? version : group + "/" + version,
            Resources = [],
        };
        foreach (var r in Registry.ResourcesOf(group, version))
        {
            list.Resources.Add(new V1APIResource
            {
                Name = r.Resource,
                SingularName = r.Singular,
                Namespaced = r.Namespaced,
                Kind = r.Kind,
                Verbs = r.Verbs.ToList(),
                ShortNames = r.ShortNames.Count > 0 ? r.ShortNames.ToList() : null,
                Categories = r.Categories.Count > 0 ? r.Categories.ToList() : null,
                StorageVersionHash = StorageVersionHash(r),
            });
            foreach (var sub in r.Subresources)
            {
                var (g, v, k, verbs) = Subresource(r, sub);
                list.Resources.Add(new V1APIResource
                {
                    Name = r.Resource + "/" + sub,
                    SingularName = "",
                    Namespaced = r.Namespaced,
                    Kind = k,
                    Group = g,
                    Version = v,
                    Verbs = verbs.ToList(),
                });
            }
        }
        return list;
    }

    private static string StorageVersionHash(ResourceInfo r)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(r.Group + "/" + r.Version + "/" + r.Kind));
        return Convert.ToBase64String(hash, 0, 8);
    }

    /// <summary>Kind, group/version override and verbs of a subresource, as kube-apiserver advertises them.</summary>
    public static (string? Group, string? Version, string Kind, string[] Verbs) Subresource(ResourceInfo r, string sub) => sub switch
    {
        "status" => (null, null, r.Kind, ["get", "patch", "update"]),
        "scale" => ("autoscaling", "v1", "Scale", ["get", "patch", "update"]),
        "binding" => (null, null, "Binding", ["create"]),
        "eviction" => ("policy", "v1", "Eviction", ["create"]),
        "log" => (null, null, "Pod", ["get"]),
        "exec" => (null, null, "PodExecOptions", ["create", "get"]),
        "attach" => (null, null, "PodAttachOptions", ["create", "get"]),
        "portforward" => (null, null, "PodPortForwardOptions", ["create", "get"]),
        "proxy" => (null, null, r.Kind + "ProxyOptions", ["create", "delete", "get", "patch", "update"]),
        "ephemeralcontainers" or "resize" => (null, null, r.Kind, ["get", "patch", "update"]),
        "finalize" => (null, null, r.Kind, ["update"]),
        "token" => ("authentication.k8s.io", "v1", "TokenRequest", ["create"]),
        _ => (null, null, r.Kind, ["get"]),
    };

    private byte[] AggregatedDocument(bool core, string version)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", "APIGroupDiscoveryList");
            w.WriteString("apiVersion", "apidiscovery.k8s.io/" + version);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var g in Registry.Groups)
            {
                if (core != (g.Length == 0))
                {
                    continue;
                }
                w.WriteStartObject();
                w.WriteStartObject("metadata");
                w.WriteString("name", g);
                w.WriteNull("creationTimestamp");
                w.WriteEndObject();
                w.WriteStartArray("versions");
                foreach (var v in Registry.VersionsOf(g))
                {
                    w.WriteStartObject();
                    w.WriteString("version", v);
                    w.WriteStartArray("resources");
                    foreach (var r in Registry.ResourcesOf(g, v))
                    {
                        WriteResource(w, r);
                    }
                    w.WriteEndArray();
                    w.WriteString("freshness", "Current");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteResource(Utf8JsonWriter w, ResourceInfo r)
    {
        w.WriteStartObject();
        w.WriteString("resource", r.Resource);
        w.WriteStartObject("responseKind");
        w.WriteString("group", r.Group);
        w.WriteString("version", r.Version);
        w.WriteString("kind", r.Kind);
        w.WriteEndObject();
        w.WriteString("scope", r.Namespaced ? "Namespaced" : "Cluster");
        w.WriteString("singularResource", r.Singular);
        WriteStrings(w, "verbs", r.Verbs);
        if (r.ShortNames.Count > 0)
        {
            WriteStrings(w, "shortNames", r.ShortNames);
        }
        if (r.Categories.Count > 0)
        {
            WriteStrings(w, "categories", r.Categories);
        }
        if (r.Subresources.Count > 0)
        {
            w.WriteStartArray("subresources");
            foreach (var sub in r.Subresources)
            {
                var (g, v, k, verbs) = Subresource(r, sub);
                w.WriteStartObject();
                w.WriteString("subresource", sub);
                w.WriteStartObject("responseKind");
                w.WriteString("group", g ?? r.Group);
                w.WriteString("version", v ?? r.Version);
                w.WriteString("kind", k);
                w.WriteEndObject();
                WriteStrings(w, "verbs", verbs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
