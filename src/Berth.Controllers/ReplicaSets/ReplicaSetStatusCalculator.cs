using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.ReplicaSets;

/// <summary>A ReplicaSet's status from its pods (calculateStatus), and its ReplicaFailure condition.</summary>
public static class ReplicaSetStatusCalculator
{
    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>
    /// Counts the claimed active pods: replicas, those carrying every template label (fullyLabeled), ready,
    /// and available (ready for minReadySeconds). A failed create or delete sets ReplicaFailure=True
    /// (reason FailedCreate / FailedDelete, the error as message); a clean sync removes it.
    /// </summary>
    public static V1ReplicaSetStatus Calculate(V1ReplicaSet rs, IReadOnlyList<V1Pod> pods, Exception? manageError, DateTime now)
    {
        var status = rs.Status is null ? new V1ReplicaSetStatus() : KubeObjects.Clone(rs.Status);
        var templateLabels = rs.Spec.Template?.Metadata?.Labels;
        int fully = 0, ready = 0, available = 0;
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        foreach (var pod in pods)
        {
            if (ContainsAll(pod.Metadata.Labels, templateLabels))
            {
                fully++;
            }
            if (PodUtil.IsReady(pod))
            {
                ready++;
                if (PodUtil.IsAvailable(pod, minReady, now))
                {
                    available++;
                }
            }
        }
        var failure = status.Conditions?.FirstOrDefault(c => c.Type == ReplicaFailure);
        if (manageError is not null && failure is null)
        {
            var diff = pods.Count - (rs.Spec.Replicas ?? 1);
            var reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            var message = manageError is Berth.Api.Errors.StatusException se ? se.Message : manageError.Message;
            status.Conditions ??= [];
            status.Conditions.Add(new V1ReplicaSetCondition
            {
                Type = ReplicaFailure,
                Status = "True",
                Reason = reason,
                Message = message,
                LastTransitionTime = now,
            });
        }
        else if (manageError is null && failure is not null)
        {
            status.Conditions = status.Conditions!.Where(c => c.Type != ReplicaFailure).ToList();
            if (status.Conditions.Count == 0)
            {
                status.Conditions = null;
            }
        }
        status.Replicas = pods.Count;
        status.FullyLabeledReplicas = fully;
        status.ReadyReplicas = ready;
        status.AvailableReplicas = available;
        return status;
    }

    /// <summary>True when the counts and conditions are unchanged (observedGeneration aside).</summary>
    public static bool SameCounts(V1ReplicaSetStatus? a, V1ReplicaSetStatus b) =>
        a is not null
        && a.Replicas == b.Replicas
        && (a.FullyLabeledReplicas ?? 0) == (b.FullyLabeledReplicas ?? 0)
        && (a.ReadyReplicas ?? 0) == (b.ReadyReplicas ?? 0)
        && (a.AvailableReplicas ?? 0) == (b.AvailableReplicas ?? 0)
        && KubeObjects.JsonEquals(a.Conditions as object ?? Array.Empty<object>(), b.Conditions as object ?? Array.Empty<object>());

    private static bool ContainsAll(IDictionary<string, string>? labels, IDictionary<string, string>? required)
    {
        if (required is null)
        {
            return true;
        }
        foreach (var (k, v) in required)
        {
            if (labels is null || !labels.TryGetValue(k, out var have) || have != v)
            {
                return false;
            }
        }
        return true;
    }
}
