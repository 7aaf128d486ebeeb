using System.Globalization;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Deployments;

public sealed partial class DeploymentController
{
    /// <summary>Only brings the status up to date (a Deployment being deleted).</summary>
    private async Task SyncStatusOnlyAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct).ConfigureAwait(false);
        await SyncDeploymentStatusAsync([.. oldRss, newRs], newRs, dd, ct).ConfigureAwait(false);
    }

    /// <summary>Reconciles scaling events and paused Deployments: scale proportionally, clean up, status.</summary>
    private async Task SyncAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct).ConfigureAwait(false);
        d = dd;
        await ScaleAsync(d, newRs, oldRss, ct).ConfigureAwait(false);
        if (d.Spec.Paused == true && RollbackTo(d) is null)
        {
            await CleanupDeploymentAsync(oldRss, d, ct).ConfigureAwait(false);
        }
        await SyncDeploymentStatusAsync([.. oldRss, newRs], newRs, d, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Records Progressing=Unknown DeploymentPaused / DeploymentResumed, so time spent paused does not
    /// count against the progress deadline.
    /// </summary>
    private async Task<V1Deployment> CheckPausedConditionsAsync(V1Deployment d, CancellationToken ct)
    {
        if (!DeploymentUtil.HasProgressDeadline(d))
        {
            return d;
        }
        var cond = DeploymentUtil.GetCondition(d.Status, DeploymentUtil.Progressing);
        if (cond?.Reason == DeploymentUtil.TimedOutReason)
        {
            return d;
        }
        var pausedCondExists = cond?.Reason == DeploymentUtil.PausedDeployReason;
        var now = KubeObjects.Now(_time);
        d.Status ??= new V1DeploymentStatus();
        if (d.Spec.Paused == true && !pausedCondExists)
        {
            DeploymentUtil.SetCondition(d.Status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "Unknown", DeploymentUtil.PausedDeployReason, "Deployment is paused", now));
        }
        else if (d.Spec.Paused != true && pausedCondExists)
        {
            DeploymentUtil.SetCondition(d.Status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "Unknown", DeploymentUtil.ResumedDeployReason, "Deployment is resumed", now));
        }
        else
        {
            return d;
        }
        return await UpdateStatusAsync(d, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The new ReplicaSet (whose template equals the Deployment's; created when asked and missing) and
    /// all old ones, with the revision annotations of both synced (getAllReplicaSetsAndSyncRevision).
    /// Returns the Deployment as stored after any status write.
    /// </summary>
    private async Task<(V1ReplicaSet? NewRs, List<V1ReplicaSet> OldRss, V1Deployment D)> GetAllReplicaSetsAndSyncRevisionAsync(
        V1Deployment d, List<V1ReplicaSet> rsList, bool createIfNotExisted, CancellationToken ct)
    {
        var oldRss = DeploymentUtil.FindOldReplicaSets(d, rsList);
        var (newRs, dd) = await GetNewReplicaSetAsync(d, rsList, oldRss, createIfNotExisted, ct).ConfigureAwait(false);
        return (newRs, oldRss, dd);
    }

    private async Task<(V1ReplicaSet? NewRs, V1Deployment D)> GetNewReplicaSetAsync(V1Deployment d, List<V1ReplicaSet> rsList,
        List<V1ReplicaSet> oldRss, bool createIfNotExisted, CancellationToken ct)
    {
        var existing = DeploymentUtil.FindNewReplicaSet(d, rsList);
        var newRevision = (DeploymentUtil.MaxRevision(oldRss) + 1).ToString(CultureInfo.InvariantCulture);
        var now = KubeObjects.Now(_time);
        if (existing is not null)
        {
            var rsCopy = KubeObjects.Clone(existing);
            var annotationsUpdated = DeploymentUtil.SetNewReplicaSetAnnotations(d, rsCopy, newRevision, exists: true);
            var minReadyNeedsUpdate = (rsCopy.Spec.MinReadySeconds ?? 0) != (d.Spec.MinReadySeconds ?? 0);
            if (annotationsUpdated || minReadyNeedsUpdate)
            {
                rsCopy.Spec.MinReadySeconds = d.Spec.MinReadySeconds;
                var stored = await UpdateReplicaSetAsync(rsCopy, ct).ConfigureAwait(false);
                // Later steps of this sync must see the stored copy, not the cache's.
                rsList[rsList.FindIndex(r => r.Metadata.Uid == stored.Metadata.Uid)] = stored;
                return (stored, d);
            }
            // The revision in the ReplicaSet is the one set before: trust it over a recomputation. Status
            // writes cannot change annotations, so the revision goes in with a metadata update.
            if (rsCopy.Metadata.Annotations?.TryGetValue(DeploymentUtil.RevisionAnnotation, out var rev) == true
                && DeploymentUtil.SetDeploymentRevision(d, rev))
            {
                d = await UpdateAsync(d, ct).ConfigureAwait(false);
            }
            if (DeploymentUtil.HasProgressDeadline(d) && DeploymentUtil.GetCondition(d.Status, DeploymentUtil.Progressing) is null)
            {
                d.Status ??= new V1DeploymentStatus();
                DeploymentUtil.SetCondition(d.Status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "True", DeploymentUtil.FoundNewRSReason,
                    $"Found new replica set \"{rsCopy.Metadata.Name}\"", now));
                d = await UpdateStatusAsync(d, ct).ConfigureAwait(false);
            }
            return (rsCopy, d);
        }
        if (!createIfNotExisted)
        {
            return (null, d);
        }

        var template = KubeObjects.Clone(d.Spec.Template);
        var hash = TemplateHash.Compute(template, d.Status?.CollisionCount);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [TemplateHash.PodTemplateHashLabel] = hash,
        };
        var newRs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = d.Metadata.Name + "-" + hash,
                NamespaceProperty = d.Metadata.NamespaceProperty,
                OwnerReferences = [KubeObjects.NewControllerRef(d.Metadata, ApiVersion, KindName)],
                Labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal),
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                MinReadySeconds = d.Spec.MinReadySeconds,
                Selector = LabelSelectors.WithLabel(d.Spec.Selector, TemplateHash.PodTemplateHashLabel, hash),
                Template = template,
            },
        };
        var newReplicas = DeploymentUtil.NewRSNewReplicas(d, [.. oldRss, newRs], newRs);
        newRs.Spec.Replicas = newReplicas;
        DeploymentUtil.SetNewReplicaSetAnnotations(d, newRs, newRevision, exists: false);

        V1ReplicaSet created;
        var alreadyExists = false;
        try
        {
            var result = await _client.CreateAsync(_replicaSetsInfo, d.Metadata.NamespaceProperty, KubeObjects.ToJson(newRs, "apps/v1", "ReplicaSet"), ct)
                .ConfigureAwait(false);
            created = KubeJson.Deserialize<V1ReplicaSet>(result);
        }
        catch (StatusException e) when (IsAlreadyExists(e))
        {
            // A slow cache, or a hash collision: it is ours only if we own it and the templates match.
            alreadyExists = true;
            var found = KubeJson.Deserialize<V1ReplicaSet>(
                await _client.GetAsync(_replicaSetsInfo, d.Metadata.NamespaceProperty, newRs.Metadata.Name, ct).ConfigureAwait(false));
            if (KubeObjects.IsControlledBy(found.Metadata, d.Metadata.Uid) && TemplateHash.EqualIgnoreHash(d.Spec.Template, found.Spec.Template))
            {
                created = found;
            }
            else
            {
                d.Status ??= new V1DeploymentStatus();
                d.Status.CollisionCount = (d.Status.CollisionCount ?? 0) + 1;
                await UpdateStatusAsync(d, ct).ConfigureAwait(false);
                throw;
            }
        }
        catch (StatusException e) when (PodControl.IsNamespaceTerminating(e))
        {
            throw;
        }
        catch (StatusException e)
        {
            var msg = $"Failed to create new replica set \"{newRs.Metadata.Name}\": {e.Message}";
            if (DeploymentUtil.HasProgressDeadline(d))
            {
                d.Status ??= new V1DeploymentStatus();
                DeploymentUtil.SetCondition(d.Status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "False", DeploymentUtil.FailedRSCreateReason, msg, now));
                try
                {
                    await UpdateStatusAsync(d, ct).ConfigureAwait(false);
                }
                catch (StatusException)
                {
                    // The failure to create is the bigger problem to report.
                }
            }
            Event(d, EventRecorder.Warning, DeploymentUtil.FailedRSCreateReason, msg);
            throw;
        }
        if (!rsList.Any(r => r.Metadata.Uid == created.Metadata.Uid))
        {
            rsList.Add(created);
        }
        if (!alreadyExists && newReplicas > 0)
        {
            Event(d, EventRecorder.Normal, "ScalingReplicaSet", $"Scaled up replica set {created.Metadata.Name} to {newReplicas}");
        }
        if (DeploymentUtil.SetDeploymentRevision(d, newRevision))
        {
            d = await UpdateAsync(d, ct).ConfigureAwait(false);
        }
        if (!alreadyExists && DeploymentUtil.HasProgressDeadline(d))
        {
            d.Status ??= new V1DeploymentStatus();
            DeploymentUtil.SetCondition(d.Status, DeploymentUtil.NewCondition(DeploymentUtil.Progressing, "True", DeploymentUtil.NewReplicaSetReason,
                $"Created new replica set \"{created.Metadata.Name}\"", now));
            d = await UpdateStatusAsync(d, ct).ConfigureAwait(false);
        }
        return (created, d);
    }

    /// <summary>
    /// Scales on a scaling event or while paused: the only active ReplicaSet takes the whole size; otherwise
    /// the change is spread proportionally over the active ReplicaSets (larger first; newer first when
    /// growing, older first when shrinking), so a scale during a rollout does not hasten it.
    /// </summary>
    private async Task ScaleAsync(V1Deployment d, V1ReplicaSet? newRs, List<V1ReplicaSet> oldRss, CancellationToken ct)
    {
        var replicas = DeploymentUtil.Replicas(d);
        if (DeploymentUtil.FindActiveOrLatest(newRs, oldRss) is { } activeOrLatest)
        {
            if (DeploymentUtil.Replicas(activeOrLatest) == replicas)
            {
                return;
            }
            await ScaleReplicaSetAndRecordEventAsync(activeOrLatest, replicas, d, ct).ConfigureAwait(false);
            return;
        }
        if (DeploymentUtil.IsSaturated(d, newRs))
        {
            foreach (var old in DeploymentUtil.Active(oldRss))
            {
                await ScaleReplicaSetAndRecordEventAsync(old, 0, d, ct).ConfigureAwait(false);
            }
            return;
        }
        if (!DeploymentUtil.IsRollingUpdate(d))
        {
            return;
        }
        var all = DeploymentUtil.Active([.. oldRss, newRs]);
        var allReplicas = DeploymentUtil.ReplicaCount(all);
        var allowedSize = replicas > 0 ? replicas + DeploymentUtil.MaxSurge(d) : 0;
        var toAdd = allowedSize - allReplicas;
        var operation = "";
        if (toAdd > 0)
        {
            all.Sort(DeploymentUtil.BySizeNewer);
            operation = "up";
        }
        else if (toAdd < 0)
        {
            all.Sort(DeploymentUtil.BySizeOlder);
            operation = "down";
        }
        var added = 0;
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in all)
        {
            if (toAdd != 0)
            {
                var proportion = DeploymentUtil.GetProportion(rs, d, toAdd, added);
                sizes[rs.Metadata.Name] = DeploymentUtil.Replicas(rs) + proportion;
                added += proportion;
            }
            else
            {
                sizes[rs.Metadata.Name] = DeploymentUtil.Replicas(rs);
            }
        }
        for (var i = 0; i < all.Count; i++)
        {
            var rs = all[i];
            // Leftovers go to the largest ReplicaSet.
            if (i == 0 && toAdd != 0)
            {
                sizes[rs.Metadata.Name] = Math.Max(0, sizes[rs.Metadata.Name] + toAdd - added);
            }
            await ScaleReplicaSetAsync(rs, sizes[rs.Metadata.Name], d, operation, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Scales a ReplicaSet when its size differs; returns whether it scaled and the stored ReplicaSet.</summary>
    private async Task<(bool Scaled, V1ReplicaSet Rs)> ScaleReplicaSetAndRecordEventAsync(V1ReplicaSet rs, int newScale, V1Deployment d, CancellationToken ct)
    {
        if (DeploymentUtil.Replicas(rs) == newScale)
        {
            return (false, rs);
        }
        var operation = DeploymentUtil.Replicas(rs) < newScale ? "up" : "down";
        return await ScaleReplicaSetAsync(rs, newScale, d, operation, ct).ConfigureAwait(false);
    }

    /// <summary>Sets a ReplicaSet's size and its desired/max-replicas annotations; records ScalingReplicaSet.</summary>
    private async Task<(bool Scaled, V1ReplicaSet Rs)> ScaleReplicaSetAsync(V1ReplicaSet rs, int newScale, V1Deployment d, string operation, CancellationToken ct)
    {
        var sizeNeedsUpdate = DeploymentUtil.Replicas(rs) != newScale;
        var desired = DeploymentUtil.Replicas(d);
        var max = desired + DeploymentUtil.MaxSurge(d);
        var annotationsNeedUpdate = DeploymentUtil.ReplicasAnnotationsNeedUpdate(rs, desired, max);
        if (!sizeNeedsUpdate && !annotationsNeedUpdate)
        {
            return (false, rs);
        }
        var oldScale = DeploymentUtil.Replicas(rs);
        var copy = KubeObjects.Clone(rs);
        copy.Spec.Replicas = newScale;
        DeploymentUtil.SetReplicasAnnotations(copy, desired, max);
        var updated = await UpdateReplicaSetAsync(copy, ct).ConfigureAwait(false);
        if (sizeNeedsUpdate)
        {
            Event(d, EventRecorder.Normal, "ScalingReplicaSet", $"Scaled {operation} replica set {updated.Metadata.Name} to {newScale} from {oldScale}");
        }
        return (sizeNeedsUpdate, updated);
    }

    /// <summary>Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit.</summary>
    private async Task CleanupDeploymentAsync(List<V1ReplicaSet> oldRss, V1Deployment d, CancellationToken ct)
    {
        if (!DeploymentUtil.HasRevisionHistoryLimit(d))
        {
            return;
        }
        var cleanable = oldRss.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var diff = cleanable.Count - d.Spec.RevisionHistoryLimit!.Value;
        if (diff <= 0)
        {
            return;
        }
        cleanable.Sort(DeploymentUtil.ByRevision);
        for (var i = 0; i < diff; i++)
        {
            var rs = cleanable[i];
            // Only empty, settled ReplicaSets go.
            if ((rs.Status?.Replicas ?? 0) != 0 || DeploymentUtil.Replicas(rs) != 0
                || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0) || rs.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            try
            {
                await _client.DeleteAsync(_replicaSetsInfo, rs.Metadata.NamespaceProperty, rs.Metadata.Name, null, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code == 404)
            {
            }
        }
    }

    /// <summary>Writes the status computed from the ReplicaSets when it differs (syncDeploymentStatus).</summary>
    private async Task SyncDeploymentStatusAsync(List<V1ReplicaSet?> all, V1ReplicaSet? newRs, V1Deployment d, CancellationToken ct)
    {
        var status = CalculateStatus(all, newRs, d);
        if (KubeObjects.JsonEquals(d.Status, status))
        {
            return;
        }
        d.Status = status;
        await UpdateStatusAsync(d, ct).ConfigureAwait(false);
    }

    /// <summary>The status the ReplicaSets add up to, with the Available condition (calculateStatus).</summary>
    private V1DeploymentStatus CalculateStatus(List<V1ReplicaSet?> all, V1ReplicaSet? newRs, V1Deployment d)
    {
        var available = DeploymentUtil.AvailableReplicaCount(all);
        var total = DeploymentUtil.ReplicaCount(all);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = DeploymentUtil.ActualReplicaCount(all),
            UpdatedReplicas = DeploymentUtil.ActualReplicaCount([newRs]),
            ReadyReplicas = DeploymentUtil.ReadyReplicaCount(all),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, total - available),
            CollisionCount = d.Status?.CollisionCount,
            Conditions = d.Status?.Conditions?.Select(KubeObjects.Clone).ToList(),
        };
        var now = KubeObjects.Now(_time);
        if (available >= DeploymentUtil.Replicas(d) - DeploymentUtil.MaxUnavailable(d))
        {
            DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition(DeploymentUtil.Available, "True", DeploymentUtil.MinimumReplicasAvailable,
                "Deployment has minimum availability.", now));
        }
        else
        {
            DeploymentUtil.SetCondition(status, DeploymentUtil.NewCondition(DeploymentUtil.Available, "False", DeploymentUtil.MinimumReplicasUnavailable,
                "Deployment does not have minimum availability.", now));
        }
        return status;
    }

    /// <summary>
    /// A scaling event: an active ReplicaSet's desired-replicas annotation differs from spec.replicas
    /// (isScalingEvent).
    /// </summary>
    private async Task<(bool Scaling, V1Deployment D)> IsScalingEventAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: false, ct).ConfigureAwait(false);
        foreach (var rs in DeploymentUtil.Active([.. oldRss, newRs]))
        {
            if (DeploymentUtil.IntAnnotation(rs, DeploymentUtil.DesiredReplicasAnnotation) is int desired && desired != DeploymentUtil.Replicas(dd))
            {
                return (true, dd);
            }
        }
        return (false, dd);
    }
}
