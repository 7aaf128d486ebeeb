using System.Collections.Concurrent;

namespace Berth.Controllers.Framework;

/// <summary>
/// Expectations that remember which pods a controller deleted (by key or uid), so a deletion is counted
/// once however many times its events arrive (kube's UIDTrackingControllerExpectations).
/// </summary>
public sealed class UidTrackingExpectations(TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _uids = new(StringComparer.Ordinal);

    public ControllerExpectations Counts { get; } = new(time);

    public bool SatisfiedExpectations(string key) => Counts.SatisfiedExpectations(key);

    public void ExpectCreations(string key, int adds) => Counts.ExpectCreations(key, adds);

    public void CreationObserved(string key) => Counts.CreationObserved(key);

    /// <summary>Records the deletions to expect: the pods' keys (or uids).</summary>
    public void ExpectDeletions(string key, IReadOnlyCollection<string> deletedKeys)
    {
        var set = new HashSet<string>(deletedKeys, StringComparer.Ordinal);
        _uids[key] = set;
        Counts.ExpectDeletions(key, set.Count);
    }

    /// <summary>Counts the deletion of <paramref name="deletedKey"/> once, if it was expected.</summary>
    public void DeletionObserved(string key, string deletedKey)
    {
        if (!_uids.TryGetValue(key, out var set))
        {
            return;
        }
        bool removed;
        lock (set)
        {
            removed = set.Remove(deletedKey);
        }
        if (removed)
        {
            Counts.DeletionObserved(key);
        }
    }

    /// <summary>The keys still expected to go.</summary>
    public IReadOnlySet<string> Expected(string key)
    {
        if (!_uids.TryGetValue(key, out var set))
        {
            return new HashSet<string>();
        }
        lock (set)
        {
            return new HashSet<string>(set, StringComparer.Ordinal);
        }
    }

    public void DeleteExpectations(string key)
    {
        _uids.TryRemove(key, out _);
        Counts.DeleteExpectations(key);
    }
}
