using k8s.Models;

namespace Berth.Controllers.Jobs;

/// <summary>Job conditions and pod judgements (kube's job util and controller helpers).</summary>
public static class JobUtil
{
    /// <summary>The finalizer that keeps a Job's pods until the Job has counted them.</summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";

    public const string ReasonBackoffLimitExceeded = "BackoffLimitExceeded";
    public const string ReasonDeadlineExceeded = "DeadlineExceeded";
    public const string ReasonPodFailurePolicy = "PodFailurePolicy";
    public const string ReasonSuccessPolicy = "SuccessPolicy";
    public const string ReasonCompletionsReached = "CompletionsReached";

    /// <summary>A Complete or Failed condition is True.</summary>
    public static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is Complete or Failed && c.Status == "True") == true;

    /// <summary>(finished, "Complete" or "Failed").</summary>
    public static (bool Finished, string Type) FinishedStatus(V1Job job)
    {
        foreach (var c in job.Status?.Conditions ?? [])
        {
            if (c.Type is Complete or Failed && c.Status == "True")
            {
                return (true, c.Type);
            }
        }
        return (false, "");
    }

    public static V1JobCondition? Condition(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static V1JobCondition NewCondition(string type, string status, string reason, string message, DateTime now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastProbeTime = now,
        LastTransitionTime = now,
    };

    /// <summary>Sets a condition's status, reason and message, adding it unless it would be False (ensureJobConditionStatus).</summary>
    public static bool EnsureCondition(V1JobStatus status, string type, string value, string reason, string message, DateTime now)
    {
        status.Conditions ??= [];
        for (var i = 0; i < status.Conditions.Count; i++)
        {
            var c = status.Conditions[i];
            if (c.Type != type)
            {
                continue;
            }
            if (c.Status != value || c.Reason != reason || c.Message != message)
            {
                status.Conditions[i] = NewCondition(type, value, reason, message, now);
                return true;
            }
            return false;
        }
        if (value != "False")
        {
            status.Conditions.Add(NewCondition(type, value, reason, message, now));
            return true;
        }
        return false;
    }

    public static bool HasTrackingFinalizer(V1Pod pod) => pod.Metadata.Finalizers?.Contains(TrackingFinalizer) == true;

    public static bool IsSuspended(V1Job job) => job.Spec.Suspend == true;

    /// <summary>Replacement pods wait for terminating ones to finish: podReplacementPolicy Failed (onlyReplaceFailedPods).</summary>
    public static bool OnlyReplaceFailedPods(V1Job job) =>
        job.Spec.PodReplacementPolicy == "Failed" || (job.Spec.PodReplacementPolicy is null && job.Spec.PodFailurePolicy is not null);

    /// <summary>
    /// A pod counts as failed when its phase is Failed, or (unless only failed pods are replaced) when it is
    /// being deleted before succeeding (isPodFailed).
    /// </summary>
    public static bool IsPodFailed(V1Pod pod, V1Job job)
    {
        var phase = pod.Status?.Phase;
        if (job.Spec.PodFailurePolicy is not null)
        {
            return phase == "Failed";
        }
        if (phase == "Failed")
        {
            return true;
        }
        if (OnlyReplaceFailedPods(job))
        {
            return false;
        }
        return pod.Metadata.DeletionTimestamp is not null && phase != "Succeeded";
    }

    /// <summary>With restartPolicy OnFailure, container restarts count against backoffLimit (pastBackoffLimitOnFailure).</summary>
    public static bool PastBackoffLimitOnFailure(V1Job job, IEnumerable<V1Pod> pods)
    {
        if (job.Spec.Template.Spec.RestartPolicy != "OnFailure")
        {
            return false;
        }
        var restarts = 0;
        foreach (var p in pods)
        {
            if (p.Status?.Phase is "Running" or "Pending")
            {
                restarts += (p.Status.InitContainerStatuses ?? []).Sum(s => s.RestartCount);
                restarts += (p.Status.ContainerStatuses ?? []).Sum(s => s.RestartCount);
            }
        }
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>When the pod finished: its last container's finishedAt, else its Ready transition, else its creation (getFinishedTime).</summary>
    public static DateTime FinishedTime(V1Pod pod)
    {
        DateTime? latest = null;
        foreach (var s in pod.Status?.ContainerStatuses ?? [])
        {
            if (s.State?.Terminated?.FinishedAt is { } f && (latest is null || f > latest))
            {
                latest = f;
            }
        }
        if (latest is { } t)
        {
            return t;
        }
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (ready?.LastTransitionTime is { } r && ready.Status == "False")
        {
            return r;
        }
        return pod.Metadata.DeletionTimestamp ?? pod.Metadata.CreationTimestamp ?? DateTime.UnixEpoch;
    }

    /// <summary>
    /// The pod failure policy's verdict on a failed pod (matchPodFailurePolicy): a FailJob message, whether
    /// the failure counts against backoffLimit, and the matched action.
    /// </summary>
    public static (string? FailJobMessage, bool CountFailed, string? Action) MatchPodFailurePolicy(V1PodFailurePolicy? policy, V1Pod pod)
    {
        if (policy?.Rules is null)
        {
            return (null, true, null);
        }
        for (var index = 0; index < policy.Rules.Count; index++)
        {
            var rule = policy.Rules[index];
            if (rule.OnExitCodes is { } onExit)
            {
                foreach (var s in (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []))
                {
                    if (onExit.ContainerName is { } cn && cn != s.Name)
                    {
                        continue;
                    }
                    if (s.State?.Terminated is not { } term || term.ExitCode == 0)
                    {
                        continue;
                    }
                    var inValues = onExit.Values?.Contains(term.ExitCode) == true;
                    if ((onExit.OperatorProperty == "In") == inValues)
                    {
                        return Verdict(rule.Action, index,
                            $"Container {s.Name} for pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} failed with exit code {term.ExitCode} matching {rule.Action} rule at index {index}");
                    }
                }
            }
            foreach (var pattern in rule.OnPodConditions ?? [])
            {
                if (pod.Status?.Conditions?.Any(c => c.Type == pattern.Type && c.Status == (pattern.Status ?? "True")) == true)
                {
                    return Verdict(rule.Action, index,
                        $"Pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} has condition {pattern.Type} matching {rule.Action} rule at index {index}");
                }
            }
        }
        return (null, true, null);

        static (string?, bool, string?) Verdict(string action, int index, string message) => action switch
        {
            "FailJob" => (message, true, action),
            "Ignore" => (null, false, action),
            "Count" => (null, true, action),
            "FailIndex" => (null, true, action),
            _ => (null, true, null),
        };
    }
}
