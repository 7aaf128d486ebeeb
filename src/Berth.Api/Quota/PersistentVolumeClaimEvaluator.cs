using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Quota usage of persistent volume claims (kube's pvcEvaluator): <c>persistentvolumeclaims</c>,
/// <c>count/persistentvolumeclaims</c>, <c>requests.storage</c> (rounded up to whole bytes, or the larger
/// allocated size after an expansion) and the same per storage class as
/// <c>&lt;class&gt;.storageclass.storage.k8s.io/&lt;resource&gt;</c>; scope VolumeAttributesClass.
/// </summary>
public sealed class PersistentVolumeClaimEvaluator : IQuotaEvaluator
{
    public const string CountName = "count/persistentvolumeclaims";
    public const string StorageClassSuffix = ".storageclass.storage.k8s.io/";

    private static readonly string[] ClaimResources = ["persistentvolumeclaims", "requests.storage"];

    public string Group => "";

    public string Resource => "persistentvolumeclaims";

    public object Decode(JsonObject obj)
    {
        try
        {
            return KubeJson.Deserialize<V1PersistentVolumeClaim>(obj);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return new V1PersistentVolumeClaim();
        }
    }

    public bool Handles(string operation, string subresource, object? item, object? oldItem) => operation is "CREATE" or "UPDATE";

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names)
    {
        var result = new List<string>();
        foreach (var n in names)
        {
            if (n == CountName || ClaimResources.Contains(n)
                || ClaimResources.Any(r => n.EndsWith(StorageClassSuffix + r, StringComparison.Ordinal)))
            {
                result.Add(n);
            }
        }
        return result;
    }

    /// <summary>
    /// The VolumeAttributesClass scope: a label requirement over the classes the claim has, wants or is
    /// moving to (spec, status.currentVolumeAttributesClassName, status.modifyVolumeStatus target).
    /// </summary>
    public bool MatchesScope(V1ScopedResourceSelectorRequirement scope, object item)
    {
        if (scope.ScopeName != "VolumeAttributesClass" || item is not V1PersistentVolumeClaim pvc)
        {
            return false;
        }
        var classes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in new[] { pvc.Spec?.VolumeAttributesClassName, pvc.Status?.CurrentVolumeAttributesClassName,
            pvc.Status?.ModifyVolumeStatus?.TargetVolumeAttributesClassName })
        {
            if (!string.IsNullOrEmpty(c))
            {
                classes.Add(c);
            }
        }
        var values = scope.Values ?? [];
        return scope.OperatorProperty switch
        {
            "Exists" => classes.Count > 0,
            "DoesNotExist" => classes.Count == 0,
            "In" => classes.Any(values.Contains),
            "NotIn" => classes.Count == 0 || classes.Any(c => !values.Contains(c)),
            _ => false,
        };
    }

    public string? Constraints(IReadOnlyCollection<string> required, object item) => null;

    /// <summary>The claim's class: the beta annotation when present, else spec.storageClassName.</summary>
    public static string StorageClass(V1PersistentVolumeClaim pvc)
    {
        if (pvc.Metadata?.Annotations is { } a && a.TryGetValue("volume.beta.kubernetes.io/storage-class", out var cls))
        {
            return cls ?? "";
        }
        return pvc.Spec?.StorageClassName ?? "";
    }

    public Dictionary<string, ResourceQuantity> Usage(object item, DateTimeOffset now)
    {
        var result = ResourceLists.Empty();
        result["persistentvolumeclaims"] = QuantityMath.Count(1);
        result[CountName] = QuantityMath.Count(1);
        if (item is not V1PersistentVolumeClaim pvc)
        {
            return result;
        }
        var cls = StorageClass(pvc);
        if (cls.Length > 0)
        {
            result[cls + StorageClassSuffix + "persistentvolumeclaims"] = QuantityMath.Count(1);
        }
        if (StorageUsage(pvc) is { } storage)
        {
            result["requests.storage"] = storage;
            if (cls.Length > 0)
            {
                result[cls + StorageClassSuffix + "requests.storage"] = storage;
            }
        }
        return result;
    }

    private static ResourceQuantity? StorageUsage(V1PersistentVolumeClaim pvc)
    {
        if (pvc.Spec?.Resources?.Requests is not { } requests || !requests.TryGetValue("storage", out var request))
        {
            return null;
        }
        // Whole bytes, so usage sums stay valid quantities (kubernetes#94313).
        var result = QuantityMath.RoundUpToInteger(request);
        if (pvc.Status?.AllocatedResources is { } allocated && allocated.TryGetValue("storage", out var a)
            && QuantityMath.Compare(a, result) > 0)
        {
            result = QuantityMath.RoundUpToInteger(a);
        }
        return result;
    }
}
