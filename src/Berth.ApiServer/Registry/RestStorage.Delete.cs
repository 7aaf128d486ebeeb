using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Objects;
using Berth.ApiServer.Admission;
using Berth.Storage;
using k8s.Models;

namespace Berth.ApiServer.Registry;

public sealed partial class RestStorage
{
    /// <summary>The finalizer that makes deletion wait for dependents (propagationPolicy Foreground).</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>The finalizer that makes the garbage collector orphan dependents (propagationPolicy Orphan).</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>
    /// Deletes an object, or marks it for deletion when finalizers or graceful termination must run first.
    /// Returns the object (its last state, or its terminating state) and whether it is gone.
    /// </summary>
    public async ValueTask<(JsonObject Object, bool Deleted)> DeleteAsync(ResourceInfo info, string ns, string name,
        V1DeleteOptions? deleteOptions, WriteOptions options, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < MaxPatchRetries; attempt++)
        {
            var (kv, stored) = await ReadForWriteAsync(info, ns, name, ct).ConfigureAwait(false);
            var obj = Converter.FromStorage(info, stored);
            CheckPreconditions(info, name, obj, kv, deleteOptions?.Preconditions);
            var request = new AdmissionRequest(info, AdmissionRequest.Delete, "", ns, name, null, obj, options);
            foreach (var plugin in _admission)
            {
                await plugin.ValidateAsync(request, ct).ConfigureAwait(false);
            }
            var outcome = PlanDelete(info, obj, deleteOptions);
            if (outcome is null)
            {
                // Already terminating and nothing to change: report the current state.
                return (obj, false);
            }
            if (options.DryRun)
            {
                return (outcome.Value.Marked ?? obj, outcome.Value.Marked is null);
            }
            if (outcome.Value.Marked is { } marked)
            {
                var bytes = ObjectCodec.ToStorage(Converter.ToStorage(info, marked));
                var upd = await _store.TxnAsync(TxnRequest.Update(kv.Key, bytes, kv.ModRevision), ct).ConfigureAwait(false);
                if (!upd.Succeeded)
                {
                    continue;
                }
                ObjectCodec.ObjectMetaRv(marked, upd.Revision);
                return (marked, false);
            }
            var del = await _store.TxnAsync(TxnRequest.Delete(kv.Key, kv.ModRevision), ct).ConfigureAwait(false);
            if (!del.Succeeded)
            {
                if (del.Kv is null)
                {
                    throw StatusException.NotFound(info.Resource, info.Group, name);
                }
                continue;
            }
            ObjectCodec.ObjectMetaRv(obj, del.Revision);
            return (obj, true);
        }
        throw StatusException.Conflict(info.Resource, info.Group, name, StatusException.ModifiedMessage);
    }

    private static void CheckPreconditions(ResourceInfo info, string name, JsonObject obj, KeyValue kv, V1Preconditions? pre)
    {
        if (pre is null)
        {
            return;
        }
        if (!string.IsNullOrEmpty(pre.Uid) && pre.Uid != ObjectMeta.Uid(obj))
        {
            throw StatusException.Conflict(info.Resource, info.Group, name,
                $"Precondition failed: UID in precondition: {pre.Uid}, UID in object meta: {ObjectMeta.Uid(obj)}");
        }
        var rv = kv.ModRevision.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(pre.ResourceVersion) && pre.ResourceVersion != rv)
        {
            throw StatusException.Conflict(info.Resource, info.Group, name,
                $"Precondition failed: ResourceVersion in precondition: {pre.ResourceVersion}, ResourceVersion in object meta: {rv}");
        }
    }

    /// <summary>
    /// Decides what a delete does: null = nothing to change; Marked = write this terminating state;
    /// Marked null = remove now.
    /// </summary>
    private (JsonObject? Marked, bool _)? PlanDelete(ResourceInfo info, JsonObject obj, V1DeleteOptions? o)
    {
        var now = Now;
        var isPod = info.StorageResource == "pods";
        var meta = ObjectMeta.Metadata(obj);
        var finalizers = ObjectMeta.Finalizers(obj).ToList();
        var policy = o?.PropagationPolicy;
        if (policy is null && o?.OrphanDependents is bool orphan)
        {
            policy = orphan ? "Orphan" : "Background";
        }
        if (policy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw StatusException.Invalid("DeleteOptions", "", "",
                [Api.Validation.FieldError.NotSupported("propagationPolicy", policy, ["Foreground", "Background", "Orphan"])]);
        }
        var addFinalizer = policy switch
        {
            "Foreground" => ForegroundFinalizer,
            "Orphan" => OrphanFinalizer,
            _ => null,
        };
        if (o?.GracePeriodSeconds is < 0)
        {
            throw StatusException.Invalid("DeleteOptions", "", "",
                [Api.Validation.FieldError.Invalid("gracePeriodSeconds", o.GracePeriodSeconds, "must be greater than or equal to 0")]);
        }

        long grace = 0;
        if (isPod)
        {
            grace = o?.GracePeriodSeconds ?? JsonNumbers.Long(obj["spec"]?["terminationGracePeriodSeconds"]) ?? 30;
            var phase = obj["status"]?["phase"]?.GetValue<string>();
            var node = obj["spec"]?["nodeName"]?.GetValue<string>();
            // Unscheduled and finished pods have nothing to stop: kube deletes them at once.
            if (string.IsNullOrEmpty(node) || phase is "Succeeded" or "Failed")
            {
                grace = 0;
            }
        }

        var terminating = ObjectMeta.DeletionTimestamp(obj) is not null;
        var changed = false;
        if (addFinalizer is not null && !finalizers.Contains(addFinalizer))
        {
            // Orphan and Foreground are exclusive; the later request wins, as in kube.
            finalizers.Remove(addFinalizer == OrphanFinalizer ? ForegroundFinalizer : OrphanFinalizer);
            finalizers.Add(addFinalizer);
            changed = true;
        }
        else if (policy == "Background" && (finalizers.Remove(OrphanFinalizer) | finalizers.Remove(ForegroundFinalizer)))
        {
            changed = true;
        }
        var namespacePending = NamespaceFinalizersPending(info, obj);
        if (finalizers.Count == 0 && grace == 0 && !namespacePending)
        {
            return (null, false);
        }
        if (terminating)
        {
            if (isPod && finalizers.Count == 0 && grace == 0)
            {
                return (null, false);
            }
            var currentGrace = JsonNumbers.Long(meta["deletionGracePeriodSeconds"]) ?? 0;
            if (isPod && grace < currentGrace)
            {
                meta["deletionGracePeriodSeconds"] = grace;
                meta["deletionTimestamp"] = FormatTime(now.AddSeconds(grace));
                changed = true;
            }
            if (!changed)
            {
                return null;
            }
        }
        else
        {
            meta["deletionTimestamp"] = FormatTime(now.AddSeconds(grace));
            meta["deletionGracePeriodSeconds"] = grace;
            if (info.StorageResource == "namespaces")
            {
                var status = obj["status"] as JsonObject ?? new JsonObject();
                status["phase"] = "Terminating";
                obj["status"] = status;
            }
        }
        if (finalizers.Count > 0)
        {
            meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        }
        else
        {
            meta.Remove("finalizers");
        }
        return (obj, false);
    }

    /// <summary>Deletes every object a list with <paramref name="listOptions"/> returns; returns the deleted (or marked) objects.</summary>
    public async ValueTask<List<JsonObject>> DeleteCollectionAsync(ResourceInfo info, string ns, ListOptions listOptions,
        V1DeleteOptions? deleteOptions, WriteOptions options, CancellationToken ct = default)
    {
        var list = await ListAsync(info, ns, listOptions with { Limit = 0, Continue = null }, ct).ConfigureAwait(false);
        var result = new List<JsonObject>(list.Items.Count);
        foreach (var item in list.Items)
        {
            try
            {
                var (obj, _) = await DeleteAsync(info, item.Namespace, item.Name, deleteOptions, options, ct).ConfigureAwait(false);
                result.Add(obj);
            }
            catch (StatusException e) when (e.Code == 404)
            {
                // Deleted meanwhile: that is what was asked.
            }
        }
        return result;
    }
}
