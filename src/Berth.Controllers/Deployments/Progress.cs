using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Deployments;

public sealed partial class DeploymentController
{
    /// <summary>
    /// Writes the status with the Progressing condition: True NewReplicaSetAvailable when complete, True
    /// ReplicaSetUpdated (new lastUpdateTime) on any progress, False ProgressDeadlineExceeded when nothing
    /// moved for progressDeadlineSeconds; ReplicaFailure mirrors the ReplicaSets' (syncRolloutStatus).
    /// </summary>
    private async Task SyncRolloutStatusAsync(List<V1ReplicaSet?> all, V1ReplicaSet? newRs, V1Deployment d, CancellationToken ct)
    {
        var status = CalculateStatus(all, newRs, d);
        var now = KubeObjects.Now(_time);
        if (!DeploymentUtil.HasProgressDeadline(d))
        {
            DeploymentUtil.RemoveCondition(status, DeploymentUtil.Progressing);
        }
        var current = DeploymentUtil.GetCondition(d.Status, DeploymentUtil.Progressing);
        var isComplete = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentUtil.NewRSAvailableReason;
        if (DeploymentUtil.HasProgressDeadline(d) && !isComplete)
        {
            if (DeploymentUtil.DeploymentComplete(d, status))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" has successfully progressed." : $"ReplicaSet \"{newRs.Metadata.Name}\" has successfully progressed.";
                DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "True", DeploymentUtil.NewRSAvailableReason, msg, now));
            }
            else if (DeploymentUtil.DeploymentProgressing(d, status))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" is progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" is progressing.";
                var condition = DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "True", DeploymentUtil.ReplicaSetUpdatedReason, msg, now);
                // Progress refreshes lastUpdateTime even with an unchanged reason (the deadline counts from it).
                if (current is not null)
                {
                    if (current.Status == "True")
                    {
                        condition.LastTransitionTime = current.LastTransitionTime;
                    }
                    DeploymentUtil.RemoveCondition(status, DeploymentUtil.Progressing);
                }
                DeploymentUtil.SetCondition(status, condition);
            }
            else if (DeploymentUtil.DeploymentTimedOut(d, status, now))
            {
                var msg = newRs is null ? $"Deployment \"{d.Metadata.Name}\" has timed out progressing." : $"ReplicaSet \"{newRs.Metadata.Name}\" has timed out progressing.";
                DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "False", DeploymentUtil.TimedOutReason, msg, now));
            }
        }
        if (ReplicaFailure(all, newRs) is { } failure)
        {
            DeploymentUtil.SetCondition(status, failure);
        }
        else
        {
            DeploymentUtil.RemoveCondition(status, DeploymentUtil.ReplicaFailure);
        }
        if (KubeObjects.JsonEquals(d.Status, status))
        {
            RequeueStuckDeployment(d, status, now);
            return;
        }
        d.Status = status;
        await UpdateStatusAsync(d, ct).ConfigureAwait(false);
    }

    /// <summary>The new ReplicaSet's ReplicaFailure condition (else any old one's), as a Deployment condition.</summary>
    private static V1DeploymentCondition? ReplicaFailure(List<V1ReplicaSet?> all, V1ReplicaSet? newRs)
    {
        static V1DeploymentCondition? From(V1ReplicaSet? rs)
        {
            var c = rs?.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentUtil.ReplicaFailure);
            return c is null ? null : new V1DeploymentCondition
            {
                Type = c.Type,
                Status = c.Status,
                Reason = c.Reason,
                Message = c.Message,
                LastTransitionTime = c.LastTransitionTime,
                LastUpdateTime = c.LastTransitionTime,
            };
        }
        if (From(newRs) is { } fromNew)
        {
            return fromNew;
        }
        foreach (var rs in all)
        {
            if (rs is not null && (newRs is null || rs.Metadata.Uid != newRs.Metadata.Uid) && From(rs) is { } c)
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>
    /// A rollout that shows no progress is looked at again when its deadline passes, so
    /// ProgressDeadlineExceeded appears on time without a resync (kubernetes#34458).
    /// </summary>
    private void RequeueStuckDeployment(V1Deployment d, V1DeploymentStatus status, DateTime now)
    {
        var current = DeploymentUtil.GetCondition(d.Status, DeploymentUtil.Progressing);
        if (!DeploymentUtil.HasProgressDeadline(d) || current is null)
        {
            return;
        }
        if (DeploymentUtil.DeploymentComplete(d, status) || current.Reason == DeploymentUtil.TimedOutReason)
        {
            return;
        }
        var from = current.LastUpdateTime ?? now;
        var after = from.AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) - KubeObjects.Now(_time);
        if (after < TimeSpan.FromSeconds(1))
        {
            _queue.AddRateLimited(KubeObjects.Key(d));
            return;
        }
        EnqueueAfter(d, after);
    }
}
