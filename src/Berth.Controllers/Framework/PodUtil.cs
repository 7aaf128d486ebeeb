using System.Globalization;
using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>Pod state as Kubernetes' controllers judge it (podutil and controller_utils).</summary>
public static class PodUtil
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";

    /// <summary>The annotation that ranks pods for scale-down (controller.kubernetes.io/pod-deletion-cost).</summary>
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    public static V1PodCondition? Condition(V1Pod pod, string type)
    {
        if (pod.Status?.Conditions is not { } conditions)
        {
            return null;
        }
        foreach (var c in conditions)
        {
            if (c.Type == type)
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>The Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => Condition(pod, "Ready")?.Status == "True";

    /// <summary>When the pod last became ready (the Ready condition's transition time), or null.</summary>
    public static DateTime? ReadyTime(V1Pod pod)
    {
        var c = Condition(pod, "Ready");
        return c?.Status == "True" ? c.LastTransitionTime : null;
    }

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> (podutil.IsPodAvailable).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now)
    {
        if (!IsReady(pod))
        {
            return false;
        }
        if (minReadySeconds == 0)
        {
            return true;
        }
        var since = Condition(pod, "Ready")?.LastTransitionTime;
        return since is { } t && t.AddSeconds(minReadySeconds) < now;
    }

    public static string Phase(V1Pod pod) => pod.Status?.Phase ?? "";

    public static bool IsTerminating(V1Pod pod) => pod.Metadata?.DeletionTimestamp is not null;

    /// <summary>Not finished and not being deleted (controller.IsPodActive).</summary>
    public static bool IsActive(V1Pod pod) => Phase(pod) is not (Succeeded or Failed) && !IsTerminating(pod);

    public static List<V1Pod> FilterActive(IEnumerable<V1Pod> pods)
    {
        var result = new List<V1Pod>();
        foreach (var p in pods)
        {
            if (IsActive(p))
            {
                result.Add(p);
            }
        }
        return result;
    }

    /// <summary>Pods being deleted that have not finished yet (controller.CountTerminatingPods).</summary>
    public static int CountTerminating(IEnumerable<V1Pod> pods)
    {
        var n = 0;
        foreach (var p in pods)
        {
            if (IsTerminating(p) && Phase(p) is not (Succeeded or Failed))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>The pod-deletion-cost annotation as an int32; 0 when absent or invalid.</summary>
    public static int DeletionCost(V1Pod pod) =>
        pod.Metadata?.Annotations is { } a && a.TryGetValue(DeletionCostAnnotation, out var v)
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>True when the selector matches the labels (null labels are empty).</summary>
    public static bool Matches(Berth.Api.Selectors.LabelSelector selector, IDictionary<string, string>? labels) => labels switch
    {
        null => selector.Matches(NoLabels),
        IReadOnlyDictionary<string, string> ro => selector.Matches(ro),
        _ => selector.Matches(new Dictionary<string, string>(labels, StringComparer.Ordinal)),
    };
}
