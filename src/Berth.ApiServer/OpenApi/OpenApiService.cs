using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Kinds;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI documents of the served API, as kube-apiserver publishes them: the v3 discovery index
/// (<c>/openapi/v3</c>), one v3 document per group-version (<c>/openapi/v3/apis/apps/v1?hash=…</c>) and the
/// Swagger 2.0 document of the whole API (<c>/openapi/v2</c>). Built-in schemas come from the KubernetesClient
/// model types; custom resources from their CRD's <c>openAPIV3Schema</c>.
/// </summary>
/// <remarks>
/// Documents are generated lazily, on first request (not at server start), and cached until the registry's
/// <see cref="KindRegistry.Generation"/> changes (a CRD is established or removed). A document's hash is the
/// uppercase hex SHA-512 of its JSON bytes, as kube-openapi computes it; generation is deterministic, so hashes
/// are stable across restarts and clients can keep their caches. Thread-safe.
/// </remarks>
public sealed class OpenApiService
{
    /// <summary>The <c>info.version</c> the documents carry when none is given.</summary>
    public const string DefaultServerVersion = "v1.33.0";

    private readonly KindRegistry _registry;
    private readonly string _serverVersion;
    private Snapshot? _snapshot;

    public OpenApiService(KindRegistry registry) : this(registry, DefaultServerVersion)
    {
    }

    /// <param name="registry">The served resources.</param>
    /// <param name="serverVersion">The <c>info.version</c> of the documents, e.g. <c>v1.33.0</c>.</param>
    public OpenApiService(KindRegistry registry, string serverVersion)
    {
        _registry = registry;
        _serverVersion = serverVersion;
        // Drop the old documents as soon as the served set changes instead of holding them until the next request.
        registry.Changed += () => Volatile.Write(ref _snapshot, null);
    }

    /// <summary>
    /// The <c>/openapi/v3</c> index: <c>{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}</c>.
    /// Building it hashes (so generates) every document.
    /// </summary>
    public byte[] GetV3Index() => Current().Index.Value;

    /// <summary>
    /// The v3 document for <paramref name="path"/> (<c>api/v1</c>, <c>apis/apps/v1</c>, <c>api</c>, <c>apis</c>,
    /// <c>apis/apps</c>, <c>version</c>), with its hash; false when no such document exists.
    /// </summary>
    public bool TryGetV3(string path, out byte[] json, out string hash)
    {
        if (Current().V3.TryGetValue(path.Trim('/'), out var doc))
        {
            (json, hash) = doc.Value;
            return true;
        }
        json = [];
        hash = "";
        return false;
    }

    /// <summary>The Swagger 2.0 document of the whole API, as compact JSON.</summary>
    public byte[] GetV2Json() => Current().V2.Value.Json;

    /// <summary>The hash (uppercase hex SHA-512) of <see cref="GetV2Json"/>, for ETags.</summary>
    public string GetV2Hash() => Current().V2.Value.Hash;

    /// <summary>The Swagger 2.0 document as a fresh tree the caller owns (parsed from the cached JSON).</summary>
    public JsonObject GetV2Document() => (JsonObject)JsonNode.Parse(GetV2Json())!;

    private Snapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var generation = _registry.Generation;
        if (snapshot is not null && snapshot.Generation == generation)
        {
            return snapshot;
        }
        // Read the generation before the resources: if the registry moves on in between, the next call sees a
        // newer generation and rebuilds; a stale document is never cached under a newer generation.
        var fresh = new Snapshot(generation, new DocumentBuilder(_registry.All, _serverVersion));
        Interlocked.CompareExchange(ref _snapshot, fresh, snapshot);
        return fresh;
    }

    /// <summary>Uppercase hex SHA-512 of the bytes, as kube-openapi's computeETag.</summary>
    internal static string Hash(byte[] json) => Convert.ToHexString(SHA512.HashData(json));

    private sealed class Snapshot
    {
        public Snapshot(long generation, DocumentBuilder builder)
        {
            Generation = generation;
            V3 = builder.V3Paths().Distinct().ToFrozenDictionary(
                p => p,
                p => new Lazy<(byte[], string)>(() => Serialize(builder.BuildV3(p)!)),
                StringComparer.Ordinal);
            V2 = new Lazy<(byte[] Json, string Hash)>(() => Serialize(builder.BuildV2()));
            Index = new Lazy<byte[]>(() =>
            {
                var paths = new JsonObject();
                foreach (var path in V3.Keys.Order(StringComparer.Ordinal))
                {
                    var hash = V3[path].Value.Item2;
                    paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + hash };
                }
                return KubeJson.ToBytes(new JsonObject { ["paths"] = paths });
            });
        }

        public long Generation { get; }
        public FrozenDictionary<string, Lazy<(byte[], string)>> V3 { get; }
        public Lazy<(byte[] Json, string Hash)> V2 { get; }
        public Lazy<byte[]> Index { get; }

        private static (byte[], string) Serialize(JsonObject document)
        {
            var json = KubeJson.ToBytes(document);
            return (json, Hash(json));
        }
    }
}
