using k8s.Models;

namespace Berth.Controllers.Deployments;

public sealed partial class DeploymentController
{
    /// <summary>
    /// One step of a RollingUpdate: scale the new ReplicaSet up within maxSurge, or else scale old ones down
    /// within maxUnavailable; once the rollout is complete, prune history (rolloutRolling).
    /// </summary>
    private async Task RolloutRollingAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: true, ct).ConfigureAwait(false);
        d = dd;
        var all = new List<V1ReplicaSet?>([.. oldRss, newRs]);
        var (scaledUp, updatedNew) = await ReconcileNewReplicaSetAsync(all, newRs!, d, ct).ConfigureAwait(false);
        if (scaledUp)
        {
            await SyncRolloutStatusAsync([.. oldRss, updatedNew], updatedNew, d, ct).ConfigureAwait(false);
            return;
        }
        var (scaledDown, updatedOld) = await ReconcileOldReplicaSetsAsync(all, DeploymentUtil.Active(oldRss), newRs!, d, ct).ConfigureAwait(false);
        if (scaledDown)
        {
            // Status counts come from the ReplicaSets as the cache knows them, with our new sizes.
            var merged = oldRss.Select(o => updatedOld.FirstOrDefault(u => u.Metadata.Uid == o.Metadata.Uid) ?? o).ToList();
            await SyncRolloutStatusAsync([.. merged, newRs], newRs, d, ct).ConfigureAwait(false);
            return;
        }
        if (d.Status is { } status && DeploymentUtil.DeploymentComplete(d, status))
        {
            await CleanupDeploymentAsync(oldRss, d, ct).ConfigureAwait(false);
        }
        await SyncRolloutStatusAsync(all, newRs, d, ct).ConfigureAwait(false);
    }

    /// <summary>Scales the new ReplicaSet toward spec.replicas as far as maxSurge allows (reconcileNewReplicaSet).</summary>
    private async Task<(bool Scaled, V1ReplicaSet Rs)> ReconcileNewReplicaSetAsync(List<V1ReplicaSet?> all, V1ReplicaSet newRs, V1Deployment d, CancellationToken ct)
    {
        var desired = DeploymentUtil.Replicas(d);
        if (DeploymentUtil.Replicas(newRs) == desired)
        {
            return (false, newRs);
        }
        if (DeploymentUtil.Replicas(newRs) > desired)
        {
            return await ScaleReplicaSetAndRecordEventAsync(newRs, desired, d, ct).ConfigureAwait(false);
        }
        var newReplicas = DeploymentUtil.NewRSNewReplicas(d, all, newRs);
        return await ScaleReplicaSetAndRecordEventAsync(newRs, newReplicas, d, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Scales old ReplicaSets down without taking availability below spec.replicas − maxUnavailable,
    /// unhealthy replicas first (reconcileOldReplicaSets).
    /// </summary>
    /// <remarks>
    /// maxScaledDown = allPods − minAvailable − newRSUnavailable: pods of the new ReplicaSet that are not
    /// available yet must not let old pods go (kubernetes#16737 and the rollback case in kube's comments).
    /// </remarks>
    private async Task<(bool Scaled, List<V1ReplicaSet> Updated)> ReconcileOldReplicaSetsAsync(List<V1ReplicaSet?> all, List<V1ReplicaSet> oldRss,
        V1ReplicaSet newRs, V1Deployment d, CancellationToken ct)
    {
        var updated = new List<V1ReplicaSet>();
        if (DeploymentUtil.ReplicaCount(oldRss) == 0)
        {
            return (false, updated);
        }
        var allPods = DeploymentUtil.ReplicaCount(all);
        var minAvailable = DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d);
        var newUnavailable = DeploymentUtil.Replicas(newRs) - (newRs.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return (false, updated);
        }
        var (olds, cleaned) = await CleanupUnhealthyReplicasAsync(oldRss, d, maxScaledDown, ct).ConfigureAwait(false);
        var scaledDown = await ScaleDownOldReplicaSetsForRollingUpdateAsync([.. olds, newRs], olds, d, ct).ConfigureAwait(false);
        updated.AddRange(olds);
        return (cleaned + scaledDown > 0, updated);
    }

    /// <summary>Scales old ReplicaSets down by their unavailable replicas, oldest first (cleanupUnhealthyReplicas).</summary>
    private async Task<(List<V1ReplicaSet> Olds, int Cleaned)> CleanupUnhealthyReplicasAsync(List<V1ReplicaSet> oldRss, V1Deployment d, int maxCleanup,
        CancellationToken ct)
    {
        var olds = oldRss.ToList();
        olds.Sort(DeploymentUtil.ByCreation);
        var total = 0;
        for (var i = 0; i < olds.Count && total < maxCleanup; i++)
        {
            var rs = olds[i];
            var replicas = DeploymentUtil.Replicas(rs);
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (replicas == 0 || replicas == available)
            {
                continue;
            }
            var count = Math.Min(maxCleanup - total, replicas - available);
            var newCount = replicas - count;
            if (newCount > replicas)
            {
                throw new InvalidOperationException($"when cleaning up unhealthy replicas, got invalid request to scale down {rs.Metadata.NamespaceProperty}/{rs.Metadata.Name} {replicas} -> {newCount}");
            }
            var (_, updated) = await ScaleReplicaSetAndRecordEventAsync(rs, newCount, d, ct).ConfigureAwait(false);
            total += count;
            olds[i] = updated;
        }
        return (olds, total);
    }

    /// <summary>Scales old ReplicaSets down while availability stays above the minimum, oldest first.</summary>
    private async Task<int> ScaleDownOldReplicaSetsForRollingUpdateAsync(List<V1ReplicaSet> all, List<V1ReplicaSet> olds, V1Deployment d, CancellationToken ct)
    {
        var minAvailable = DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d);
        var available = DeploymentUtil.AvailableReplicaCount(all);
        if (available <= minAvailable)
        {
            return 0;
        }
        olds.Sort(DeploymentUtil.ByCreation);
        var total = 0;
        var target = available - minAvailable;
        for (var i = 0; i < olds.Count && total < target; i++)
        {
            var rs = olds[i];
            var replicas = DeploymentUtil.Replicas(rs);
            if (replicas == 0)
            {
                continue;
            }
            var count = Math.Min(replicas, target - total);
            var (_, updated) = await ScaleReplicaSetAndRecordEventAsync(rs, replicas - count, d, ct).ConfigureAwait(false);
            olds[i] = updated;
            total += count;
        }
        return total;
    }
}
