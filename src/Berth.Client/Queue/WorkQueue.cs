namespace Berth.Client.Queue;

/// <summary>
/// A rate-limited work queue like client-go's: an item is queued at most once, an item being processed
/// is not handed out twice (a re-add while processing queues it again after <see cref="Done"/>), and
/// failures back off exponentially per item.
/// </summary>
/// <remarks>Thread-safe. Event handlers call <see cref="Add"/>; workers loop on <see cref="GetAsync"/> … <see cref="Done"/>.</remarks>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    private readonly object _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, int> _failures = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly List<ITimer> _timers = [];
    private bool _shutdown;

    /// <param name="baseDelay">First retry delay (default 5 ms, as client-go).</param>
    /// <param name="maxDelay">Longest retry delay (default 60 s; client-go uses 1000 s).</param>
    public WorkQueue(TimeProvider? time = null, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _time = time ?? TimeProvider.System;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        _maxDelay = maxDelay ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>Items waiting (not counting those being processed).</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            if (_shutdown || !_dirty.Add(item))
            {
                return;
            }
            if (_processing.Contains(item))
            {
                return;
            }
            _queue.Enqueue(item);
        }
        _available.Release();
    }

    /// <summary>Adds the item after <paramref name="delay"/>.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                lock (_lock)
                {
                    _timers.Remove(timer!);
                }
                timer!.Dispose();
                Add(item);
            }, null, delay, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }

    /// <summary>Re-adds the item after its exponential backoff (5 ms, 10 ms, 20 ms … up to the maximum).</summary>
    public void AddRateLimited(T item)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(item);
            _failures[item] = failures + 1;
        }
        var delay = TimeSpan.FromTicks((long)Math.Min(_maxDelay.Ticks, _baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 30))));
        AddAfter(item, delay);
    }

    /// <summary>Forgets the item's failures (call after it was processed successfully).</summary>
    public void Forget(T item)
    {
        lock (_lock)
        {
            _failures.Remove(item);
        }
    }

    /// <summary>Number of failures recorded for the item.</summary>
    public int Requeues(T item)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(item);
        }
    }

    /// <summary>Waits for an item; returns false once the queue is shut down and empty.</summary>
    public async ValueTask<(T Item, bool Ok)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (default!, false);
            }
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    if (_shutdown)
                    {
                        return (default!, false);
                    }
                    continue;
                }
                var item = _queue.Dequeue();
                _dirty.Remove(item);
                _processing.Add(item);
                return (item, true);
            }
        }
    }

    /// <summary>Marks processing finished; an item re-added meanwhile is queued now.</summary>
    public void Done(T item)
    {
        var requeue = false;
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item) && !_shutdown)
            {
                _queue.Enqueue(item);
                requeue = true;
            }
        }
        if (requeue)
        {
            _available.Release();
        }
    }

    public void ShutDown()
    {
        lock (_lock)
        {
            _shutdown = true;
            foreach (var t in _timers)
            {
                t.Dispose();
            }
            _timers.Clear();
        }
        _available.Release(1024);
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }
}
