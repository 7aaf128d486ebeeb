using k8s.Models;

namespace Berth.Controllers.Framework;

/// <summary>
/// Kubernetes' order for choosing which pods to delete first (controller.ActivePodsWithRanks): the
/// smaller pod goes first.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>unscheduled &lt; scheduled</item>
/// <item>Pending &lt; Unknown &lt; Running</item>
/// <item>not ready &lt; ready</item>
/// <item>lower <c>controller.kubernetes.io/pod-deletion-cost</c> &lt; higher (ranked form only)</item>
/// <item>more ready siblings on the same node &lt; fewer (ranked form only)</item>
/// <item>ready for a shorter time &lt; longer (logarithmic buckets when <c>now</c> is given: LogarithmicScaleDown)</item>
/// <item>more container restarts &lt; fewer</item>
/// <item>newer &lt; older (logarithmic buckets when <c>now</c> is given)</item>
/// </list>
/// The unranked form (<see cref="Sort(List{V1Pod})"/>) is controller.ActivePods, used by Jobs.
/// </remarks>
public static class ActivePodsRanking
{
    private static int PhaseOrdinal(V1Pod p) => PodUtil.Phase(p) switch
    {
        PodUtil.Unknown => 1,
        PodUtil.Running => 2,
        _ => 0,
    };

    /// <summary>Sorts deletion candidates, most deletable first (controller.ActivePods).</summary>
    public static void Sort(List<V1Pod> pods) => pods.Sort((a, b) => Compare(a, 0, b, 0, ranked: false, now: null));

    /// <summary>
    /// Sorts deletion candidates with their ranks (the number of active related pods on the same node),
    /// most deletable first (controller.ActivePodsWithRanks).
    /// </summary>
    public static void Sort(List<(V1Pod Pod, int Rank)> pods, DateTime now) =>
        pods.Sort((a, b) => Compare(a.Pod, a.Rank, b.Pod, b.Rank, ranked: true, now: now));

    /// <summary>Negative when <paramref name="a"/> should be deleted before <paramref name="b"/>.</summary>
    public static int Compare(V1Pod a, int rankA, V1Pod b, int rankB, bool ranked, DateTime? now)
    {
        if (Less(a, rankA, b, rankB, ranked, now))
        {
            return -1;
        }
        return Less(b, rankB, a, rankA, ranked, now) ? 1 : 0;
    }

    private static bool Less(V1Pod i, int rankI, V1Pod j, int rankJ, bool ranked, DateTime? now)
    {
        var nodeI = i.Spec?.NodeName ?? "";
        var nodeJ = j.Spec?.NodeName ?? "";
        if (nodeI != nodeJ && (nodeI.Length == 0 || nodeJ.Length == 0))
        {
            return nodeI.Length == 0;
        }
        var phaseI = PhaseOrdinal(i);
        var phaseJ = PhaseOrdinal(j);
        if (phaseI != phaseJ)
        {
            return phaseI < phaseJ;
        }
        var readyI = PodUtil.IsReady(i);
        var readyJ = PodUtil.IsReady(j);
        if (readyI != readyJ)
        {
            return !readyI;
        }
        if (ranked)
        {
            var costI = PodUtil.DeletionCost(i);
            var costJ = PodUtil.DeletionCost(j);
            if (costI != costJ)
            {
                return costI < costJ;
            }
            if (rankI != rankJ)
            {
                return rankI > rankJ;
            }
        }
        if (readyI && readyJ)
        {
            var t1 = PodUtil.ReadyTime(i);
            var t2 = PodUtil.ReadyTime(j);
            if (t1 != t2)
            {
                if (now is not { } n || t1 is null || t2 is null)
                {
                    return AfterOrZero(t1, t2);
                }
                var diff = LogarithmicRankDiff(t1.Value, t2.Value, n);
                return diff == 0 ? string.CompareOrdinal(i.Metadata?.Uid, j.Metadata?.Uid) < 0 : diff < 0;
            }
        }
        var (regularI, sidecarI) = MaxRestarts(i);
        var (regularJ, sidecarJ) = MaxRestarts(j);
        if (regularI != regularJ)
        {
            return regularI > regularJ;
        }
        if (sidecarI != sidecarJ)
        {
            return sidecarI > sidecarJ;
        }
        var c1 = i.Metadata?.CreationTimestamp;
        var c2 = j.Metadata?.CreationTimestamp;
        if (c1 != c2)
        {
            if (!ranked || now is not { } n || c1 is null || c2 is null)
            {
                return AfterOrZero(c1, c2);
            }
            var diff = LogarithmicRankDiff(c1.Value, c2.Value, n);
            return diff == 0 ? string.CompareOrdinal(i.Metadata?.Uid, j.Metadata?.Uid) < 0 : diff < 0;
        }
        return false;
    }

    // A missing time sorts first; otherwise the later time is "smaller".
    private static bool AfterOrZero(DateTime? t1, DateTime? t2)
    {
        if (t1 is null || t2 is null)
        {
            return t1 is null;
        }
        return t1.Value > t2.Value;
    }

    /// <summary>
    /// The difference of ⌊log2(age in ns)⌋ of two times: pods whose ages fall in the same power-of-two
    /// bucket count as equally old, so scale-down does not always pick the very newest (KEP-2185).
    /// </summary>
    public static long LogarithmicRankDiff(DateTime t1, DateTime t2, DateTime now)
    {
        var d1 = (now - t1).Ticks * 100.0;
        var d2 = (now - t2).Ticks * 100.0;
        var r1 = d1 > 0 ? (long)Math.Log2(d1) : -1;
        var r2 = d2 > 0 ? (long)Math.Log2(d2) : -1;
        return r1 - r2;
    }

    private static (int Regular, int Sidecar) MaxRestarts(V1Pod pod)
    {
        var regular = 0;
        var sidecar = 0;
        if (pod.Status?.ContainerStatuses is { } cs)
        {
            foreach (var s in cs)
            {
                regular = Math.Max(regular, s.RestartCount);
            }
        }
        if (pod.Status?.InitContainerStatuses is { } ics && pod.Spec?.InitContainers is { } inits)
        {
            foreach (var s in ics)
            {
                foreach (var c in inits)
                {
                    if (c.Name == s.Name && c.RestartPolicy == "Always")
                    {
                        sidecar = Math.Max(sidecar, s.RestartCount);
                    }
                }
            }
        }
        return (regular, sidecar);
    }
}
