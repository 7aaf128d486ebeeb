using System.Text.Json.Nodes;

namespace Berth.ApiServer.Apply;

/// <summary>
/// structured-merge-diff's <c>merge.Updater</c> for one API version: how an update moves ownership, and
/// how an apply merges, prunes what the applier stopped applying, and detects conflicts.
/// </summary>
/// <remarks>
/// Objects of other API versions are not converted (Berth serves one version per group/kind in its
/// storage), so every manager's fields are compared in the request's version.
/// </remarks>
internal sealed class Updater(ISchemaNode schema, FieldSet ignored)
{
    public ISchemaNode Schema { get; } = schema;

    /// <summary>Fields the strategy resets (status on the main resource): nobody owns them through this endpoint.</summary>
    public FieldSet Ignored { get; } = ignored;

    /// <summary>
    /// kube's <c>Updater.Update</c>: gives <paramref name="manager"/> every field that changed, takes changed
    /// and removed fields away from everyone else, and drops managers left with nothing.
    /// </summary>
    public void Update(JsonObject live, JsonObject updated, string version, Dictionary<ManagerId, VersionedSet> managers, ManagerId manager)
    {
        var compare = UpdateOthers(live, updated, managers, manager, force: true);
        var previous = managers.TryGetValue(manager, out var p) ? p.Set : FieldSet.Empty;
        var set = previous.Union(compare.Modified).Union(compare.Added).Difference(compare.Removed).RecursiveDifference(Ignored);
        if (set.IsEmpty)
        {
            managers.Remove(manager);
        }
        else
        {
            managers[manager] = new VersionedSet(set, version, false);
        }
    }

    /// <summary>
    /// kube's <c>Updater.Apply</c>: merges <paramref name="config"/> into <paramref name="live"/>, removes what
    /// the applier applied before but no longer applies (unless someone else owns it), and moves ownership.
    /// Returns null when the object does not change.
    /// </summary>
    /// <exception cref="ApplyConflictException">Another manager owns a field the apply changes and <paramref name="force"/> is false.</exception>
    public JsonObject? Apply(JsonObject live, JsonObject config, string version, Dictionary<ManagerId, VersionedSet> managers, ManagerId manager, bool force)
    {
        var merged = Merger.Merge(live, config, Schema);
        managers.TryGetValue(manager, out var lastSet);
        var set = ToFieldSet.Of(config, Schema).RecursiveDifference(Ignored);
        managers[manager] = new VersionedSet(set, version, true);
        merged = Prune(merged, managers, lastSet);
        UpdateOthers(live, merged, managers, manager, force);
        NullStripper.Strip(merged, Schema);
        return GoJson.DeepEquals(live, merged) ? null : merged;
    }

    public Comparison Compare(JsonObject l, JsonObject r) => Comparison.Of(l, r, Schema).ExcludeFields(Ignored);

    // kube's Updater.update: conflicts are fields another manager owns that the change modifies or adds.
    private Comparison UpdateOthers(JsonObject oldObj, JsonObject newObj, Dictionary<ManagerId, VersionedSet> managers, ManagerId workflow, bool force)
    {
        var compare = Compare(oldObj, newObj);
        var changed = compare.Modified.Union(compare.Added);
        List<(ManagerId, FieldSet)>? conflicts = null;
        foreach (var (m, vs) in managers)
        {
            if (m.Equals(workflow))
            {
                continue;
            }
            var conflict = vs.Set.Intersection(changed);
            if (!conflict.IsEmpty)
            {
                (conflicts ??= []).Add((m, conflict));
            }
        }
        if (!force && conflicts is not null)
        {
            throw new ApplyConflictException(conflicts);
        }
        if (conflicts is not null)
        {
            foreach (var (m, conflict) in conflicts)
            {
                var vs = managers[m];
                managers[m] = vs with { Set = vs.Set.Difference(conflict) };
            }
        }
        if (!compare.Removed.IsEmpty)
        {
            foreach (var m in managers.Keys.ToList())
            {
                if (!m.Equals(workflow))
                {
                    var vs = managers[m];
                    managers[m] = vs with { Set = vs.Set.Difference(compare.Removed) };
                }
            }
        }
        foreach (var m in managers.Keys.ToList())
        {
            if (managers[m].Set.IsEmpty)
            {
                managers.Remove(m);
            }
        }
        return compare;
    }

    /// <summary>
    /// kube's <c>prune</c>: removes fields, list items and map entries the applier owned last time and no
    /// longer applies, keeping whatever another manager (or the new configuration) owns and whatever the
    /// applier never owned.
    /// </summary>
    private JsonObject Prune(JsonObject merged, Dictionary<ManagerId, VersionedSet> managers, VersionedSet? lastSet)
    {
        if (lastSet is null || lastSet.Set.IsEmpty)
        {
            return merged;
        }
        var last = lastSet.Set.EnsureNamedFieldsAreMembers(Schema);
        var pruned = Remover.RemoveItems(merged, last, Schema);

        // Add back what any manager owns.
        var managed = FieldSet.Empty;
        foreach (var vs in managers.Values)
        {
            managed = managed.Union(vs.Set);
        }
        var mergedSet = ToFieldSet.Of(merged, Schema).EnsureNamedFieldsAreMembers(Schema);
        var prunedSet = ToFieldSet.Of(pruned, Schema).EnsureNamedFieldsAreMembers(Schema);
        pruned = Remover.RemoveItems(merged, mergedSet.Difference(prunedSet.Union(managed.EnsureNamedFieldsAreMembers(Schema))), Schema);

        // Add back what the applier never owned: only its own former fields may go.
        prunedSet = ToFieldSet.Of(pruned, Schema).EnsureNamedFieldsAreMembers(Schema);
        return Remover.RemoveItems(merged, mergedSet.Difference(prunedSet).Intersection(last), Schema);
    }
}
