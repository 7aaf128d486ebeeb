using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>
/// ControllerRevisions, the history StatefulSets and DaemonSets keep of their pod templates (kube's
/// controller/history package): naming by hash, equality, ordering, creation with collision handling.
/// </summary>
public sealed class ControllerHistory(IApiClient client)
{
    private readonly ResourceInfo _revisions = client.Kinds.Find("apps", "v1", "controllerrevisions")!;

    /// <summary>The data of a revision as JSON.</summary>
    public static JsonNode? Data(V1ControllerRevision revision) => revision.Data switch
    {
        null => null,
        JsonElement e => JsonNode.Parse(e.GetRawText()),
        JsonNode n => n,
        var o => JsonSerializer.SerializeToNode(o, KubeJson.Options),
    };

    /// <summary>The hash of a revision's data and the collision count (HashControllerRevision).</summary>
    public static string Hash(V1ControllerRevision revision, int? collisionCount) => TemplateHash.Compute(Data(revision), collisionCount);

    /// <summary>"&lt;prefix&gt;-&lt;hash&gt;", the prefix cut to 223 characters (ControllerRevisionName).</summary>
    public static string RevisionName(string prefix, string hash) => (prefix.Length > 223 ? prefix[..223] : prefix) + "-" + hash;

    /// <summary>A new revision owned by <paramref name="parent"/> (NewControllerRevision).</summary>
    public static V1ControllerRevision New(V1ObjectMeta parent, string parentApiVersion, string parentKind, IDictionary<string, string>? templateLabels,
        JsonNode data, long revision, int? collisionCount)
    {
        var labels = new Dictionary<string, string>(templateLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var cr = new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Labels = labels,
                NamespaceProperty = parent.NamespaceProperty,
                OwnerReferences = [KubeObjects.NewControllerRef(parent, parentApiVersion, parentKind)],
            },
            Data = data,
            Revision = revision,
        };
        var hash = Hash(cr, collisionCount);
        cr.Metadata.Name = RevisionName(parent.Name, hash);
        labels[TemplateHash.ControllerRevisionHashLabel] = hash;
        return cr;
    }

    /// <summary>Same hash label and same data (EqualRevision).</summary>
    public static bool Equal(V1ControllerRevision? a, V1ControllerRevision? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        var ha = HashLabel(a);
        var hb = HashLabel(b);
        return ha == hb && TemplateHash.SemanticEquals(Data(a), Data(b));
    }

    /// <summary>The controller-revision-hash label of a revision, or null.</summary>
    public static string? HashLabel(V1ControllerRevision r) =>
        r.Metadata.Labels is { } l && l.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var h) ? h : null;

    /// <summary>The revisions equal to <paramref name="needle"/> (FindEqualRevisions).</summary>
    public static List<V1ControllerRevision> FindEqual(IEnumerable<V1ControllerRevision> revisions, V1ControllerRevision needle) =>
        revisions.Where(r => Equal(r, needle)).ToList();

    /// <summary>By revision number, then creation time, then name (SortControllerRevisions).</summary>
    public static void Sort(List<V1ControllerRevision> revisions) => revisions.Sort((a, b) =>
    {
        var c = (a.Revision ?? 0).CompareTo(b.Revision ?? 0);
        if (c != 0)
        {
            return c;
        }
        c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    });

    /// <summary>One more than the highest revision number, 1 for an empty history (nextRevision).</summary>
    public static long NextRevision(IReadOnlyList<V1ControllerRevision> sorted) => sorted.Count == 0 ? 1 : (sorted[^1].Revision ?? 0) + 1;

    /// <summary>
    /// Creates the revision; when the name is taken by a different revision, bumps the collision count and
    /// renames (CreateControllerRevision). Returns the stored revision and the final collision count.
    /// </summary>
    public async Task<(V1ControllerRevision Revision, int CollisionCount)> CreateAsync(V1ObjectMeta parent, V1ControllerRevision revision,
        int collisionCount, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var hash = Hash(revision, collisionCount);
            revision.Metadata.Name = RevisionName(parent.Name, hash);
            revision.Metadata.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
            revision.Metadata.Labels[TemplateHash.ControllerRevisionHashLabel] = hash;
            try
            {
                var created = await client.CreateAsync(_revisions, parent.NamespaceProperty, KubeObjects.ToJson(revision, "apps/v1", "ControllerRevision"), ct)
                    .ConfigureAwait(false);
                return (KubeJson.Deserialize<V1ControllerRevision>(created), collisionCount);
            }
            catch (StatusException e) when (e.Code == 409 && e.Status.Reason == "AlreadyExists")
            {
                var existing = KubeJson.Deserialize<V1ControllerRevision>(
                    await client.GetAsync(_revisions, parent.NamespaceProperty, revision.Metadata.Name, ct).ConfigureAwait(false));
                if (Equal(existing, revision))
                {
                    return (existing, collisionCount);
                }
                collisionCount++;
            }
        }
        throw new InvalidOperationException($"could not find a free ControllerRevision name for {parent.Name}");
    }

    /// <summary>Sets a stored revision's number (a rollback to an earlier template).</summary>
    public async Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, long newRevision, CancellationToken ct)
    {
        if (revision.Revision == newRevision)
        {
            return revision;
        }
        var copy = KubeObjects.Clone(revision);
        copy.Revision = newRevision;
        var updated = await client.UpdateAsync(_revisions, KubeObjects.ToJson(copy, "apps/v1", "ControllerRevision"), null, ct).ConfigureAwait(false);
        return KubeJson.Deserialize<V1ControllerRevision>(updated);
    }

    public async Task DeleteAsync(V1ControllerRevision revision, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync(_revisions, revision.Metadata.NamespaceProperty, revision.Metadata.Name, null, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 404)
        {
        }
    }
}
