using System.Globalization;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Deployments;

/// <summary>
/// Deployment arithmetic and bookkeeping shared by the rollout strategies (kube's deployment util):
/// revision annotations, surge/unavailable fenceposts, proportions, and the completeness/progress tests.
/// </summary>
public static class DeploymentUtil
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string RollbackToAnnotation = "deprecated.deployment.rollback.to";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public const string RollbackRevisionNotFound = "DeploymentRollbackRevisionNotFound";
    public const string RollbackTemplateUnchanged = "DeploymentRollbackTemplateUnchanged";
    public const string RollbackDone = "DeploymentRollback";

    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string ReplicaFailure = "ReplicaFailure";

    public const string ReplicaSetUpdatedReason = "ReplicaSetUpdated";
    public const string FailedRSCreateReason = "ReplicaSetCreateError";
    public const string NewReplicaSetReason = "NewReplicaSetCreated";
    public const string FoundNewRSReason = "FoundNewReplicaSet";
    public const string NewRSAvailableReason = "NewReplicaSetAvailable";
    public const string TimedOutReason = "ProgressDeadlineExceeded";
    public const string PausedDeployReason = "DeploymentPaused";
    public const string ResumedDeployReason = "DeploymentResumed";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    /// <summary>Revision history annotations longer than this lose their oldest entries.</summary>
    public const int MaxRevisionHistoryLengthInChars = 2000;

    private static readonly HashSet<string> AnnotationsToSkip = new(StringComparer.Ordinal)
    {
        LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation,
    };

    public static bool SkipCopyAnnotation(string key) => AnnotationsToSkip.Contains(key);

    public static int Replicas(V1Deployment d) => d.Spec.Replicas ?? 1;

    public static int Replicas(V1ReplicaSet? rs) => rs?.Spec?.Replicas ?? 0;

    public static bool IsRollingUpdate(V1Deployment d) => (d.Spec.Strategy?.Type ?? "RollingUpdate") == "RollingUpdate";

    public static bool HasProgressDeadline(V1Deployment d) => d.Spec.ProgressDeadlineSeconds is int p && p != int.MaxValue;

    public static bool HasRevisionHistoryLimit(V1Deployment d) => d.Spec.RevisionHistoryLimit is int l && l != int.MaxValue;

    // ---- conditions ----

    public static V1DeploymentCondition NewCondition(string type, string status, string reason, string message, DateTime now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };

    public static V1DeploymentCondition? GetCondition(V1DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Sets a condition (SetDeploymentCondition): an existing one with the same status and reason is kept
    /// as is; the transition time is kept while the status does not change.
    /// </summary>
    public static void SetCondition(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        var current = GetCondition(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }
        if (current is not null && current.Status == condition.Status)
        {
            condition.LastTransitionTime = current.LastTransitionTime;
        }
        var kept = status.Conditions?.Where(c => c.Type != condition.Type).ToList() ?? [];
        kept.Add(condition);
        status.Conditions = kept;
    }

    public static void RemoveCondition(V1DeploymentStatus status, string type)
    {
        if (status.Conditions is null)
        {
            return;
        }
        var kept = status.Conditions.Where(c => c.Type != type).ToList();
        status.Conditions = kept.Count == 0 ? null : kept;
    }

    // ---- revisions ----

    /// <summary>The revision annotation as a number; 0 when absent; null when unparseable.</summary>
    public static long? Revision(V1ObjectMeta meta)
    {
        if (meta.Annotations is null || !meta.Annotations.TryGetValue(RevisionAnnotation, out var v))
        {
            return 0;
        }
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    public static long MaxRevision(IEnumerable<V1ReplicaSet> all)
    {
        long max = 0;
        foreach (var rs in all)
        {
            if (Revision(rs.Metadata) is long v && v > max)
            {
                max = v;
            }
        }
        return max;
    }

    /// <summary>The second highest revision: the one a rollback without a revision goes to.</summary>
    public static long LastRevision(IEnumerable<V1ReplicaSet> all)
    {
        long max = 0, second = 0;
        foreach (var rs in all)
        {
            if (Revision(rs.Metadata) is not long v)
            {
                continue;
            }
            if (v >= max)
            {
                second = max;
                max = v;
            }
            else if (v > second)
            {
                second = v;
            }
        }
        return second;
    }

    public static bool SetDeploymentRevision(V1Deployment d, string revision)
    {
        d.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.Metadata.Annotations.TryGetValue(RevisionAnnotation, out var cur) && cur == revision)
        {
            return false;
        }
        d.Metadata.Annotations[RevisionAnnotation] = revision;
        return true;
    }

    /// <summary>
    /// Copies the Deployment's annotations to its new ReplicaSet, raises the ReplicaSet's revision to
    /// <paramref name="newRevision"/> (remembering the old one in revision-history, as a rollback does),
    /// and, for a ReplicaSet about to be created, sets desired-replicas and max-replicas. True if any changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(V1Deployment d, V1ReplicaSet rs, string newRevision, bool exists)
    {
        var changed = CopyDeploymentAnnotationsToReplicaSet(d, rs);
        rs.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var hadRevision = rs.Metadata.Annotations.TryGetValue(RevisionAnnotation, out var oldRevision);
        long oldRevisionInt = 0;
        if (hadRevision && !long.TryParse(oldRevision, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevisionInt))
        {
            return false;
        }
        if (!long.TryParse(newRevision, NumberStyles.None, CultureInfo.InvariantCulture, out var newRevisionInt))
        {
            return false;
        }
        if (oldRevisionInt < newRevisionInt)
        {
            rs.Metadata.Annotations[RevisionAnnotation] = newRevision;
            changed = true;
        }
        if (hadRevision && oldRevisionInt < newRevisionInt)
        {
            var history = rs.Metadata.Annotations.TryGetValue(RevisionHistoryAnnotation, out var h) ? h : "";
            var old = history.Split(',');
            if (old[0].Length == 0)
            {
                rs.Metadata.Annotations[RevisionHistoryAnnotation] = oldRevision!;
            }
            else
            {
                var total = history.Length + oldRevision!.Length + 1;
                var start = 0;
                while (total > MaxRevisionHistoryLengthInChars && start < old.Length)
                {
                    total -= old[start].Length + 1;
                    start++;
                }
                if (total <= MaxRevisionHistoryLengthInChars)
                {
                    rs.Metadata.Annotations[RevisionHistoryAnnotation] = string.Join(',', old.Skip(start).Append(oldRevision));
                }
            }
        }
        if (!exists && SetReplicasAnnotations(rs, Replicas(d), Replicas(d) + MaxSurge(d)))
        {
            changed = true;
        }
        return changed;
    }

    private static bool CopyDeploymentAnnotationsToReplicaSet(V1Deployment d, V1ReplicaSet rs)
    {
        var changed = false;
        rs.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.Metadata.Annotations is null)
        {
            return false;
        }
        foreach (var (k, v) in d.Metadata.Annotations)
        {
            if (SkipCopyAnnotation(k) || (rs.Metadata.Annotations.TryGetValue(k, out var cur) && cur == v))
            {
                continue;
            }
            rs.Metadata.Annotations[k] = v;
            changed = true;
        }
        return changed;
    }

    /// <summary>Replaces the Deployment's copyable annotations with the ReplicaSet's (a rollback to it).</summary>
    public static void SetDeploymentAnnotationsTo(V1Deployment d, V1ReplicaSet rollbackTo)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.Metadata.Annotations is not null)
        {
            foreach (var (k, v) in d.Metadata.Annotations)
            {
                if (SkipCopyAnnotation(k))
                {
                    kept[k] = v;
                }
            }
        }
        if (rollbackTo.Metadata.Annotations is not null)
        {
            foreach (var (k, v) in rollbackTo.Metadata.Annotations)
            {
                if (!SkipCopyAnnotation(k))
                {
                    kept[k] = v;
                }
            }
        }
        d.Metadata.Annotations = kept;
    }

    public static bool SetReplicasAnnotations(V1ReplicaSet rs, int desired, int max)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = false;
        var desiredText = desired.ToString(CultureInfo.InvariantCulture);
        if (!rs.Metadata.Annotations.TryGetValue(DesiredReplicasAnnotation, out var d) || d != desiredText)
        {
            rs.Metadata.Annotations[DesiredReplicasAnnotation] = desiredText;
            changed = true;
        }
        var maxText = max.ToString(CultureInfo.InvariantCulture);
        if (!rs.Metadata.Annotations.TryGetValue(MaxReplicasAnnotation, out var m) || m != maxText)
        {
            rs.Metadata.Annotations[MaxReplicasAnnotation] = maxText;
            changed = true;
        }
        return changed;
    }

    public static bool ReplicasAnnotationsNeedUpdate(V1ReplicaSet rs, int desired, int max) =>
        rs.Metadata.Annotations is not { } a
        || !a.TryGetValue(DesiredReplicasAnnotation, out var d) || d != desired.ToString(CultureInfo.InvariantCulture)
        || !a.TryGetValue(MaxReplicasAnnotation, out var m) || m != max.ToString(CultureInfo.InvariantCulture);

    public static int? IntAnnotation(V1ReplicaSet rs, string key) =>
        rs.Metadata.Annotations is { } a && a.TryGetValue(key, out var v)
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    // ---- surge and unavailability ----

    /// <summary>
    /// Resolves maxSurge (percentages rounded up) and maxUnavailable (rounded down) against the desired
    /// replicas; when both come out 0, maxUnavailable becomes 1 so a rollout can always move.
    /// </summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = IntOrPercent.Scaled(maxSurge, desired, roundUp: true);
        var unavailable = IntOrPercent.Scaled(maxUnavailable, desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }
        return (surge, unavailable);
    }

    public static int MaxUnavailable(V1Deployment d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0)
        {
            return 0;
        }
        var ru = d.Spec.Strategy?.RollingUpdate;
        var (_, unavailable) = ResolveFenceposts(ru?.MaxSurge, ru?.MaxUnavailable, Replicas(d));
        return Math.Min(unavailable, Replicas(d));
    }

    public static int MaxSurge(V1Deployment d)
    {
        if (!IsRollingUpdate(d))
        {
            return 0;
        }
        var ru = d.Spec.Strategy?.RollingUpdate;
        return ResolveFenceposts(ru?.MaxSurge, ru?.MaxUnavailable, Replicas(d)).Surge;
    }

    /// <summary>The replicas the new ReplicaSet may have now (NewRSNewReplicas).</summary>
    public static int NewRSNewReplicas(V1Deployment d, IEnumerable<V1ReplicaSet?> all, V1ReplicaSet newRs)
    {
        if (!IsRollingUpdate(d))
        {
            return Replicas(d);
        }
        var maxSurge = IntOrPercent.Scaled(d.Spec.Strategy?.RollingUpdate?.MaxSurge, Replicas(d), roundUp: true);
        var current = ReplicaCount(all);
        var maxTotal = Replicas(d) + maxSurge;
        if (current >= maxTotal)
        {
            return Replicas(newRs);
        }
        var scaleUp = Math.Min(maxTotal - current, Replicas(d) - Replicas(newRs));
        return Replicas(newRs) + scaleUp;
    }

    /// <summary>The new ReplicaSet owns all desired replicas and all are available (IsSaturated).</summary>
    public static bool IsSaturated(V1Deployment d, V1ReplicaSet? rs)
    {
        if (rs is null || IntAnnotation(rs, DesiredReplicasAnnotation) is not int desired)
        {
            return false;
        }
        return Replicas(rs) == Replicas(d) && desired == Replicas(d) && (rs.Status?.AvailableReplicas ?? 0) == Replicas(d);
    }

    /// <summary>How many replicas to add to (or remove from) a ReplicaSet in a proportional scale (GetProportion).</summary>
    public static int GetProportion(V1ReplicaSet? rs, V1Deployment d, int toAdd, int added)
    {
        if (rs is null || Replicas(rs) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }
        var fraction = ReplicaSetFraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int ReplicaSetFraction(V1ReplicaSet rs, V1Deployment d)
    {
        if (Replicas(d) == 0)
        {
            return -Replicas(rs);
        }
        var deploymentReplicas = Replicas(d) + MaxSurge(d);
        var annotated = IntAnnotation(rs, MaxReplicasAnnotation) ?? d.Status?.Replicas ?? 0;
        if (annotated == 0)
        {
            return 0;
        }
        var newSize = (double)Replicas(rs) * deploymentReplicas / annotated;
        // integer.RoundToInt32 rounds half away from zero.
        return (int)Math.Round(newSize, MidpointRounding.AwayFromZero) - Replicas(rs);
    }

    // ---- counts ----

    public static int ReplicaCount(IEnumerable<V1ReplicaSet?> all) => all.Sum(rs => rs is null ? 0 : Replicas(rs));

    public static int ActualReplicaCount(IEnumerable<V1ReplicaSet?> all) => all.Sum(rs => rs?.Status?.Replicas ?? 0);

    public static int ReadyReplicaCount(IEnumerable<V1ReplicaSet?> all) => all.Sum(rs => rs?.Status?.ReadyReplicas ?? 0);

    public static int AvailableReplicaCount(IEnumerable<V1ReplicaSet?> all) => all.Sum(rs => rs?.Status?.AvailableReplicas ?? 0);

    /// <summary>ReplicaSets with replicas &gt; 0 (FilterActiveReplicaSets).</summary>
    public static List<V1ReplicaSet> Active(IEnumerable<V1ReplicaSet?> all) => all.Where(rs => rs is not null && Replicas(rs) > 0).ToList()!;

    // ---- completeness and progress ----

    /// <summary>All desired replicas are updated and available and no old ones remain (DeploymentComplete).</summary>
    public static bool DeploymentComplete(V1Deployment d, V1DeploymentStatus s) =>
        (s.UpdatedReplicas ?? 0) == Replicas(d)
        && (s.Replicas ?? 0) == Replicas(d)
        && (s.AvailableReplicas ?? 0) == Replicas(d)
        && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);

    /// <summary>Something moved since the last status (DeploymentProgressing).</summary>
    public static bool DeploymentProgressing(V1Deployment d, V1DeploymentStatus s)
    {
        var old = d.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (s.Replicas ?? 0) - (s.UpdatedReplicas ?? 0);
        return (s.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0)
            || newOld < oldOld
            || (s.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0)
            || (s.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress reported for progressDeadlineSeconds (DeploymentTimedOut).</summary>
    public static bool DeploymentTimedOut(V1Deployment d, V1DeploymentStatus s, DateTime now)
    {
        if (!HasProgressDeadline(d))
        {
            return false;
        }
        var c = GetCondition(s, Progressing);
        if (c is null || c.Reason == NewRSAvailableReason)
        {
            return false;
        }
        if (c.Reason == TimedOutReason)
        {
            return true;
        }
        return c.LastUpdateTime is { } from && from.AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) < now;
    }

    // ---- orders ----

    /// <summary>Oldest first, then by name (ReplicaSetsByCreationTimestamp).</summary>
    public static int ByCreation(V1ReplicaSet a, V1ReplicaSet b)
    {
        var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }

    /// <summary>Larger first, then older first (ReplicaSetsBySizeOlder).</summary>
    public static int BySizeOlder(V1ReplicaSet a, V1ReplicaSet b) =>
        Replicas(a) != Replicas(b) ? Replicas(b).CompareTo(Replicas(a)) : ByCreation(a, b);

    /// <summary>Larger first, then newer first (ReplicaSetsBySizeNewer).</summary>
    public static int BySizeNewer(V1ReplicaSet a, V1ReplicaSet b) =>
        Replicas(a) != Replicas(b) ? Replicas(b).CompareTo(Replicas(a)) : ByCreation(b, a);

    /// <summary>Lower revision first, then older first (ReplicaSetsByRevision).</summary>
    public static int ByRevision(V1ReplicaSet a, V1ReplicaSet b)
    {
        var ra = Revision(a.Metadata);
        var rb = Revision(b.Metadata);
        if (ra is null || rb is null || ra == rb)
        {
            return ByCreation(a, b);
        }
        return ra.Value.CompareTo(rb.Value);
    }

    /// <summary>The oldest ReplicaSet whose template equals the Deployment's (FindNewReplicaSet).</summary>
    public static V1ReplicaSet? FindNewReplicaSet(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        rsList.Sort(ByCreation);
        foreach (var rs in rsList)
        {
            if (TemplateHash.EqualIgnoreHash(rs.Spec.Template, d.Spec.Template))
            {
                return rs;
            }
        }
        return null;
    }

    /// <summary>Every ReplicaSet but the new one (FindOldReplicaSets' second result).</summary>
    public static List<V1ReplicaSet> FindOldReplicaSets(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var newRs = FindNewReplicaSet(d, rsList);
        return rsList.Where(rs => newRs is null || rs.Metadata.Uid != newRs.Metadata.Uid).ToList();
    }

    /// <summary>The only active ReplicaSet, or the newest when none is active, or null when several are (FindActiveOrLatest).</summary>
    public static V1ReplicaSet? FindActiveOrLatest(V1ReplicaSet? newRs, List<V1ReplicaSet> oldRss)
    {
        if (newRs is null && oldRss.Count == 0)
        {
            return null;
        }
        var sortedOld = oldRss.ToList();
        sortedOld.Sort((a, b) => ByCreation(b, a));
        var active = Active(sortedOld.Append(newRs));
        return active.Count switch
        {
            0 => newRs ?? sortedOld[0],
            1 => active[0],
            _ => null,
        };
    }
}
