using System.Collections.Concurrent;

namespace Berth.Controllers.Jobs;

/// <summary>
/// The pods (by uid) whose tracking finalizer the Job controller asked to remove and has not yet seen
/// removed (kube's uidTrackingExpectations for finalizers): they must not be counted a second time.
/// </summary>
internal sealed class FinalizerExpectations
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _expected = new(StringComparer.Ordinal);

    public IReadOnlySet<string> Expected(string jobKey)
    {
        if (!_expected.TryGetValue(jobKey, out var set))
        {
            return new HashSet<string>();
        }
        lock (set)
        {
            return new HashSet<string>(set, StringComparer.Ordinal);
        }
    }

    public void ExpectRemoved(string jobKey, IEnumerable<string> uids)
    {
        var set = _expected.GetOrAdd(jobKey, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (set)
        {
            set.UnionWith(uids);
        }
    }

    public void Observed(string jobKey, string uid)
    {
        if (_expected.TryGetValue(jobKey, out var set))
        {
            lock (set)
            {
                set.Remove(uid);
            }
        }
    }

    public void Delete(string jobKey) => _expected.TryRemove(jobKey, out _);
}
