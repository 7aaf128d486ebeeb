using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Client.Informers;

/// <summary>
/// Keeps a local cache of one resource current with list + watch, like client-go's shared informer:
/// it lists, then watches from the list's resourceVersion, re-watches when a watch ends, and lists
/// again when the server answers 410 Gone. Handlers run on the informer's loop; they must be quick
/// and only enqueue work (a controller's reconcile reads the cache).
/// </summary>
/// <typeparam name="T">The cached form; <see cref="JsonObject"/> for dynamic use, or a model type.</typeparam>
public sealed class Informer<T> : IAsyncDisposable where T : class
{
    private readonly IApiClient _client;
    private readonly string? _namespace;
    private readonly ListRequest _request;
    private readonly Func<JsonObject, T> _decode;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public Informer(IApiClient client, ResourceInfo resource, Func<JsonObject, T> decode, string? ns = null,
        ListRequest? request = null, ILogger? logger = null)
    {
        _client = client;
        Resource = resource;
        _decode = decode;
        _namespace = ns;
        _request = request ?? new ListRequest();
        _logger = logger ?? NullLogger.Instance;
    }

    public ResourceInfo Resource { get; }

    /// <summary>Called with each new object (after the first list too).</summary>
    public event Action<T>? Added;

    /// <summary>Called with (old, new) for each change, and on resync-style relists.</summary>
    public event Action<T, T>? Updated;

    /// <summary>Called with the last known state of each removed object.</summary>
    public event Action<T>? Deleted;

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion of the last list or event seen.</summary>
    public string LastResourceVersion { get; private set; } = "";

    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Starts the list/watch loop in the background.</summary>
    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>The cached object "namespace/name" (or "name" for cluster-scoped), or null.</summary>
    public T? Get(string key) => _items.GetValueOrDefault(key);

    public T? Get(string? ns, string name) => _items.GetValueOrDefault(Key(ns, name));

    /// <summary>A snapshot of every cached object.</summary>
    public IReadOnlyList<T> List() => _items.Values.ToList();

    public int Count => _items.Count;

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    public static string KeyOf(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        var ns = meta?["namespace"]?.GetValue<string>();
        var name = meta?["name"]?.GetValue<string>() ?? "";
        return Key(ns, name);
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var backoff = TimeSpan.FromMilliseconds(100);
        var needList = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAndReplaceAsync(ct).ConfigureAwait(false);
                    needList = false;
                    _synced.TrySetResult();
                }
                await WatchAsync(ct).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (StatusException e) when (e.Code == 410)
            {
                needList = true;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "informer for {Resource} failed; retrying in {Delay}", Resource, backoff);
                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                needList = needList || string.IsNullOrEmpty(LastResourceVersion);
            }
        }
    }

    private async Task ListAndReplaceAsync(CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cont = null;
        string rv;
        var fresh = new List<(string Key, JsonObject Obj)>();
        do
        {
            var page = await _client.ListAsync(Resource, _namespace, _request with { Continue = cont, Limit = 500, ResourceVersion = null }, ct)
                .ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                fresh.Add((KeyOf(item), item));
            }
            rv = page.ResourceVersion;
            cont = page.Continue;
        }
        while (!string.IsNullOrEmpty(cont));
        foreach (var (key, obj) in fresh)
        {
            seen.Add(key);
            var typed = _decode(obj);
            if (_items.TryGetValue(key, out var old))
            {
                _items[key] = typed;
                Updated?.Invoke(old, typed);
            }
            else
            {
                _items[key] = typed;
                Added?.Invoke(typed);
            }
        }
        foreach (var key in _items.Keys.ToList())
        {
            if (!seen.Contains(key) && _items.TryRemove(key, out var gone))
            {
                Deleted?.Invoke(gone);
            }
        }
        LastResourceVersion = rv;
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        var request = _request with { ResourceVersion = LastResourceVersion, AllowWatchBookmarks = true, Limit = 0, Continue = null };
        await foreach (var e in _client.WatchAsync(Resource, _namespace, request, ct).ConfigureAwait(false))
        {
            var rv = e.Object["metadata"]?["resourceVersion"]?.GetValue<string>();
            switch (e.Type)
            {
                case "ADDED":
                case "MODIFIED":
                    {
                        var key = KeyOf(e.Object);
                        var typed = _decode(e.Object);
                        if (_items.TryGetValue(key, out var old))
                        {
                            _items[key] = typed;
                            Updated?.Invoke(old, typed);
                        }
                        else
                        {
                            _items[key] = typed;
                            Added?.Invoke(typed);
                        }
                        break;
                    }
                case "DELETED":
                    {
                        if (_items.TryRemove(KeyOf(e.Object), out var gone))
                        {
                            Deleted?.Invoke(_decode(e.Object));
                            _ = gone;
                        }
                        break;
                    }
                case "ERROR":
                    {
                        var code = Berth.Api.Json.JsonNumbers.Int(e.Object["code"]) ?? 500;
                        throw StatusException.Create(code, e.Object["reason"]?.GetValue<string>() ?? "", e.Object["message"]?.GetValue<string>() ?? "");
                    }
            }
            if (!string.IsNullOrEmpty(rv))
            {
                LastResourceVersion = rv;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
