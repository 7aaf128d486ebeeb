using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.Api.Selectors;
using Berth.Client;
using k8s;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>
/// Claims objects for a controller as Kubernetes' ControllerRefManager does: adopts orphans its selector
/// matches (patching in a controller reference), releases objects it owns that no longer match (patching
/// the reference out), and ignores objects another controller owns.
/// </summary>
/// <remarks>
/// Before the first adoption the owner is re-read from the API server (<paramref name="canAdopt"/>): an
/// owner that is being deleted, or was replaced by a namesake, must not adopt (kubernetes#42639).
/// </remarks>
public sealed class ControllerRefManager<T>(
    IApiClient client,
    ResourceInfo resource,
    V1ObjectMeta controller,
    string controllerApiVersion,
    string controllerKind,
    LabelSelector selector,
    Func<CancellationToken, Task> canAdopt,
    IReadOnlyList<string>? adoptFinalizers = null) where T : class, IKubernetesObject<V1ObjectMeta>
{
    private Task? _canAdopt;

    /// <summary>The objects the controller owns after claiming; <paramref name="filter"/> limits which orphans are adopted.</summary>
    public async Task<List<T>> ClaimAsync(IEnumerable<T> objects, Func<T, bool>? filter, CancellationToken ct)
    {
        var claimed = new List<T>();
        List<Exception>? errors = null;
        foreach (var obj in objects)
        {
            try
            {
                if (await ClaimOneAsync(obj, filter, ct).ConfigureAwait(false))
                {
                    claimed.Add(obj);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is not null)
        {
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
        return claimed;
    }

    private bool Match(T obj, Func<T, bool>? filter) => PodUtil.Matches(selector, obj.Metadata.Labels) && (filter is null || filter(obj));

    private async Task<bool> ClaimOneAsync(T obj, Func<T, bool>? filter, CancellationToken ct)
    {
        var meta = obj.Metadata;
        var controllerRef = KubeObjects.ControllerOf(meta);
        if (controllerRef is not null)
        {
            if (controllerRef.Uid != controller.Uid)
            {
                return false;
            }
            if (Match(obj, filter))
            {
                return true;
            }
            // Ours but no longer selected: release it, unless we are going away anyway.
            if (controller.DeletionTimestamp is not null)
            {
                return false;
            }
            await ReleaseAsync(meta, ct).ConfigureAwait(false);
            return false;
        }
        if (controller.DeletionTimestamp is not null || !Match(obj, filter) || meta.DeletionTimestamp is not null)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(controller.NamespaceProperty) && controller.NamespaceProperty != meta.NamespaceProperty)
        {
            return false;
        }
        await (_canAdopt ??= canAdopt(ct)).ConfigureAwait(false);
        try
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = controllerApiVersion,
                        ["kind"] = controllerKind,
                        ["name"] = controller.Name,
                        ["uid"] = controller.Uid,
                        ["controller"] = true,
                        ["blockOwnerDeletion"] = true,
                    }),
                    ["uid"] = meta.Uid,
                },
            };
            if (adoptFinalizers is { Count: > 0 })
            {
                patch["metadata"]!["finalizers"] = new JsonArray(adoptFinalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
            }
            await client.PatchAsync(resource, meta.NamespaceProperty, meta.Name, PatchKind.StrategicMerge,
                Encoding.UTF8.GetBytes(patch.ToJsonString()), null, ct).ConfigureAwait(false);
            return true;
        }
        catch (StatusException e) when (e.Code == 404)
        {
            return false;
        }
    }

    private async Task ReleaseAsync(V1ObjectMeta meta, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = new JsonArray(new JsonObject { ["$patch"] = "delete", ["uid"] = controller.Uid }),
                ["uid"] = meta.Uid,
            },
        };
        try
        {
            await client.PatchAsync(resource, meta.NamespaceProperty, meta.Name, PatchKind.StrategicMerge,
                Encoding.UTF8.GetBytes(patch.ToJsonString()), null, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code is 404 or 422)
        {
            // Gone, or changed so that the patch no longer applies (kube ignores both).
        }
    }

    /// <summary>
    /// kube's RecheckDeletionTimestamp: a fresh read of the owner that fails adoption when the owner is being
    /// deleted or is no longer the object we knew.
    /// </summary>
    public static Func<CancellationToken, Task> RecheckDeletionTimestamp(IApiClient client, ResourceInfo ownerResource, V1ObjectMeta owner) =>
        async ct =>
        {
            var fresh = await client.GetAsync(ownerResource, owner.NamespaceProperty, owner.Name, ct).ConfigureAwait(false);
            var meta = fresh["metadata"] as JsonObject;
            var uid = meta?["uid"]?.GetValue<string>();
            if (uid != owner.Uid)
            {
                throw new InvalidOperationException($"original {owner.NamespaceProperty}/{owner.Name} is gone: got uid {uid}, wanted {owner.Uid}");
            }
            if (meta?["deletionTimestamp"]?.GetValue<string>() is { } ts)
            {
                throw new InvalidOperationException($"{owner.NamespaceProperty}/{owner.Name} has just been deleted at {ts}");
            }
        };
}
