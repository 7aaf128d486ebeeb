using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Storage.Cache;

/// <summary>
/// An in-memory mirror of every object under one root prefix, kept current by one store watch, and
/// the place lists and watches are served from (kube-apiserver's "cacher").
/// </summary>
/// <remarks>
/// <code>
///  IStore.Watch("/registry/") ─► dispatcher thread ─► route by resource prefix ─► ResourceCache
///                                                      (objects by key, recent-event ring, watchers)
///                                                  └─► Revision advances; WaitForRevisionAsync waiters wake
/// </code>
/// A consistent read (resourceVersion unset) first waits until <see cref="Revision"/> reaches the store's
/// revision at the time of the request, so a client always reads its own writes.
/// </remarks>
public sealed class WatchCache : IAsyncDisposable
{
    private readonly IStore _store;
    private readonly string _root;
    private readonly Func<KeyValue, long, CachedObject> _decode;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ResourceCache> _resources = new(StringComparer.Ordinal);
    private readonly object _waitLock = new();
    private readonly List<(long Revision, TaskCompletionSource Tcs)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly int _eventWindow;
    private Task? _dispatcher;
    private long _revision;
    private long _startRevision;

    /// <param name="decode">Turns a stored value into a cached object, given the revision to report as its resourceVersion.</param>
    /// <param name="eventWindow">Recent events kept per resource for watches that resume from a past revision.</param>
    public WatchCache(IStore store, string root, Func<KeyValue, long, CachedObject> decode, ILogger? logger = null,
        int eventWindow = 4096)
    {
        _store = store;
        _root = root;
        _decode = decode;
        _logger = logger ?? NullLogger.Instance;
        _eventWindow = eventWindow;
    }

    /// <summary>The revision of the last store event applied.</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>Loads the current state and starts following the store.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        string? after = null;
        long rev;
        while (true)
        {
            // Pages keep memory flat while loading; each page is read at the store's then-current revision,
            // and the watch below starts from the first page's revision so nothing in between is missed.
            var page = await _store.RangeAsync(_root, after, 5000, cancellationToken).ConfigureAwait(false);
            if (after is null)
            {
                _startRevision = page.Revision;
            }
            foreach (var kv in page.Items)
            {
                if (kv.ModRevision <= _startRevision)
                {
                    var obj = _decode(kv, kv.ModRevision);
                    ResourceFor(kv.Key)?.Load(obj);
                }
            }
            if (!page.More)
            {
                rev = _startRevision;
                break;
            }
            after = page.Items[^1].Key;
        }
        foreach (var r in _resources.Values)
        {
            r.Started(_startRevision);
        }
        Volatile.Write(ref _revision, rev);
        var watch = _store.Watch(_root, rev);
        _dispatcher = Task.Factory.StartNew(() => DispatchAsync(watch), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The cache of one resource, by key prefix such as <c>/registry/pods/</c>.</summary>
    public ResourceCache Resource(string prefix) =>
        _resources.GetOrAdd(prefix, p => new ResourceCache(p, _eventWindow, Math.Max(_startRevision, 0)));

    private ResourceCache? ResourceFor(string key)
    {
        // Keys are <root><resource>/<rest>; the resource's prefix ends at the first '/' after the root.
        var slash = key.IndexOf('/', _root.Length);
        return slash < 0 ? null : Resource(key[..(slash + 1)]);
    }

    /// <summary>Completes once the cache has applied every event up to <paramref name="revision"/>.</summary>
    public Task WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default)
    {
        if (Revision >= revision)
        {
            return Task.CompletedTask;
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitLock)
        {
            if (Revision >= revision)
            {
                return Task.CompletedTask;
            }
            _waiters.Add((revision, tcs));
        }
        return cancellationToken.CanBeCanceled ? tcs.Task.WaitAsync(cancellationToken) : tcs.Task;
    }

    private async Task DispatchAsync(IStoreWatch watch)
    {
        var reader = watch.Events;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var e))
                {
                    try
                    {
                        var obj = _decode(e.Kv, e.Revision);
                        ResourceFor(e.Kv.Key)?.Apply(e, obj);
                    }
                    catch (Exception ex)
                    {
                        _logger.LogError(ex, "watch cache could not apply {Key} at {Revision}", e.Kv.Key, e.Revision);
                    }
                    Volatile.Write(ref _revision, e.Revision);
                }
                WakeWaiters();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogCritical(ex, "watch cache lost its store watch");
        }
        finally
        {
            watch.Dispose();
        }
    }

    private void WakeWaiters()
    {
        var rev = Revision;
        lock (_waitLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Revision <= rev)
                {
                    _waiters[i].Tcs.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_dispatcher is not null)
        {
            await _dispatcher.ConfigureAwait(false);
        }
        foreach (var r in _resources.Values)
        {
            r.CloseWatchers();
        }
        _stop.Dispose();
    }
}
