using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.ApiServer.Registry;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// kube's LimitRanger: on pod creation, fills each container's unset requests and limits from the
/// namespace's LimitRanges (mutating phase) and then rejects pods (on create) and persistent volume
/// claims (on create and update) outside their min, max and maxLimitRequestRatio, with 403 Forbidden and
/// kube's messages. See <see cref="LimitRangeRules"/>.
/// </summary>
/// <remarks>
/// Pod updates are not checked, as in kube: containers' resources cannot change on update. Objects that
/// are being deleted are never checked. LimitRanges are read from the watch cache after it caught up with
/// the store, so one created just before the pod applies to it.
/// </remarks>
public sealed class LimitRanger(Func<RestStorage> storage) : IAdmissionPlugin
{
    public string Name => "LimitRanger";

    private static bool Supports(AdmissionRequest request, bool forValidation)
    {
        if (request.Subresource.Length > 0 || request.Object is null || !string.IsNullOrEmpty(request.Resource.Group))
        {
            return false;
        }
        if (request.OldObject?["metadata"]?["deletionTimestamp"] is not null)
        {
            return false;
        }
        return request.Resource.Resource switch
        {
            "pods" => request.Operation == AdmissionRequest.Create,
            "persistentvolumeclaims" => forValidation && request.Operation is AdmissionRequest.Create or AdmissionRequest.Update,
            _ => false,
        };
    }

    public async ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (!Supports(request, forValidation: false))
        {
            return;
        }
        foreach (var lr in await LimitRangesAsync(request.Namespace, cancellationToken).ConfigureAwait(false))
        {
            LimitRangeRules.MutatePod(request.Object!, lr);
        }
    }

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (!Supports(request, forValidation: true))
        {
            return;
        }
        var ranges = await LimitRangesAsync(request.Namespace, cancellationToken).ConfigureAwait(false);
        if (ranges.Count == 0)
        {
            return;
        }
        var isPod = request.Resource.Resource == "pods";
        V1Pod? pod = null;
        V1PersistentVolumeClaim? pvc = null;
        try
        {
            if (isPod)
            {
                pod = KubeJson.Deserialize<V1Pod>(request.Object!);
            }
            else
            {
                pvc = KubeJson.Deserialize<V1PersistentVolumeClaim>(request.Object!);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            // Validation rejects what cannot be read before this point; nothing to enforce on it here.
            return;
        }
        foreach (var lr in ranges)
        {
            var errors = isPod ? LimitRangeRules.ValidatePod(pod!, lr) : LimitRangeRules.ValidateClaim(pvc!, lr);
            if (errors.Count > 0)
            {
                throw StatusException.Forbidden(request.Resource.Resource, "", request.Name, LimitRangeRules.Aggregate(errors));
            }
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Berth.Storage.Cache.CachedObject, V1LimitRange> Decoded = new();

    private async ValueTask<List<V1LimitRange>> LimitRangesAsync(string ns, CancellationToken ct)
    {
        var s = storage();
        var info = s.Kinds.Find("", "v1", "limitranges");
        var result = new List<V1LimitRange>();
        if (info is null)
        {
            return result;
        }
        // The watch cache, once it holds every LimitRange write: no wait for the pod writes in flight.
        foreach (var o in (await s.FreshCacheAsync(info, ct).ConfigureAwait(false)).List(ns))
        {
            try
            {
                result.Add(Decoded.GetValue(o, c => LimitRangeRules.WithDefaults(KubeJson.Deserialize<V1LimitRange>(c.Json))));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                // A LimitRange that cannot be read limits nothing (validation keeps them out).
            }
        }
        return result;
    }
}
