using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.ReplicaSets;

public sealed partial class ReplicaSetController
{
    /// <summary>Reconciles one ReplicaSet from the cache (syncReplicaSet).</summary>
    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _replicaSets.Get(ns, name);
        if (cached is null)
        {
            _expectations.DeleteExpectations(key);
            return;
        }
        var rsNeedsSync = _expectations.SatisfiedExpectations(key);
        var selector = LabelSelectors.Of(cached.Spec?.Selector);

        // Every pod of the namespace, so pods that stopped matching but still point at us are released.
        var active = PodUtil.FilterActive(_pods.List(ns));
        var manager = new ControllerRefManager<V1Pod>(_client, _pods.Resource, cached.Metadata, ApiVersion, KindName, selector,
            ControllerRefManager<V1Pod>.RecheckDeletionTimestamp(_client, _replicaSetsInfo, cached.Metadata));
        var filtered = await manager.ClaimAsync(active, null, ct).ConfigureAwait(false);

        Exception? manageError = null;
        if (rsNeedsSync && cached.Metadata.DeletionTimestamp is null)
        {
            manageError = await ManageReplicasAsync(filtered, cached, key, ct).ConfigureAwait(false);
        }
        var rs = KubeObjects.Clone(cached);
        var now = KubeObjects.Now(_time);
        var newStatus = ReplicaSetStatusCalculator.Calculate(rs, filtered, manageError, now);
        var updated = await UpdateStatusAsync(rs, newStatus, ct).ConfigureAwait(false);

