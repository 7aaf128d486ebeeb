using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.DaemonSets;

public sealed partial class DaemonSetController
{
    /// <summary>The revision data of a DaemonSet: its template, to be replaced wholesale (getPatch).</summary>
    internal static JsonNode Patch(V1DaemonSet ds)
    {
        var template = KubeJson.ToNode(ds.Spec.Template);
        template["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
    }

    /// <summary>
    /// The current revision (created when no revision matches the template, renumbered to be the newest)
    /// and the old ones (constructHistory).
    /// </summary>
    private async Task<(V1ControllerRevision Current, List<V1ControllerRevision> Old)> ConstructHistoryAsync(V1DaemonSet ds, CancellationToken ct)
    {
        var manager = new ControllerRefManager<V1ControllerRevision>(_client, _revisionsInfo, ds.Metadata, ApiVersion, KindName,
            LabelSelectors.Of(ds.Spec.Selector), ControllerRefManager<V1ControllerRevision>.RecheckDeletionTimestamp(_client, _dsInfo, ds.Metadata));
        var histories = await manager.ClaimAsync(_revisions.List(ds.Metadata.NamespaceProperty), null, ct).ConfigureAwait(false);
        var patch = Patch(ds);
        var currentHistories = new List<V1ControllerRevision>();
        var old = new List<V1ControllerRevision>();
        foreach (var h in histories)
        {
            var history = h;
            if (ControllerHistory.HashLabel(history) is null)
            {
                // Revisions made before the label existed: label them with their name, as kube does.
                var copy = KubeObjects.Clone(history);
                copy.Metadata.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
                copy.Metadata.Labels[TemplateHash.ControllerRevisionHashLabel] = copy.Metadata.Name;
                history = KubeJson.Deserialize<V1ControllerRevision>(
                    await _client.UpdateAsync(_revisionsInfo, KubeObjects.ToJson(copy, "apps/v1", "ControllerRevision"), null, ct).ConfigureAwait(false));
            }
            if (TemplateHash.SemanticEquals(ControllerHistory.Data(history), patch))
            {
                currentHistories.Add(history);
            }
            else
            {
                old.Add(history);
            }
        }
        var next = old.Count == 0 ? 1 : old.Max(r => r.Revision ?? 0) + 1;
        V1ControllerRevision current;
        if (currentHistories.Count == 0)
        {
            current = await SnapshotAsync(ds, next, patch, ct).ConfigureAwait(false);
        }
        else
        {
            current = await DedupCurrentHistoriesAsync(ds, currentHistories, ct).ConfigureAwait(false);
            if ((current.Revision ?? 0) < next)
            {
                current = await _history.UpdateRevisionAsync(current, next, ct).ConfigureAwait(false);
            }
        }
        return (current, old);
    }

    /// <summary>Creates the revision &lt;ds&gt;-&lt;hash&gt; for the current template; a name taken by other data bumps collisionCount (snapshot).</summary>
    private async Task<V1ControllerRevision> SnapshotAsync(V1DaemonSet ds, long revision, JsonNode patch, CancellationToken ct)
    {
        var hash = TemplateHash.Compute(ds.Spec.Template, ds.Status?.CollisionCount);
        var labels = new Dictionary<string, string>(ds.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [TemplateHash.ControllerRevisionHashLabel] = hash,
        };
        var history = new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = ds.Metadata.Name + "-" + hash,
                NamespaceProperty = ds.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = ds.Metadata.Annotations,
                OwnerReferences = [KubeObjects.NewControllerRef(ds.Metadata, ApiVersion, KindName)],
            },
            Data = patch,
            Revision = revision,
        };
        try
        {
            var created = await _client.CreateAsync(_revisionsInfo, ds.Metadata.NamespaceProperty, KubeObjects.ToJson(history, "apps/v1", "ControllerRevision"), ct)
                .ConfigureAwait(false);
            return KubeJson.Deserialize<V1ControllerRevision>(created);
        }
        catch (StatusException e) when (e.Code == 409 && e.Status.Reason == "AlreadyExists")
        {
            var existing = KubeJson.Deserialize<V1ControllerRevision>(
                await _client.GetAsync(_revisionsInfo, ds.Metadata.NamespaceProperty, history.Metadata.Name, ct).ConfigureAwait(false));
            if (TemplateHash.SemanticEquals(ControllerHistory.Data(existing), patch))
            {
                return existing;
            }
            var fresh = KubeJson.Deserialize<V1DaemonSet>(await _client.GetAsync(_dsInfo, ds.Metadata.NamespaceProperty, ds.Metadata.Name, ct).ConfigureAwait(false));
            if (fresh.Status?.CollisionCount != ds.Status?.CollisionCount)
            {
                throw new InvalidOperationException($"found a stale collision count of DaemonSet \"{ds.Metadata.Name}\" while processing; will retry until it is updated");
            }
            fresh.Status ??= new V1DaemonSetStatus();
            fresh.Status.CollisionCount = (fresh.Status.CollisionCount ?? 0) + 1;
            await _client.UpdateAsync(_dsInfo, KubeObjects.ToJson(fresh, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Keeps the newest of several revisions matching the template, moving pods' hash labels to it (dedupCurHistories).</summary>
    private async Task<V1ControllerRevision> DedupCurrentHistoriesAsync(V1DaemonSet ds, List<V1ControllerRevision> current, CancellationToken ct)
    {
        if (current.Count == 1)
        {
            return current[0];
        }
        var keep = current.MaxBy(r => r.Revision ?? 0)!;
        var keepHash = ControllerHistory.HashLabel(keep)!;
        foreach (var dup in current.Where(r => r.Metadata.Name != keep.Metadata.Name))
        {
            var dupHash = ControllerHistory.HashLabel(dup);
            foreach (var pod in _pods.List(ds.Metadata.NamespaceProperty))
            {
                if (KubeObjects.IsControlledBy(pod.Metadata, ds.Metadata.Uid)
                    && pod.Metadata.Labels?.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var ph) == true && ph == dupHash)
                {
                    await _podControl.PatchPodAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name,
                        new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [TemplateHash.ControllerRevisionHashLabel] = keepHash } } }, ct)
                        .ConfigureAwait(false);
                }
            }
            await _history.DeleteAsync(dup, ct).ConfigureAwait(false);
        }
        return keep;
    }

    /// <summary>Deletes the oldest old revisions beyond revisionHistoryLimit that no pod still uses (cleanupHistory).</summary>
    private async Task CleanupHistoryAsync(V1DaemonSet ds, List<V1ControllerRevision> old, CancellationToken ct)
    {
        var toKill = old.Count - (ds.Spec.RevisionHistoryLimit ?? 10);
        if (toKill <= 0)
        {
            return;
        }
        var liveHashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in _pods.List(ds.Metadata.NamespaceProperty))
        {
            if (KubeObjects.IsControlledBy(pod.Metadata, ds.Metadata.Uid)
                && pod.Metadata.Labels?.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var h) == true)
            {
                liveHashes.Add(h);
            }
        }
        var sorted = old.ToList();
        ControllerHistory.Sort(sorted);
        foreach (var history in sorted)
        {
            if (toKill <= 0)
            {
                break;
            }
            if (ControllerHistory.HashLabel(history) is { } hash && liveHashes.Contains(hash))
            {
                continue;
            }
            await _history.DeleteAsync(history, ct).ConfigureAwait(false);
            toKill--;
        }
    }

    /// <summary>The node's one up-to-date and one old pod; ok is false when it has more than one of either (findUpdatedPodsOnNode).</summary>
    private static (V1Pod? New, V1Pod? Old, bool Ok) UpdatedPodsOnNode(V1DaemonSet ds, List<V1Pod>? pods, string hash)
    {
        V1Pod? newPod = null, oldPod = null;
        var generation = DaemonSetUtil.TemplateGeneration(ds);
        foreach (var pod in pods ?? [])
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            if (DaemonSetUtil.IsPodUpdated(pod, hash, generation))
            {
                if (newPod is not null)
                {
                    return (null, null, false);
                }
                newPod = pod;
            }
            else
            {
                if (oldPod is not null)
                {
                    return (null, null, false);
                }
                oldPod = pod;
            }
        }
        return (newPod, oldPod, true);
    }

    /// <summary>
    /// One step of a rolling update (rollingUpdate). Without surge: delete old pods, unavailable ones first,
    /// while fewer than maxUnavailable nodes are unavailable; the manage step recreates them. With surge:
    /// create new pods beside old ones on up to maxSurge nodes and delete an old pod once its replacement
    /// is available.
    /// </summary>
    private async Task RollingUpdateAsync(V1DaemonSet ds, List<V1Node> nodes, Dictionary<string, List<V1Pod>> nodeToPods, string hash, string key,
        CancellationToken ct)
    {
        var desired = 0;
        foreach (var node in nodes)
        {
            if (!DaemonSetUtil.NodeShouldRunDaemonPod(node, ds).ShouldRun)
            {
                continue;
            }
            desired++;
            nodeToPods.TryAdd(node.Metadata.Name, []);
        }
        var (maxSurge, maxUnavailable) = DaemonSetUtil.SurgeAndUnavailable(ds, desired);
        var now = KubeObjects.Now(_time);
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var nodesByName = nodes.ToDictionary(n => n.Metadata.Name, StringComparer.Ordinal);

        if (maxSurge == 0)
        {
            var numUnavailable = 0;
            var allowedReplacements = new List<string>();
            var candidates = new List<string>();
            foreach (var (_, pods) in nodeToPods)
            {
                var (newPod, oldPod, ok) = UpdatedPodsOnNode(ds, pods, hash);
                if (!ok)
                {
                    numUnavailable++;
                    continue;
                }
                if ((oldPod is null && newPod is null) || (oldPod is not null && newPod is not null))
                {
                    numUnavailable++;
                }
                else if (newPod is not null)
                {
                    if (!PodUtil.IsAvailable(newPod, minReady, now))
                    {
                        numUnavailable++;
                    }
                }
                else if (!PodUtil.IsAvailable(oldPod!, minReady, now))
                {
                    allowedReplacements.Add(oldPod!.Metadata.Name);
                    numUnavailable++;
                }
                else if (numUnavailable < maxUnavailable)
                {
                    candidates.Add(oldPod!.Metadata.Name);
                }
            }
            var remaining = Math.Clamp(maxUnavailable - numUnavailable, 0, candidates.Count);
            await SyncNodesAsync(ds, [.. allowedReplacements, .. candidates.Take(remaining)], [], hash, key, ct).ConfigureAwait(false);
            return;
        }

        var oldPodsToDelete = new List<string>();
        var shouldNotRunPodsToDelete = new List<string>();
        var candidateNewNodes = new List<string>();
        var allowedNewNodes = new List<string>();
        var numSurge = 0;
        var numAvailable = 0;
        foreach (var (nodeName, pods) in nodeToPods)
        {
            var (newPod, oldPod, ok) = UpdatedPodsOnNode(ds, pods, hash);
            if (!ok)
            {
                numSurge++;
                continue;
            }
            if (oldPod is not null ? PodUtil.IsAvailable(oldPod, minReady, now) : newPod is not null && PodUtil.IsAvailable(newPod, minReady, now))
            {
                numAvailable++;
            }
            if (oldPod is null)
            {
                continue;
            }
            var shouldRun = nodesByName.TryGetValue(nodeName, out var node) && DaemonSetUtil.NodeShouldRunDaemonPod(node, ds).ShouldRun;
            if (newPod is null)
            {
                if (!PodUtil.IsAvailable(oldPod, minReady, now))
                {
                    if (!shouldRun)
                    {
                        oldPodsToDelete.Add(oldPod.Metadata.Name);
                        continue;
                    }
                    allowedNewNodes.Add(nodeName);
                }
                else
                {
                    if (!shouldRun)
                    {
                        shouldNotRunPodsToDelete.Add(oldPod.Metadata.Name);
                        continue;
                    }
                    if (numSurge >= maxSurge)
                    {
                        continue;
                    }
                    candidateNewNodes.Add(nodeName);
                }
            }
            else if (!PodUtil.IsAvailable(newPod, minReady, now))
            {
                numSurge++;
            }
            else
            {
                oldPodsToDelete.Add(oldPod.Metadata.Name);
            }
        }
        // With surge the owner expects full availability: pods on nodes that no longer qualify go only as
        // replacements elsewhere become available.
        var deletable = Math.Min(numAvailable - desired, shouldNotRunPodsToDelete.Count);
        if (deletable > 0)
        {
            oldPodsToDelete.AddRange(shouldNotRunPodsToDelete.Take(deletable));
        }
        var remainingSurge = Math.Clamp(maxSurge - numSurge, 0, candidateNewNodes.Count);
        await SyncNodesAsync(ds, oldPodsToDelete, [.. allowedNewNodes, .. candidateNewNodes.Take(remainingSurge)], hash, key, ct).ConfigureAwait(false);
    }
}
