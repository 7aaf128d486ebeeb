using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.StatefulSets;

public sealed partial class StatefulSetController
{
    /// <summary>
    /// Revisions, the replica walk, status and history for one set (StatefulSetControl.UpdateStatefulSet):
    /// the status is written even when the walk failed part-way.
    /// </summary>
    private async Task UpdateStatefulSetControlAsync(V1StatefulSet set, List<V1Pod> pods, List<V1ControllerRevision> revisions, CancellationToken ct)
    {
        ControllerHistory.Sort(revisions);
        var (current, update, collisionCount) = await StatefulSetRevisionsAsync(set, revisions, ct).ConfigureAwait(false);
        if (!revisions.Any(r => r.Metadata.Name == update.Metadata.Name))
        {
            revisions.Add(update);
        }
        V1StatefulSetStatus? status = null;
        Exception? walkError = null;
        try
        {
            status = await UpdateReplicasAsync(set, current, update, collisionCount, pods, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            walkError = e;
        }
        if (status is not null)
        {
            await UpdateStatusAsync(set, status, ct).ConfigureAwait(false);
        }
        if (walkError is not null)
        {
            throw walkError;
        }
        await TruncateHistoryAsync(set, pods, revisions, current, update, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The current revision (status.currentRevision, or the update revision on a fresh set) and the
    /// update revision for the set's template: reused when the newest revision matches, renumbered
    /// when an older one matches (a rollback), created otherwise.
    /// </summary>
    private async Task<(V1ControllerRevision Current, V1ControllerRevision Update, int CollisionCount)> StatefulSetRevisionsAsync(
        V1StatefulSet set, List<V1ControllerRevision> revisions, CancellationToken ct)
    {
        var collisionCount = set.Status?.CollisionCount ?? 0;
        var update = ControllerHistory.New(set.Metadata, ApiVersion, KindName, set.Spec.Template?.Metadata?.Labels, StatefulSetUtil.Patch(set),
            ControllerHistory.NextRevision(revisions), collisionCount);
        if (set.Metadata.Annotations is { Count: > 0 } annotations)
        {
            update.Metadata.Annotations = new Dictionary<string, string>(annotations, StringComparer.Ordinal);
        }
        var equal = ControllerHistory.FindEqual(revisions, update);
        if (equal.Count > 0 && ControllerHistory.Equal(revisions[^1], equal[^1]))
        {
            update = revisions[^1];
        }
        else if (equal.Count > 0)
        {
            update = await _history.UpdateRevisionAsync(equal[^1], update.Revision ?? 0, ct).ConfigureAwait(false);
        }
        else
        {
            (update, collisionCount) = await _history.CreateAsync(set.Metadata, update, collisionCount, ct).ConfigureAwait(false);
        }
        var current = revisions.FirstOrDefault(r => r.Metadata.Name == set.Status?.CurrentRevision) ?? update;
        return (current, update, collisionCount);
    }

    /// <summary>Counts the pods the way the status reports them (computeReplicaStatus).</summary>
    private V1StatefulSetStatus ComputeReplicaStatus(IEnumerable<V1Pod> pods, int minReadySeconds, V1ControllerRevision current, V1ControllerRevision update)
    {
        var now = KubeObjects.Now(_time);
        var status = new V1StatefulSetStatus { AvailableReplicas = 0, ReadyReplicas = 0, CurrentReplicas = 0, UpdatedReplicas = 0 };
        foreach (var pod in pods)
        {
            if (StatefulSetUtil.IsCreated(pod))
            {
                status.Replicas++;
            }
            if (StatefulSetUtil.IsRunningAndReady(pod))
            {
                status.ReadyReplicas++;
                if (StatefulSetUtil.IsRunningAndAvailable(pod, minReadySeconds, now))
                {
                    status.AvailableReplicas++;
                }
            }
            if (StatefulSetUtil.IsCreated(pod) && !PodUtil.IsTerminating(pod))
            {
                var revision = StatefulSetUtil.Revision(pod);
                if (revision == current.Metadata.Name)
                {
                    status.CurrentReplicas++;
                }
                if (revision == update.Metadata.Name)
                {
                    status.UpdatedReplicas++;
                }
            }
        }
        return status;
    }

    /// <summary>
    /// Walks the replicas (updateStatefulSet): recreate failed or finished pods, create missing ones (in
    /// order, one at a time unless Parallel), fix identity and storage, delete condemned pods from the
    /// highest ordinal, then replace one out-of-date pod at or above the partition. Returns the status.
    /// </summary>
    private async Task<V1StatefulSetStatus> UpdateReplicasAsync(V1StatefulSet set, V1ControllerRevision currentRevision, V1ControllerRevision updateRevision,
        int collisionCount, List<V1Pod> pods, CancellationToken ct)
    {
        var currentSet = StatefulSetUtil.ApplyRevision(set, currentRevision);
        var updateSet = StatefulSetUtil.ApplyRevision(set, updateRevision);
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var status = ComputeReplicaStatus(pods, minReady, currentRevision, updateRevision);
        status.ObservedGeneration = set.Metadata.Generation;
        status.CurrentRevision = currentRevision.Metadata.Name;
        status.UpdateRevision = updateRevision.Metadata.Name;
        status.CollisionCount = collisionCount;
        var now = KubeObjects.Now(_time);

        var start = StatefulSetUtil.StartOrdinal(set);
        var replicaCount = StatefulSetUtil.Replicas(set);
        var replicas = new V1Pod?[replicaCount];
        var condemned = new List<V1Pod>();
        foreach (var pod in pods)
        {
            var ord = StatefulSetUtil.Ordinal(pod);
            if (StatefulSetUtil.InRange(set, ord))
            {
                replicas[ord - start] = pod;
            }
            else if (ord >= 0)
            {
                condemned.Add(pod);
            }
        }
        for (var i = 0; i < replicaCount; i++)
        {
            replicas[i] ??= StatefulSetUtil.NewVersionedPod(currentSet, updateSet, currentRevision.Metadata.Name, updateRevision.Metadata.Name, start + i,
                ApiVersion, KindName);
        }
        condemned.Sort((a, b) => StatefulSetUtil.Ordinal(a).CompareTo(StatefulSetUtil.Ordinal(b)));

        // The first unhealthy pod, in ordinal order, then the condemned from the top.
        V1Pod? firstUnhealthy = null;
        foreach (var p in replicas)
        {
            if (!StatefulSetUtil.IsHealthy(p!))
            {
                firstUnhealthy = p;
                break;
            }
        }
        if (firstUnhealthy is null)
        {
            for (var i = condemned.Count - 1; i >= 0; i--)
            {
                if (!StatefulSetUtil.IsHealthy(condemned[i]))
                {
                    firstUnhealthy = condemned[i];
                    break;
                }
            }
        }
        if (set.Metadata.DeletionTimestamp is not null)
        {
            return status;
        }
        var monotonic = !StatefulSetUtil.AllowsBurst(set);
        var target = KubeObjects.EventTarget(ApiVersion, KindName, set.Metadata);

        for (var i = 0; i < replicaCount; i++)
        {
            var pod = replicas[i]!;
            if (PodUtil.Phase(pod) is PodUtil.Failed or PodUtil.Succeeded)
            {
                var what = PodUtil.Phase(pod) == PodUtil.Failed ? "failed" : "succeeded";
                _recorder.Event(target, EventRecorder.Warning, what == "failed" ? "RecreatingFailedPod" : "RecreatingTerminatedPod",
                    $"StatefulSet {set.Metadata.NamespaceProperty}/{set.Metadata.Name} is recreating {what} Pod {pod.Metadata.Name}");
                await DeleteStatefulPodAsync(set, pod, condemned: false, ct).ConfigureAwait(false);
                if (StatefulSetUtil.Revision(pod) == currentRevision.Metadata.Name)
                {
                    status.CurrentReplicas--;
                }
                if (StatefulSetUtil.Revision(pod) == updateRevision.Metadata.Name)
                {
                    status.UpdatedReplicas--;
                }
                status.Replicas--;
                pod = replicas[i] = StatefulSetUtil.NewVersionedPod(currentSet, updateSet, currentRevision.Metadata.Name, updateRevision.Metadata.Name,
                    start + i, ApiVersion, KindName);
            }
            if (!StatefulSetUtil.IsCreated(pod))
            {
                await CreateStatefulPodAsync(set, pod, ct).ConfigureAwait(false);
                status.Replicas++;
                if (StatefulSetUtil.Revision(pod) == currentRevision.Metadata.Name)
                {
                    status.CurrentReplicas++;
                }
                if (StatefulSetUtil.Revision(pod) == updateRevision.Metadata.Name)
                {
                    status.UpdatedReplicas++;
                }
                if (monotonic)
                {
                    return status;
                }
                continue;
            }
            if (PodUtil.Phase(pod) == PodUtil.Pending)
            {
                await CreateMissingClaimsAsync(set, pod, ct).ConfigureAwait(false);
            }
            // OrderedReady: wait for this pod to finish terminating, be Running and Ready, and be available.
            if (PodUtil.IsTerminating(pod) && monotonic)
            {
                return status;
            }
            if (!StatefulSetUtil.IsRunningAndReady(pod) && monotonic)
            {
                return status;
            }
            if (!StatefulSetUtil.IsRunningAndAvailable(pod, minReady, now) && monotonic)
            {
                if (minReady > 0 && StatefulSetUtil.IsRunningAndReady(pod))
                {
                    _queue.AddAfter(KubeObjects.Key(set), TimeSpan.FromSeconds(minReady));
                }
                return status;
            }
            if (StatefulSetUtil.IdentityMatches(set, pod) && StatefulSetUtil.StorageMatches(set, pod))
            {
                continue;
            }
            await UpdateStatefulPodAsync(updateSet, KubeObjects.Clone(pod), ct).ConfigureAwait(false);
        }

        // Scale down from the highest ordinal; in OrderedReady only once every kept pod is healthy, one at a time.
        for (var t = condemned.Count - 1; t >= 0; t--)
        {
            var pod = condemned[t];
            if (PodUtil.IsTerminating(pod))
            {
                if (monotonic)
                {
                    return status;
                }
                continue;
            }
            if (!StatefulSetUtil.IsRunningAndReady(pod) && monotonic && pod != firstUnhealthy)
            {
                return status;
            }
            if (!StatefulSetUtil.IsRunningAndAvailable(pod, minReady, now) && monotonic && pod != firstUnhealthy)
            {
                return status;
            }
            await DeleteStatefulPodAsync(set, pod, condemned: true, ct).ConfigureAwait(false);
            if (StatefulSetUtil.Revision(pod) == currentRevision.Metadata.Name)
            {
                status.CurrentReplicas--;
            }
            if (StatefulSetUtil.Revision(pod) == updateRevision.Metadata.Name)
            {
                status.UpdatedReplicas--;
            }
            if (monotonic)
            {
                return status;
            }
        }

        if (set.Spec.UpdateStrategy?.Type == "OnDelete")
        {
            return status;
        }
        // Rolling update: replace the highest-ordinal out-of-date pod at or above the partition, one at a time.
        var updateMin = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
        for (var t = replicaCount - 1; t >= updateMin - start && t >= 0; t--)
        {
            var pod = replicas[t]!;
            if (StatefulSetUtil.Revision(pod) != updateRevision.Metadata.Name && !PodUtil.IsTerminating(pod))
            {
                await DeleteStatefulPodAsync(set, pod, condemned: false, ct).ConfigureAwait(false);
                status.CurrentReplicas--;
                return status;
            }
            if (!StatefulSetUtil.IsHealthy(pod))
            {
                return status;
            }
        }
        return status;
    }

    /// <summary>
    /// Completes a finished rolling update (current = update) and writes the status when it differs
    /// (updateStatefulSetStatus), re-reading once on a conflict.
    /// </summary>
    private async Task UpdateStatusAsync(V1StatefulSet set, V1StatefulSetStatus status, CancellationToken ct)
    {
        if ((set.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate"
            && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = status.UpdateRevision;
        }
        status.Conditions = set.Status?.Conditions;
        if (KubeObjects.JsonEquals(set.Status, status))
        {
            return;
        }
        for (var attempt = 0; ; attempt++)
        {
            set.Status = status;
            try
            {
                await _client.UpdateAsync(_setsInfo, KubeObjects.ToJson(set, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
                break;
            }
            catch (StatusException e) when (e.Code == 409 && attempt == 0)
            {
                set = KubeJson.Deserialize<V1StatefulSet>(await _client.GetAsync(_setsInfo, set.Metadata.NamespaceProperty, set.Metadata.Name, ct).ConfigureAwait(false));
            }
        }
        var minReady = set.Spec.MinReadySeconds ?? 0;
        if (minReady > 0 && status.ReadyReplicas != status.AvailableReplicas)
        {
            _queue.AddAfter(KubeObjects.Key(set), TimeSpan.FromSeconds(minReady));
        }
    }

    /// <summary>Deletes the oldest revisions beyond revisionHistoryLimit that no pod and neither status revision uses.</summary>
    private async Task TruncateHistoryAsync(V1StatefulSet set, List<V1Pod> pods, List<V1ControllerRevision> revisions, V1ControllerRevision current,
        V1ControllerRevision update, CancellationToken ct)
    {
        var live = new HashSet<string>(StringComparer.Ordinal) { current.Metadata.Name, update.Metadata.Name };
        foreach (var pod in pods)
        {
            if (StatefulSetUtil.Revision(pod) is { } r)
            {
                live.Add(r);
            }
        }
        var history = revisions.Where(r => !live.Contains(r.Metadata.Name)).ToList();
        ControllerHistory.Sort(history);
        var limit = set.Spec.RevisionHistoryLimit ?? 10;
        for (var i = 0; i < history.Count - limit; i++)
        {
            await _history.DeleteAsync(history[i], ct).ConfigureAwait(false);
        }
    }
}
