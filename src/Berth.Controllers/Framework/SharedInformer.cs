using System.Collections.Concurrent;
using System.Collections.Immutable;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Framework;

/// <summary>
/// One list+watch cache of a resource shared by every controller of the process, like client-go's
/// shared index informer: objects are decoded once into their <c>k8s.Models</c> type, indexed by
/// namespace, and fanned out to each controller's handlers.
/// </summary>
/// <remarks>
/// Cached objects are shared: never change one; deep-copy it (<see cref="KubeObjects.Clone{T}"/>) first.
/// Handlers run on the informer's loop and must only enqueue keys. A handler added after the
/// informer started first receives every cached object as "added", as client-go does.
/// </remarks>
public sealed class SharedInformer<T> : IAsyncDisposable where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Informer<T> _informer;
    private readonly object _handlersLock = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, T>> _byNamespace = new(StringComparer.Ordinal);
    private ImmutableArray<InformerHandler<T>> _handlers = [];
    private int _started;

    public SharedInformer(IApiClient client, ResourceInfo resource, ILogger? logger = null)
    {
        Resource = resource;
        _informer = new Informer<T>(client, resource, o => KubeJson.Deserialize<T>(o), logger: logger);
        _informer.Added += OnAdded;
        _informer.Updated += OnUpdated;
        _informer.Deleted += OnDeleted;
    }

    public ResourceInfo Resource { get; }

    public bool HasSynced => _informer.HasSynced;

    /// <summary>Starts listing and watching (once; later calls do nothing).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _informer.Start();
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _informer.WaitForSyncAsync(cancellationToken);

    /// <summary>Adds handlers; dispose the result to remove them. Replays the cache as adds.</summary>
    public IDisposable AddHandler(Action<T>? added = null, Action<T, T>? updated = null, Action<T>? deleted = null)
    {
        var handler = new InformerHandler<T>(added, updated, deleted);
        lock (_handlersLock)
        {
            _handlers = _handlers.Add(handler);
        }
        if (added is not null)
        {
            foreach (var bucket in _byNamespace.Values)
            {
                foreach (var item in bucket.Values)
                {
                    added(item);
                }
            }
        }
        return new Subscription(this, handler);
    }

    /// <summary>The cached object, or null.</summary>
    public T? Get(string? ns, string name) =>
        _byNamespace.TryGetValue(ns ?? "", out var bucket) && bucket.TryGetValue(name, out var item) ? item : null;

    /// <summary>The cached object with key "namespace/name" (or "name"), or null.</summary>
    public T? GetByKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? Get(null, key) : Get(key[..slash], key[(slash + 1)..]);
    }

    /// <summary>A snapshot of the cached objects of one namespace ("" for cluster-scoped objects).</summary>
    public List<T> List(string? ns) =>
        _byNamespace.TryGetValue(ns ?? "", out var bucket) ? [.. bucket.Values] : [];

    /// <summary>A snapshot of every cached object.</summary>
    public List<T> ListAll()
    {
        var all = new List<T>();
        foreach (var bucket in _byNamespace.Values)
        {
            all.AddRange(bucket.Values);
        }
        return all;
    }

    private static string Ns(T obj) => obj.Metadata?.NamespaceProperty ?? "";

    private static string Name(T obj) => obj.Metadata?.Name ?? "";

    private void Store(T obj) => _byNamespace.GetOrAdd(Ns(obj), _ => new ConcurrentDictionary<string, T>(StringComparer.Ordinal))[Name(obj)] = obj;

    private void OnAdded(T obj)
    {
        Store(obj);
        foreach (var h in _handlers)
        {
            h.Added?.Invoke(obj);
        }
    }

    private void OnUpdated(T old, T obj)
    {
        Store(obj);
        foreach (var h in _handlers)
        {
            h.Updated?.Invoke(old, obj);
        }
    }

    private void OnDeleted(T obj)
    {
        if (_byNamespace.TryGetValue(Ns(obj), out var bucket))
        {
            bucket.TryRemove(Name(obj), out _);
        }
        foreach (var h in _handlers)
        {
            h.Deleted?.Invoke(obj);
        }
    }

    private void Remove(InformerHandler<T> handler)
    {
        lock (_handlersLock)
        {
            _handlers = _handlers.Remove(handler);
        }
    }

    public ValueTask DisposeAsync() => _informer.DisposeAsync();

    private sealed class Subscription(SharedInformer<T> owner, InformerHandler<T> handler) : IDisposable
    {
        public void Dispose() => owner.Remove(handler);
    }
}
