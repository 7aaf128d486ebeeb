using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Deployments;

public sealed partial class DeploymentController
{
    /// <summary>
    /// One step of a Recreate rollout: scale every old ReplicaSet to zero, wait until none of their pods
    /// runs, then create (or scale up) the new one (rolloutRecreate).
    /// </summary>
    private async Task RolloutRecreateAsync(V1Deployment d, List<V1ReplicaSet> rsList, Dictionary<string, List<V1Pod>> podMap, CancellationToken ct)
    {
        // Do not create the new ReplicaSet yet: its pods must not run beside the old ones.
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct).ConfigureAwait(false);
        d = dd;
        var all = new List<V1ReplicaSet?>([.. oldRss, newRs]);
        var scaledDown = false;
        var updatedOld = new List<V1ReplicaSet>();
        foreach (var rs in oldRss)
        {
            if (DeploymentUtil.Replicas(rs) == 0)
            {
                updatedOld.Add(rs);
                continue;
            }
            var (scaled, updated) = await ScaleReplicaSetAndRecordEventAsync(rs, 0, d, ct).ConfigureAwait(false);
            scaledDown |= scaled;
            updatedOld.Add(updated);
        }
        if (scaledDown)
        {
            await SyncRolloutStatusAsync([.. updatedOld, newRs], newRs, d, ct).ConfigureAwait(false);
            return;
        }
        if (OldPodsRunning(newRs, oldRss, podMap))
        {
            await SyncRolloutStatusAsync(all, newRs, d, ct).ConfigureAwait(false);
            return;
        }
        if (newRs is null)
        {
            (newRs, oldRss, d) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: true, ct).ConfigureAwait(false);
            all = [.. oldRss, newRs];
        }
        var (_, scaledNew) = await ScaleReplicaSetAndRecordEventAsync(newRs!, DeploymentUtil.Replicas(d), d, ct).ConfigureAwait(false);
        newRs = scaledNew;
        all = [.. oldRss, newRs];
        if (d.Status is { } status && DeploymentUtil.DeploymentComplete(d, status))
        {
            await CleanupDeploymentAsync(oldRss, d, ct).ConfigureAwait(false);
        }
        await SyncRolloutStatusAsync(all, newRs, d, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// True while an old ReplicaSet still reports pods, or any of its pods is not finished (a pod in an
    /// unknown state counts as running, to be safe).
    /// </summary>
    internal static bool OldPodsRunning(V1ReplicaSet? newRs, List<V1ReplicaSet> oldRss, Dictionary<string, List<V1Pod>> podMap)
    {
        if (oldRss.Sum(rs => rs.Status?.Replicas ?? 0) > 0)
        {
            return true;
        }
        foreach (var (rsUid, pods) in podMap)
        {
            if (newRs is not null && newRs.Metadata.Uid == rsUid)
            {
                continue;
            }
            foreach (var pod in pods)
            {
                if (PodUtil.Phase(pod) is PodUtil.Failed or PodUtil.Succeeded)
                {
                    continue;
                }
                return true;
            }
        }
        return false;
    }
}
