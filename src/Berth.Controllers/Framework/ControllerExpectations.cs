using System.Collections.Concurrent;

namespace Berth.Controllers.Framework;

/// <summary>
/// Kubernetes' controller expectations: after a controller asks for N creations or deletions of a key's
/// pods it waits until its informer has seen them (or 5 minutes pass) before it acts on that key again,
/// so a stale cache never makes it create the same pods twice.
/// </summary>
/// <remarks>Thread-safe. Counts may go below zero (an event seen twice); that counts as fulfilled.</remarks>
public sealed class ControllerExpectations(TimeProvider? time = null)
{
    /// <summary>How long expectations are trusted before a sync happens anyway (kube's ExpectationsTimeout).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry(long add, long del, DateTimeOffset at)
    {
        public long Add = add;
        public long Del = del;
        public DateTimeOffset At { get; } = at;

        public bool Fulfilled => Interlocked.Read(ref Add) <= 0 && Interlocked.Read(ref Del) <= 0;
    }

    /// <summary>True when the controller may sync the key: nothing expected, all seen, or expired.</summary>
    public bool SatisfiedExpectations(string key)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            return true;
        }
        return e.Fulfilled || _time.GetUtcNow() - e.At > Timeout;
    }

    /// <summary>The outstanding (adds, deletes), or null when nothing is recorded.</summary>
    public (long Add, long Del)? Get(string key) =>
        _entries.TryGetValue(key, out var e) ? (Interlocked.Read(ref e.Add), Interlocked.Read(ref e.Del)) : null;

    public void SetExpectations(string key, int add, int del) => _entries[key] = new Entry(add, del, _time.GetUtcNow());

    public void ExpectCreations(string key, int adds) => SetExpectations(key, adds, 0);

    public void ExpectDeletions(string key, int dels) => SetExpectations(key, 0, dels);

    /// <summary>Adds to the outstanding counts (creating the record when missing).</summary>
    public void RaiseExpectations(string key, int add, int del)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            Interlocked.Add(ref e.Add, add);
            Interlocked.Add(ref e.Del, del);
        }
        else
        {
            SetExpectations(key, add, del);
        }
    }

    public void CreationObserved(string key) => Lower(key, 1, 0);

    public void DeletionObserved(string key) => Lower(key, 0, 1);

    public void Lower(string key, int add, int del)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            Interlocked.Add(ref e.Add, -add);
            Interlocked.Add(ref e.Del, -del);
        }
    }

    public void DeleteExpectations(string key) => _entries.TryRemove(key, out _);
}
