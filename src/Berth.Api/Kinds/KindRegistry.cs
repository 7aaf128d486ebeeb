using System.Collections.Frozen;

namespace Berth.Api.Kinds;

/// <summary>
/// The set of resources the API serves: the built-in ones plus those that CustomResourceDefinitions add.
/// </summary>
/// <remarks>
/// Reads are lock-free against an immutable snapshot; <see cref="SetCustomResources"/> swaps the snapshot.
/// <see cref="Generation"/> changes on every swap so discovery documents can be cached by it.
/// </remarks>
public sealed class KindRegistry
{
    private Snapshot _snapshot;

    public KindRegistry() : this(BuiltinKinds.Resources) { }

    public KindRegistry(IReadOnlyList<ResourceInfo> builtins)
    {
        Builtins = builtins;
        _snapshot = new Snapshot(builtins, [], 1);
    }

    public IReadOnlyList<ResourceInfo> Builtins { get; }

    /// <summary>Bumped every time the served set changes.</summary>
    public long Generation => _snapshot.Generation;

    /// <summary>Raised after the served set changes (CRD established or removed).</summary>
    public event Action? Changed;

    public IReadOnlyList<ResourceInfo> All => _snapshot.All;

    /// <summary>Groups in discovery order: core first, then built-in groups, then custom groups by name.</summary>
    public IReadOnlyList<string> Groups => _snapshot.Groups;

    public ResourceInfo? Find(string group, string version, string resource) =>
        _snapshot.ByGvr.GetValueOrDefault((group, version, resource));

    public ResourceInfo? FindKind(string group, string version, string kind) =>
        _snapshot.ByGvk.GetValueOrDefault((group, version, kind));

    /// <summary>The versions a group serves, preferred first.</summary>
    public IReadOnlyList<string> VersionsOf(string group) =>
        _snapshot.Versions.TryGetValue(group, out var v) ? v : [];

    /// <summary>All resources of one group-version, in registration order.</summary>
    public IReadOnlyList<ResourceInfo> ResourcesOf(string group, string version) =>
        _snapshot.ByGroupVersion.TryGetValue((group, version), out var list) ? list : [];

    /// <summary>Every served version of one group-resource (e.g. autoscaling/v1 and v2 HPAs).</summary>
    public IEnumerable<ResourceInfo> VersionsOfResource(string group, string resource)
    {
        foreach (var r in _snapshot.All)
        {
            if (r.Group == group && r.Resource == resource)
            {
                yield return r;
            }
        }
    }

    /// <summary>Replaces the set of custom resources (called by the CRD controller).</summary>
    public void SetCustomResources(IReadOnlyList<ResourceInfo> custom)
    {
        lock (this)
        {
            _snapshot = new Snapshot(Builtins, custom, _snapshot.Generation + 1);
        }
        Changed?.Invoke();
    }

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<ResourceInfo> builtins, IReadOnlyList<ResourceInfo> custom, long generation)
        {
            Generation = generation;
            var all = new List<ResourceInfo>(builtins.Count + custom.Count);
            all.AddRange(builtins);
            foreach (var c in custom)
            {
                // A CRD may not shadow a built-in resource.
                if (!builtins.Any(b => b.Group == c.Group && b.Resource == c.Resource))
                {
                    all.Add(c);
                }
            }
            All = all;
            ByGvr = all.GroupBy(r => (r.Group, r.Version, r.Resource)).ToFrozenDictionary(g => g.Key, g => g.First());
            ByGvk = all.GroupBy(r => (r.Group, r.Version, r.Kind)).ToFrozenDictionary(g => g.Key, g => g.First());
            ByGroupVersion = all.GroupBy(r => (r.Group, r.Version))
                .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<ResourceInfo>)g.ToList());
            var groups = new List<string>();
            foreach (var r in builtins)
            {
                if (!groups.Contains(r.Group))
                {
                    groups.Add(r.Group);
                }
            }
            foreach (var g in custom.Select(c => c.Group).Distinct().Order(StringComparer.Ordinal))
            {
                if (!groups.Contains(g))
                {
                    groups.Add(g);
                }
            }
            Groups = groups;
            Versions = groups.ToFrozenDictionary(g => g, g =>
            {
                var rs = all.Where(r => r.Group == g).ToList();
                var preferred = rs.Where(r => r.Preferred).Select(r => r.Version).Distinct();
                var others = rs.Select(r => r.Version).Distinct().Except(preferred);
                return (IReadOnlyList<string>)preferred.Concat(others).ToList();
            });
        }

        public long Generation { get; }
        public IReadOnlyList<ResourceInfo> All { get; }
        public IReadOnlyList<string> Groups { get; }
        public FrozenDictionary<(string, string, string), ResourceInfo> ByGvr { get; }
        public FrozenDictionary<(string, string, string), ResourceInfo> ByGvk { get; }
        public FrozenDictionary<(string, string), IReadOnlyList<ResourceInfo>> ByGroupVersion { get; }
        public FrozenDictionary<string, IReadOnlyList<string>> Versions { get; }
    }
}
