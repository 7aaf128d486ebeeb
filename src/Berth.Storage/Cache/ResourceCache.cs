using System.Threading.Channels;

namespace Berth.Storage.Cache;

/// <summary>
/// The cached objects of one resource (one key prefix), a window of its recent events, and its watchers.
/// </summary>
/// <remarks>
/// Only the <see cref="WatchCache"/> dispatcher writes; readers take the lock briefly to copy references.
/// Watchers are fed on the dispatcher thread through bounded channels: a watcher that cannot keep up
/// is closed (its client re-watches), so one slow client never delays the others.
/// </remarks>
public sealed class ResourceCache
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, CachedObject> _all = new(StringComparer.Ordinal);
    // Point reads (admission, GET with resourceVersion=0) go here without taking the lock.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedObject> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, CachedObject>> _byNamespace = new(StringComparer.Ordinal);
    private readonly CacheEvent?[] _ring;
    private readonly List<CacheWatcher> _watchers = [];
    private int _ringStart;
    private int _ringCount;
    private long _windowStartsAfter;
    private long _revision;

    internal ResourceCache(string prefix, int window, long startRevision)
    {
        Prefix = prefix;
        _ring = new CacheEvent?[Math.Max(16, window)];
        _windowStartsAfter = startRevision;
        _revision = startRevision;
    }

    /// <summary>The key prefix, e.g. <c>/registry/pods/</c>.</summary>
    public string Prefix { get; }

    /// <summary>Number of objects cached.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Watches that start at or after this revision can be served from memory.</summary>
    public long OldestResumableRevision
    {
        get
        {
            lock (_lock)
            {
                return _windowStartsAfter;
            }
        }
    }

    public CachedObject? Get(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>A snapshot of the objects in key order, optionally of one namespace only.</summary>
    public CachedObject[] List(string? ns = null)
    {
        lock (_lock)
        {
            if (string.IsNullOrEmpty(ns))
            {
                var all = new CachedObject[_all.Count];
                _all.Values.CopyTo(all, 0);
                return all;
            }
            if (!_byNamespace.TryGetValue(ns, out var inNs))
            {
                return [];
            }
            var arr = new CachedObject[inNs.Count];
            inNs.Values.CopyTo(arr, 0);
            return arr;
        }
    }

    internal void Load(CachedObject obj)
    {
        lock (_lock)
        {
            Put(obj);
        }
    }

    internal void Started(long revision)
    {
        lock (_lock)
        {
            _windowStartsAfter = Math.Max(_windowStartsAfter, revision);
            _revision = Math.Max(_revision, revision);
        }
    }

    private void Put(CachedObject obj)
    {
        _all[obj.Key] = obj;
        _byKey[obj.Key] = obj;
        if (!_byNamespace.TryGetValue(obj.Namespace, out var inNs))
        {
            inNs = new SortedDictionary<string, CachedObject>(StringComparer.Ordinal);
            _byNamespace[obj.Namespace] = inNs;
        }
        inNs[obj.Key] = obj;
    }

    private void Remove(CachedObject obj)
    {
        _all.Remove(obj.Key);
        _byKey.TryRemove(obj.Key, out _);
        if (_byNamespace.TryGetValue(obj.Namespace, out var inNs))
        {
            inNs.Remove(obj.Key);
            if (inNs.Count == 0)
            {
                _byNamespace.Remove(obj.Namespace);
            }
        }
    }

    internal void Apply(StoreEvent e, CachedObject obj)
    {
        lock (_lock)
        {
            var previous = _all.GetValueOrDefault(obj.Key);
            CacheEvent ev;
            if (e.Type == StoreEventType.Delete)
            {
                Remove(obj);
                ev = new CacheEvent(CacheEventType.Deleted, obj, previous, e.Revision);
            }
            else
            {
                Put(obj);
                ev = new CacheEvent(previous is null ? CacheEventType.Added : CacheEventType.Modified, obj, previous, e.Revision);
            }
            if (_ringCount == _ring.Length)
            {
                _windowStartsAfter = _ring[_ringStart]!.Revision;
                _ringStart = (_ringStart + 1) % _ring.Length;
                _ringCount--;
            }
            _ring[(_ringStart + _ringCount) % _ring.Length] = ev;
            _ringCount++;
            _revision = e.Revision;
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (!_watchers[i].Offer(ev))
                {
                    _watchers[i].Close(new SlowWatcherException());
                    _watchers.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Starts a watch. With <paramref name="initialEvents"/> the current matching objects come first as
    /// Added events; otherwise events after <paramref name="afterRevision"/> are replayed from the window.
    /// Throws <see cref="CompactedException"/> when the window no longer reaches back that far.
    /// </summary>
    public CacheWatcher Watch(long afterRevision, Func<CachedObject, bool> filter, bool initialEvents, int buffer = 10_000)
    {
        lock (_lock)
        {
            if (!initialEvents && afterRevision < _windowStartsAfter)
            {
                throw new CompactedException(afterRevision, _windowStartsAfter);
            }
            var initial = new List<CacheEvent>();
            if (initialEvents)
            {
                foreach (var o in _all.Values)
                {
                    if (filter(o))
                    {
                        initial.Add(new CacheEvent(CacheEventType.Added, o, null, o.ModRevision));
                    }
                }
            }
            else
            {
                for (var i = 0; i < _ringCount; i++)
                {
                    var ev = _ring[(_ringStart + i) % _ring.Length]!;
                    if (ev.Revision > afterRevision)
                    {
                        initial.Add(ev);
                    }
                }
            }
            var w = new CacheWatcher(this, filter, Math.Max(buffer, initial.Count + 16), initialEvents ? Math.Max(_revision, afterRevision) : afterRevision)
            {
                InitialEvents = initialEvents ? initial.Count : 0,
            };
            foreach (var ev in initial)
            {
                if (initialEvents)
                {
                    w.Enqueue(ev);
                }
                else
                {
                    w.Offer(ev);
                }
            }
            _watchers.Add(w);
            return w;
        }
    }

    /// <summary>The latest revision this resource's cache reflects.</summary>
    public long Revision
    {
        get
        {
            lock (_lock)
            {
                return _revision;
            }
        }
    }

    internal void Unregister(CacheWatcher w)
    {
        lock (_lock)
        {
            _watchers.Remove(w);
        }
    }

    internal void CloseWatchers()
    {
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Close(null);
            }
            _watchers.Clear();
        }
    }
}

/// <summary>
/// One watch on a <see cref="ResourceCache"/>: events already filtered and typed from the watcher's
/// point of view (an object that stops matching arrives as Deleted, one that starts matching as Added).
/// </summary>
public sealed class CacheWatcher : IDisposable
{
    private readonly ResourceCache _owner;
    private readonly Func<CachedObject, bool> _filter;
    private readonly Channel<CacheEvent> _channel;

    internal CacheWatcher(ResourceCache owner, Func<CachedObject, bool> filter, int capacity, long startRevision)
    {
        _owner = owner;
        _filter = filter;
        StartRevision = startRevision;
        _channel = Channel.CreateBounded<CacheEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The revision the watch starts after (for bookmarks before any event).</summary>
    public long StartRevision { get; }

    /// <summary>How many synthetic Added events for existing objects come first.</summary>
    public int InitialEvents { get; internal init; }

    /// <summary>
    /// The revision up to which every event of this resource has been offered to this watcher: safe
    /// for a bookmark once the events already queued are written.
    /// </summary>
    public long CacheRevision => _owner.Revision;

    public ChannelReader<CacheEvent> Events => _channel.Reader;

    internal void Enqueue(CacheEvent e) => _channel.Writer.TryWrite(e);

    /// <summary>Filters and writes one event; false when the watcher's buffer is full.</summary>
    internal bool Offer(CacheEvent e)
    {
        var now = _filter(e.Object);
        var before = e.Previous is not null && _filter(e.Previous);
        CacheEvent? outgoing = e.Type switch
        {
            CacheEventType.Added => now ? e : null,
            CacheEventType.Deleted => before || (e.Previous is null && now) ? e : null,
            _ => (before, now) switch
            {
                (true, true) => e,
                (false, true) => e with { Type = CacheEventType.Added },
                (true, false) => e with { Type = CacheEventType.Deleted },
                _ => null,
            },
        };
        return outgoing is null || _channel.Writer.TryWrite(outgoing);
    }

    internal void Close(Exception? error) => _channel.Writer.TryComplete(error);

    public void Dispose()
    {
        _owner.Unregister(this);
        _channel.Writer.TryComplete();
    }
}
