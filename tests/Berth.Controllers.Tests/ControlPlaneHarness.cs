using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.Api.Quota;
using Berth.Api.Strategies;
using Berth.ApiServer.Admission;
using Berth.ApiServer.Client;
using Berth.ApiServer.Registry;
using Berth.Controllers.Framework;
using Berth.Storage.Cache;
using Berth.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Tests;

/// <summary>
/// A real RestStorage on a temporary SQLite store (with the LimitRanger and ResourceQuota admission
/// plugins) and one controller running against it through the in-process client.
/// </summary>
public sealed class ControlPlaneHarness : IAsyncDisposable
{
    private readonly string _dir;
    private readonly SqliteStore _store;
    private readonly WatchCache _cache;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    private ControlPlaneHarness(string dir, SqliteStore store, WatchCache cache, RestStorage storage)
    {
        _dir = dir;
        _store = store;
        _cache = cache;
        Storage = storage;
        Client = new LocalApiClient(storage, "test");
    }

    public RestStorage Storage { get; }

    public LocalApiClient Client { get; }

    public static async Task<ControlPlaneHarness> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "berth-controllers-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        var store = SqliteStore.Open(Path.Combine(dir, "state.db"));
        var cache = new WatchCache(store, ObjectCodec.Root, ObjectCodec.Decode);
        await cache.StartAsync();
        RestStorage? storage = null;
        IAdmissionPlugin[] plugins =
        [
            new LimitRanger(() => storage!),
            new ResourceQuotaAdmission(() => storage!, new QuotaRegistry(), TimeProvider.System),
        ];
        storage = new RestStorage(store, cache, new KindRegistry(), KindStrategies.CreateDefault(), plugins, TimeProvider.System,
            NullLogger<RestStorage>.Instance);
        return new ControlPlaneHarness(dir, store, cache, storage);
    }

    /// <summary>Runs the controller in the background until the harness is disposed.</summary>
    public void Run(IController controller) => _running = Task.Run(() => controller.RunAsync(_stop.Token));

    public ResourceInfo Info(string resource, string group = "", string version = "v1") => Storage.Kinds.Find(group, version, resource)!;

    public async Task<JsonObject> CreateAsync(string resource, string ns, string json, string group = "", string version = "v1") =>
        await Client.CreateAsync(Info(resource, group, version), ns, JsonNode.Parse(json)!.AsObject(), TestContext.Current.CancellationToken);

    public async Task<JsonObject> GetAsync(string resource, string ns, string name) =>
        await Client.GetAsync(Info(resource), ns, name, TestContext.Current.CancellationToken);

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="describe"/>'s text after the deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("condition not met before the deadline; last state: " + await describe());
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        await _cache.DisposeAsync();
        await _store.DisposeAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
