using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// A pod's effective requests and limits, as k8s.io/component-helpers/resource PodRequests/PodLimits:
/// the sum of the containers, at least the largest init container (restartable "sidecar" init containers
/// add to both), pod-level resources for cpu, memory and hugepages when set, plus the pod overhead.
/// </summary>
public static class PodResources
{
    /// <summary>Whether the pod sets pod-level requests or limits of a resource that supports them.</summary>
    public static bool PodLevelSet(V1Pod pod) =>
        pod.Spec?.Resources is { } r && (r.Requests?.Keys.Any(SupportsPodLevel) == true || r.Limits?.Keys.Any(SupportsPodLevel) == true);

    private static bool SupportsPodLevel(string name) =>
        name is "cpu" or "memory" || name.StartsWith("hugepages-", StringComparison.Ordinal);

    public static Dictionary<string, ResourceQuantity> Requests(V1Pod pod)
    {
        var reqs = Aggregate(pod, c => c.Resources?.Requests);
        if (pod.Spec?.Resources?.Requests is { } podLevel)
        {
            foreach (var (k, v) in podLevel)
            {
                if (SupportsPodLevel(k))
                {
                    reqs[k] = v;
                }
            }
        }
        ResourceLists.AddInto(reqs, pod.Spec?.Overhead);
        return reqs;
    }

    public static Dictionary<string, ResourceQuantity> Limits(V1Pod pod)
    {
        var limits = Aggregate(pod, c => c.Resources?.Limits);
        if (PodLevelSet(pod) && pod.Spec!.Resources!.Limits is { } podLevel)
        {
            foreach (var (k, v) in podLevel)
            {
                if (SupportsPodLevel(k))
                {
                    limits[k] = v;
                }
            }
        }
        // Overhead is added to non-zero limits only: an unset limit stays unlimited.
        if (pod.Spec?.Overhead is { } overhead)
        {
            foreach (var (k, v) in overhead)
            {
                if (limits.TryGetValue(k, out var cur) && !cur.IsZero())
                {
                    limits[k] = QuantityMath.Add(cur, v);
                }
            }
        }
        return limits;
    }

    private static Dictionary<string, ResourceQuantity> Aggregate(V1Pod pod, Func<V1Container, IDictionary<string, ResourceQuantity>?> select)
    {
        var result = ResourceLists.Empty();
        foreach (var c in pod.Spec?.Containers ?? [])
        {
            ResourceLists.AddInto(result, select(c));
        }
        var restartable = ResourceLists.Empty();
        var init = ResourceLists.Empty();
        // An init container runs beside the restartable init containers started before it.
        foreach (var c in pod.Spec?.InitContainers ?? [])
        {
            var own = select(c);
            Dictionary<string, ResourceQuantity> usage;
            if (c.RestartPolicy == "Always")
            {
                ResourceLists.AddInto(result, own);
                ResourceLists.AddInto(restartable, own);
                usage = restartable;
            }
            else
            {
                usage = ResourceLists.Add(own, restartable);
            }
            ResourceLists.MaxInto(init, usage);
        }
        ResourceLists.MaxInto(result, init);
        return result;
    }

    /// <summary>Whether the pod's QoS class is BestEffort (status.qosClass when set, else computed).</summary>
    public static bool IsBestEffort(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Status?.QosClass))
        {
            return pod.Status.QosClass == "BestEffort";
        }
        if (PodLevelSet(pod))
        {
            return !AnyPositiveCompute(pod.Spec!.Resources!.Requests) && !AnyPositiveCompute(pod.Spec.Resources.Limits);
        }
        foreach (var c in (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []))
        {
            if (AnyPositiveCompute(c.Resources?.Requests) || AnyPositiveCompute(c.Resources?.Limits))
            {
                return false;
            }
        }
        return true;
    }

    private static bool AnyPositiveCompute(IDictionary<string, ResourceQuantity>? list) =>
        list is not null && list.Any(p => p.Key is "cpu" or "memory" && p.Value.Sign() > 0);
}