        // Pods become available minReadySeconds after they become ready; look again then.
        var replicas = updated.Spec.Replicas ?? 1;
        if (manageError is null && updated.Spec.MinReadySeconds is > 0 and var minReady
            && updated.Status.ReadyReplicas == replicas && updated.Status.AvailableReplicas != replicas)
        {
            _queue.AddAfter(key, TimeSpan.FromSeconds(minReady));
        }
        if (manageError is not null)
        {
            throw manageError;
        }
    }

    /// <summary>Creates or deletes pods to reach spec.replicas (manageReplicas); returns the failure, if any.</summary>
    private async Task<Exception?> ManageReplicasAsync(List<V1Pod> filtered, V1ReplicaSet rs, string key, CancellationToken ct)
    {
        var diff = filtered.Count - (rs.Spec.Replicas ?? 1);
        var owner = KubeObjects.EventTarget(ApiVersion, KindName, rs.Metadata);
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            // Expect the creations before making them: the informer may report a pod before CreateAsync returns.
            _expectations.ExpectCreations(key, toCreate);
            var controllerRef = KubeObjects.NewControllerRef(rs.Metadata, ApiVersion, KindName);
            var (attempted, _, error) = await SlowStart.BatchAsync(toCreate, async _ =>
            {
                try
                {
                    await _podControl.CreatePodAsync(rs.Metadata.NamespaceProperty, rs.Spec.Template, owner, controllerRef, ct).ConfigureAwait(false);
                }
                catch (StatusException e) when (PodControl.IsNamespaceTerminating(e))
                {
                    // Every later create fails the same way; nothing to report.
                }
                catch
                {
                    // The informer will never see this pod.
                    _expectations.CreationObserved(key);
                    throw;
                }
            }).ConfigureAwait(false);
            // Pods never attempted after a failed batch will not be observed either.
            for (var i = attempted; i < toCreate; i++)
            {
                _expectations.CreationObserved(key);
            }
            return error;
        }
        if (diff > 0)
        {
            var toDelete = Math.Min(diff, BurstReplicas);
            var related = RelatedPods(rs);
            var victims = PodsToDelete(filtered, related, toDelete, KubeObjects.Now(_time));
            var victimKeys = victims.Select(KubeObjects.Key).ToList();
            _expectations.ExpectDeletions(key, victimKeys);
            var errors = await Task.WhenAll(victims.Select(async pod =>
            {
                try
                {
                    await _podControl.DeletePodAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name, owner, ct).ConfigureAwait(false);
                    return null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The informer will not report a deletion that did not happen.
                    _expectations.DeletionObserved(key, KubeObjects.Key(pod));
                    return e is StatusException { Code: 404 } ? null : e;
                }
            })).ConfigureAwait(false);
            return errors.FirstOrDefault(e => e is not null);
        }
        return null;
    }

    /// <summary>
    /// Pods of the sibling ReplicaSets (same controller, e.g. the same Deployment): a pod sharing its node
    /// with many of them is a better deletion candidate (getIndirectlyRelatedPods).
    /// </summary>
    private List<V1Pod> RelatedPods(V1ReplicaSet rs)
    {
        var owner = KubeObjects.ControllerOf(rs.Metadata);
        var siblings = new HashSet<string>(StringComparer.Ordinal) { rs.Metadata.Uid };
        if (owner is not null)
        {
            foreach (var other in _replicaSets.List(rs.Metadata.NamespaceProperty))
            {
                if (KubeObjects.ControllerOf(other.Metadata)?.Uid == owner.Uid)
                {
                    siblings.Add(other.Metadata.Uid);
                }
            }
        }
        var related = new List<V1Pod>();
        foreach (var pod in _pods.List(rs.Metadata.NamespaceProperty))
        {
            if (KubeObjects.ControllerOf(pod.Metadata) is { } r && siblings.Contains(r.Uid))
            {
                related.Add(pod);
            }
        }
        return related;
    }

    /// <summary>
    /// The <paramref name="count"/> pods to delete first (getPodsToDelete): ranked by <see cref="ActivePodsRanking"/>,
    /// where a pod sharing its node with more active <paramref name="related"/> pods ranks as more deletable.
    /// </summary>
    public static List<V1Pod> PodsToDelete(List<V1Pod> filtered, List<V1Pod> related, int count, DateTime now)
    {
        if (count >= filtered.Count)
        {
            return [.. filtered];
        }
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in related)
        {
            if (PodUtil.IsActive(p))
            {
                var node = p.Spec?.NodeName ?? "";
                perNode[node] = perNode.GetValueOrDefault(node) + 1;
            }
        }
        var ranked = filtered.Select(p => (p, perNode.GetValueOrDefault(p.Spec?.NodeName ?? ""))).ToList();
        ActivePodsRanking.Sort(ranked, now);
        return ranked.Take(count).Select(r => r.Item1).ToList();
    }

    /// <summary>Writes the status when it changed (updateReplicaSetStatus), re-reading once on a conflict.</summary>
    private async Task<V1ReplicaSet> UpdateStatusAsync(V1ReplicaSet rs, V1ReplicaSetStatus newStatus, CancellationToken ct)
    {
        var generation = rs.Metadata.Generation ?? 0;
        if (ReplicaSetStatusCalculator.SameCounts(rs.Status, newStatus) && (rs.Status?.ObservedGeneration ?? 0) >= generation)
        {
            return rs;
        }
        newStatus.ObservedGeneration = generation;
        for (var attempt = 0; ; attempt++)
        {
            rs.Status = newStatus;
            try
            {
                var result = await _client.UpdateAsync(_replicaSetsInfo, KubeObjects.ToJson(rs, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
                return KubeJson.Deserialize<V1ReplicaSet>(result);
            }
            catch (StatusException e) when (e.Code == 409 && attempt == 0)
            {
                var fresh = await _client.GetAsync(_replicaSetsInfo, rs.Metadata.NamespaceProperty, rs.Metadata.Name, ct).ConfigureAwait(false);
                rs = KubeJson.Deserialize<V1ReplicaSet>(fresh);
                _logger.LogDebug("replicaset {Key}: status conflict, retrying on a fresh copy", KubeObjects.Key(rs));
            }
        }
    }
}
