using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.Api.Quota;
using Berth.Api.Strategies;
using Berth.ApiServer.Admission;
using Berth.ApiServer.Registry;
using Berth.Storage.Cache;
using Berth.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.ApiServer.Tests.Admission;

/// <summary>A real RestStorage on a temporary SQLite store, with the LimitRanger and ResourceQuota plugins.</summary>
public sealed class AdmissionHarness : IAsyncDisposable
{
    private readonly string _dir;
    private readonly SqliteStore _store;
    private readonly WatchCache _cache;

    private AdmissionHarness(string dir, SqliteStore store, WatchCache cache, RestStorage storage)
    {
        _dir = dir;
        _store = store;
        _cache = cache;
        Storage = storage;
    }

    public RestStorage Storage { get; }

    public static async Task<AdmissionHarness> StartAsync(TimeProvider? time = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "berth-admission-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        var store = SqliteStore.Open(Path.Combine(dir, "state.db"));
        var cache = new WatchCache(store, ObjectCodec.Root, ObjectCodec.Decode);
        await cache.StartAsync();
        RestStorage? storage = null;
        IAdmissionPlugin[] plugins =
        [
            new LimitRanger(() => storage!),
            new ResourceQuotaAdmission(() => storage!, new QuotaRegistry(), time ?? TimeProvider.System),
        ];
        storage = new RestStorage(store, cache, new KindRegistry(), KindStrategies.CreateDefault(), plugins, TimeProvider.System,
            NullLogger<RestStorage>.Instance);
        return new AdmissionHarness(dir, store, cache, storage);
    }

    public ResourceInfo Info(string resource, string group = "", string version = "v1") => Storage.Kinds.Find(group, version, resource)!;

    public ValueTask<JsonObject> CreateAsync(string resource, string ns, string json, WriteOptions? options = null) =>
        Storage.CreateAsync(Info(resource), ns, JsonNode.Parse(json)!.AsObject(), options ?? WriteOptions.Default,
            TestContext.Current.CancellationToken);

    public ValueTask<JsonObject> GetAsync(string resource, string ns, string name) =>
        Storage.GetAsync(Info(resource), ns, name, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Pod(string name, string resources = "", string extraSpec = "") => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},
         "spec":{"containers":[{"name":"web","image":"nginx"{{{(resources.Length > 0 ? ",\"resources\":" + resources : "")}}}}]{{{extraSpec}}}}}
        """;

    public static string CpuPod(string name, string cpu) => Pod(name,
        $$$"""{"requests":{"cpu":"{{{cpu}}}","memory":"128Mi"},"limits":{"cpu":"{{{cpu}}}","memory":"128Mi"}}""");

    public static string Quota(string name, string hard, string extraSpec = "") => $$$"""
        {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"{{{name}}}"},"spec":{"hard":{{{hard}}}{{{extraSpec}}}}}
        """;

    public const string SeedLimitRange = """
        {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"cpu-min-max-demo"},
         "spec":{"limits":[{"type":"Container","max":{"cpu":"2","memory":"4Gi"},"min":{"cpu":"100m","memory":"128Mi"},
           "default":{"cpu":"500m","memory":"1Gi"},"defaultRequest":{"cpu":"250m","memory":"512Mi"}}]}}
        """;
}
