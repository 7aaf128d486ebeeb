using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Quota usage of pods (kube's podEvaluator): <c>pods</c>, <c>count/pods</c>, cpu/memory/ephemeral-storage
/// requests and limits, hugepages and extended resources; scopes Terminating, NotTerminating, BestEffort,
/// NotBestEffort, PriorityClass and CrossNamespacePodAffinity. Pods in a terminal phase, or past their
/// deletion grace period, count only toward <c>count/pods</c>.
/// </summary>
public sealed class PodEvaluator : IQuotaEvaluator
{
    public const string CountName = "count/pods";

    private static readonly string[] PodResourceNames =
    [
        CountName, "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    ];

    // Kube's backward-compatibility mistake, kept: quotas on these require every container to declare them.
    private static readonly HashSet<string> ValidationSet =
        ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    public string Group => "";

    public string Resource => "pods";

    public object Decode(JsonObject obj)
    {
        try
        {
            return KubeJson.Deserialize<V1Pod>(obj);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return new V1Pod { Spec = new V1PodSpec { Containers = [] } };
        }
    }

    public bool Handles(string operation, string subresource, object? item, object? oldItem)
    {
        switch (subresource)
        {
            case "":
                if (operation == "UPDATE" && item is V1Pod pod && oldItem is V1Pod old && IsTerminating(old) != IsTerminating(pod))
                {
                    return true;
                }
                return operation == "CREATE";
            case "resize":
                return operation == "UPDATE";
            default:
                return false;
        }
    }

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names)
    {
        var result = new List<string>();
        foreach (var n in names)
        {
            if (PodResourceNames.Contains(n) || n.StartsWith("hugepages-", StringComparison.Ordinal)
                || n.StartsWith("requests.hugepages-", StringComparison.Ordinal) || IsExtendedForQuota(n))
            {
                result.Add(n);
            }
        }
        return result;
    }

    /// <summary>A native resource has no domain prefix or a kubernetes.io one.</summary>
    private static bool IsNative(string name) => !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    private static bool IsExtendedForQuota(string name) =>
        name.StartsWith("requests.", StringComparison.Ordinal)
        && (!IsNative(name) || name.StartsWith("requests.deviceclass.resource.kubernetes.io/", StringComparison.Ordinal));

    private static bool IsExtendedResource(string name) =>
        !IsNative(name) && !name.StartsWith("requests.", StringComparison.Ordinal);

    public bool MatchesScope(V1ScopedResourceSelectorRequirement scope, object item)
    {
        if (item is not V1Pod pod)
        {
            return false;
        }
        return scope.ScopeName switch
        {
            "Terminating" => IsTerminating(pod),
            "NotTerminating" => !IsTerminating(pod),
            "BestEffort" => PodResources.IsBestEffort(pod),
            "NotBestEffort" => !PodResources.IsBestEffort(pod),
            "PriorityClass" => MatchesPriorityClass(pod, scope),
            "CrossNamespacePodAffinity" => UsesCrossNamespaceAffinity(pod),
            _ => false,
        };
    }

    /// <summary>A pod with activeDeadlineSeconds ≥ 0 is in the Terminating scope.</summary>
    public static bool IsTerminating(V1Pod pod) => pod.Spec?.ActiveDeadlineSeconds is >= 0;

    // The selector is a label requirement on the one-entry set {PriorityClass: <name>} (empty when unset).
    private static bool MatchesPriorityClass(V1Pod pod, V1ScopedResourceSelectorRequirement scope)
    {
        var name = pod.Spec?.PriorityClassName;
        var has = !string.IsNullOrEmpty(name);
        var values = scope.Values ?? [];
        return scope.OperatorProperty switch
        {
            "Exists" => has,
            "DoesNotExist" => !has,
            "In" => has && values.Contains(name),
            "NotIn" => !has || !values.Contains(name),
            _ => false,
        };
    }

    private static bool UsesCrossNamespaceAffinity(V1Pod pod)
    {
        static bool Cross(V1PodAffinityTerm? t) => t is not null && (t.Namespaces is { Count: > 0 } || t.NamespaceSelector is not null);
        var a = pod.Spec?.Affinity;
        if (a is null)
        {
            return false;
        }
        return (a.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? []).Any(Cross)
            || (a.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Any(w => Cross(w.PodAffinityTerm))
            || (a.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? []).Any(Cross)
            || (a.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Any(w => Cross(w.PodAffinityTerm));
    }

    public string? Constraints(IReadOnlyCollection<string> required, object item)
    {
        if (item is not V1Pod pod || PodResources.PodLevelSet(pod))
        {
            return null;
        }
        var requiredSet = required.Where(ValidationSet.Contains).ToHashSet(StringComparer.Ordinal);
        if (requiredSet.Count == 0)
        {
            return null;
        }
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var c in (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []))
        {
            var declared = ComputeUsage(c.Resources?.Requests, c.Resources?.Limits);
            foreach (var r in requiredSet)
            {
                if (!declared.ContainsKey(r))
                {
                    if (!missing.TryGetValue(r, out var names))
                    {
                        missing[r] = names = new SortedSet<string>(StringComparer.Ordinal);
                    }
                    names.Add(c.Name ?? "");
                }
            }
        }
        if (missing.Count == 0)
        {
            return null;
        }
        return "must specify " + string.Join("; ", missing.Select(m => m.Key + " for: " + string.Join(",", m.Value)));
    }

    public Dictionary<string, ResourceQuantity> Usage(object item, DateTimeOffset now)
    {
        var result = ResourceLists.Empty();
        result[CountName] = QuantityMath.Count(1);
        if (item is not V1Pod pod || !Counts(pod, now))
        {
            return result;
        }
        ResourceLists.AddInto(result, ComputeUsage(PodResources.Requests(pod), PodResources.Limits(pod)));
        return result;
    }

    /// <summary>
    /// Whether a pod's compute resources count (kube's QuotaV1Pod): not when it reached a terminal phase,
    /// nor when it is stuck terminating past its grace period (a lost node must not block new pods).
    /// </summary>
    public static bool Counts(V1Pod pod, DateTimeOffset now)
    {
        if (pod.Status?.Phase is "Failed" or "Succeeded")
        {
            return false;
        }
        if (pod.Metadata?.DeletionTimestamp is { } deleted && pod.Metadata.DeletionGracePeriodSeconds is { } grace)
        {
            var deadline = new DateTimeOffset(DateTime.SpecifyKind(deleted, DateTimeKind.Utc)).AddSeconds(grace);
            if (now > deadline)
            {
                return false;
            }
        }
        return true;
    }

    // podComputeUsageHelper: the quota names that a set of requests and limits charges.
    private static Dictionary<string, ResourceQuantity> ComputeUsage(IDictionary<string, ResourceQuantity>? requests,
        IDictionary<string, ResourceQuantity>? limits)
    {
        var result = ResourceLists.Empty();
        result["pods"] = QuantityMath.Count(1);
        foreach (var name in (ReadOnlySpan<string>)["cpu", "memory", "ephemeral-storage"])
        {
            if (requests is not null && requests.TryGetValue(name, out var request))
            {
                result[name] = request;
                result["requests." + name] = request;
            }
            if (limits is not null && limits.TryGetValue(name, out var limit))
            {
                result["limits." + name] = limit;
            }
        }
        if (requests is not null)
        {
            foreach (var (name, request) in requests)
            {
                if (name.StartsWith("hugepages-", StringComparison.Ordinal))
                {
                    result[name] = request;
                    result["requests." + name] = request;
                }
                else if (IsExtendedResource(name))
                {
                    result["requests." + name] = request;
                }
            }
        }
        return result;
    }
}
