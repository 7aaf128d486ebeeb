using System.Threading.Channels;

namespace Berth.Storage;

/// <summary>
/// Fans store events out to watchers in revision order, keeping a window of recent events so that a
/// watch can start at a past revision without going to disk. Used by backends that commit in-process.
/// </summary>
/// <remarks>
/// Publication and subscription share one lock, so a new watcher sees every event after its start
/// revision exactly once: the backlog is copied and the watcher registered before the next publish.
/// A watcher that falls more than <see cref="WatcherBuffer"/> events behind is closed with
/// <see cref="SlowWatcherException"/>; its client re-watches from its last revision.
/// </remarks>
public sealed class EventHub : IDisposable
{
    /// <summary>Events buffered per watcher before it is dropped as too slow.</summary>
    public const int WatcherBuffer = 100_000;

    private readonly object _lock = new();
    private readonly StoreEvent[] _ring;
    private readonly Func<string, long, long, List<StoreEvent>> _readHistory;
    private readonly List<Subscription> _subscribers = [];
    private int _ringStart;
    private int _ringCount;
    private long _windowStartsAfter;
    private long _revision;
    private long _compacted;

    /// <param name="capacity">Events kept in memory.</param>
    /// <param name="revision">The store's revision at start; events before it come from <paramref name="readHistory"/>.</param>
    /// <param name="readHistory">Reads (prefix, after, upTo] from durable history.</param>
    public EventHub(int capacity, long revision, Func<string, long, long, List<StoreEvent>> readHistory)
    {
        _ring = new StoreEvent[Math.Max(16, capacity)];
        _readHistory = readHistory;
        _windowStartsAfter = revision;
        _revision = revision;
    }

    /// <summary>Publishes committed events (ascending revisions) and records <paramref name="revision"/> as current.</summary>
    public void Publish(List<StoreEvent> events, long revision)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (_ringCount == _ring.Length)
                {
                    _windowStartsAfter = _ring[_ringStart].Revision;
                    _ringStart = (_ringStart + 1) % _ring.Length;
                    _ringCount--;
                }
                _ring[(_ringStart + _ringCount) % _ring.Length] = e;
                _ringCount++;
            }
            _revision = revision;
            for (var s = _subscribers.Count - 1; s >= 0; s--)
            {
                var sub = _subscribers[s];
                foreach (var e in events)
                {
                    if (e.Kv.Key.StartsWith(sub.Prefix, StringComparison.Ordinal) && !sub.Writer.TryWrite(e))
                    {
                        sub.Writer.TryComplete(new SlowWatcherException());
                        _subscribers.RemoveAt(s);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>Records a compaction; watches from below it can no longer start.</summary>
    public void Compacted(long revision)
    {
        lock (_lock)
        {
            _compacted = Math.Max(_compacted, revision);
        }
    }

    public IStoreWatch Subscribe(string prefix, long afterRevision)
    {
        var channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(WatcherBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var sub = new Subscription(this, prefix, channel.Writer, channel.Reader);
        lock (_lock)
        {
            if (afterRevision < _compacted)
            {
                throw new CompactedException(afterRevision, _compacted);
            }
            if (afterRevision < _windowStartsAfter)
            {
                foreach (var e in _readHistory(prefix, afterRevision, _windowStartsAfter))
                {
                    if (!channel.Writer.TryWrite(e))
                    {
                        throw new SlowWatcherException();
                    }
                }
            }
            for (var i = 0; i < _ringCount; i++)
            {
                var e = _ring[(_ringStart + i) % _ring.Length];
                if (e.Revision > afterRevision && e.Kv.Key.StartsWith(prefix, StringComparison.Ordinal) && !channel.Writer.TryWrite(e))
                {
                    throw new SlowWatcherException();
                }
            }
            _subscribers.Add(sub);
        }
        return sub;
    }

    private void Remove(Subscription sub)
    {
        lock (_lock)
        {
            _subscribers.Remove(sub);
        }
        sub.Writer.TryComplete();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var s in _subscribers)
            {
                s.Writer.TryComplete();
            }
            _subscribers.Clear();
        }
    }

    private sealed class Subscription(EventHub hub, string prefix, ChannelWriter<StoreEvent> writer, ChannelReader<StoreEvent> reader)
        : IStoreWatch
    {
        public string Prefix { get; } = prefix;
        public ChannelWriter<StoreEvent> Writer { get; } = writer;
        public ChannelReader<StoreEvent> Events { get; } = reader;

        public void Dispose() => hub.Remove(this);
    }
}

/// <summary>A watcher fell too far behind and was closed; it should watch again from its last revision.</summary>
public sealed class SlowWatcherException() : Exception("watcher fell too far behind and was closed");
