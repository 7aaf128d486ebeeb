using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.StatefulSets;

public sealed partial class StatefulSetController
{
    private void RecordPodEvent(string verb, V1StatefulSet set, V1Pod pod, Exception? error)
    {
        var target = KubeObjects.EventTarget(ApiVersion, KindName, set.Metadata);
        var reason = char.ToUpperInvariant(verb[0]) + verb[1..];
        if (error is null)
        {
            _recorder.Event(target, EventRecorder.Normal, "Successful" + reason, $"{verb} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        else
        {
            _recorder.Event(target, EventRecorder.Warning, "Failed" + reason, $"{verb} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {error.Message}");
        }
    }

    /// <summary>Creates the pod's missing claims, then the pod (CreateStatefulPod).</summary>
    private async Task CreateStatefulPodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        await CreateMissingClaimsAsync(set, pod, ct).ConfigureAwait(false);
        try
        {
            await _client.CreateAsync(_podsInfo, set.Metadata.NamespaceProperty, KubeObjects.ToJson(pod, "v1", "Pod"), ct).ConfigureAwait(false);
            RecordPodEvent("create", set, pod, null);
        }
        catch (StatusException e) when (e.Code == 409 && e.Status.Reason == "AlreadyExists")
        {
            // A slow cache: the pod is there; the next sync sees it.
        }
        catch (StatusException e)
        {
            if (!PodControl.IsNamespaceTerminating(e))
            {
                RecordPodEvent("create", set, pod, e);
            }
            throw;
        }
    }

    /// <summary>Creates each claim of the pod that does not exist yet (createPersistentVolumeClaims).</summary>
    private async Task CreateMissingClaimsAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        var ordinal = StatefulSetUtil.Ordinal(pod);
        var target = KubeObjects.EventTarget(ApiVersion, KindName, set.Metadata);
        foreach (var claim in StatefulSetUtil.Claims(set, ordinal))
        {
            if (_claims.Get(claim.Metadata.NamespaceProperty, claim.Metadata.Name) is { } existing)
            {
                if (existing.Metadata.DeletionTimestamp is not null)
                {
                    throw new InvalidOperationException($"pvc {claim.Metadata.Name} is being deleted");
                }
                continue;
            }
            // whenDeleted: Delete makes the claims go with the set (the garbage collector follows the reference).
            if (set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == "Delete")
            {
                claim.Metadata.OwnerReferences = [new V1OwnerReference
                {
                    ApiVersion = ApiVersion, Kind = KindName, Name = set.Metadata.Name, Uid = set.Metadata.Uid, BlockOwnerDeletion = true,
                }];
            }
            try
            {
                await _client.CreateAsync(_claimsInfo, claim.Metadata.NamespaceProperty, KubeObjects.ToJson(claim, "v1", "PersistentVolumeClaim"), ct)
                    .ConfigureAwait(false);
                _recorder.Event(target, EventRecorder.Normal, "SuccessfulCreate",
                    $"create Claim {claim.Metadata.Name} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} success");
            }
            catch (StatusException e) when (e.Code == 409 && e.Status.Reason == "AlreadyExists")
            {
            }
            catch (StatusException e)
            {
                _recorder.Event(target, EventRecorder.Warning, "FailedCreate",
                    $"create Claim {claim.Metadata.Name} for Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
                throw;
            }
        }
    }

    /// <summary>Brings a pod's identity and storage back in line with its ordinal (UpdateStatefulPod).</summary>
    private async Task UpdateStatefulPodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var consistent = true;
            if (!StatefulSetUtil.IdentityMatches(set, pod))
            {
                StatefulSetUtil.UpdateIdentity(set, pod);
                consistent = false;
            }
            if (!StatefulSetUtil.StorageMatches(set, pod))
            {
                StatefulSetUtil.UpdateStorage(set, pod);
                await CreateMissingClaimsAsync(set, pod, ct).ConfigureAwait(false);
                consistent = false;
            }
            if (consistent)
            {
                return;
            }
            try
            {
                await _client.UpdateAsync(_podsInfo, KubeObjects.ToJson(pod, "v1", "Pod"), null, ct).ConfigureAwait(false);
                RecordPodEvent("update", set, pod, null);
                return;
            }
            catch (StatusException e) when (e.Code == 409)
            {
                pod = KubeJson.Deserialize<V1Pod>(await _client.GetAsync(_podsInfo, pod.Metadata.NamespaceProperty, pod.Metadata.Name, ct).ConfigureAwait(false));
            }
            catch (StatusException e)
            {
                RecordPodEvent("update", set, pod, e);
                throw;
            }
        }
    }

    /// <summary>Deletes a pod (DeleteStatefulPod); with whenScaled: Delete a scaled-away pod takes its claims along.</summary>
    private async Task DeleteStatefulPodAsync(V1StatefulSet set, V1Pod pod, bool condemned, CancellationToken ct)
    {
        if (condemned && set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled == "Delete")
        {
            foreach (var claim in StatefulSetUtil.Claims(set, StatefulSetUtil.Ordinal(pod)))
            {
                var patch = new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["ownerReferences"] = new JsonArray(new JsonObject
                        {
                            ["apiVersion"] = "v1",
                            ["kind"] = "Pod",
                            ["name"] = pod.Metadata.Name,
                            ["uid"] = pod.Metadata.Uid,
                        }),
                    },
                };
                try
                {
                    await _client.PatchAsync(_claimsInfo, claim.Metadata.NamespaceProperty, claim.Metadata.Name, Berth.Client.PatchKind.StrategicMerge,
                        System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()), null, ct).ConfigureAwait(false);
                }
                catch (StatusException e) when (e.Code == 404)
                {
                }
            }
        }
        try
        {
            await _client.DeleteAsync(_podsInfo, pod.Metadata.NamespaceProperty, pod.Metadata.Name, null, ct).ConfigureAwait(false);
            RecordPodEvent("delete", set, pod, null);
        }
        catch (StatusException e) when (e.Code == 404)
        {
        }
        catch (StatusException e)
        {
            RecordPodEvent("delete", set, pod, e);
            throw;
        }
    }
}
