using k8s.Models;

namespace Berth.Controllers.Jobs;

/// <summary>
/// Failures since a Job's last success and when the last one happened (kube's backoffRecord): new pods wait
/// 10 s × 2^(failures−1), at most 6 minutes, after the last failure.
/// </summary>
public sealed record BackoffRecord(int FailuresAfterLastSuccess, DateTime? LastFailureTime)
{
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(6);

    public static readonly BackoffRecord Empty = new(0, null);

    /// <summary>The record after newly finished pods (newBackoffRecord).</summary>
    public BackoffRecord With(List<V1Pod> newSucceeded, List<V1Pod> newFailed)
    {
        newSucceeded.Sort((a, b) => JobUtil.FinishedTime(a).CompareTo(JobUtil.FinishedTime(b)));
        newFailed.Sort((a, b) => JobUtil.FinishedTime(a).CompareTo(JobUtil.FinishedTime(b)));
        if (newSucceeded.Count == 0)
        {
            return newFailed.Count == 0 ? this : new BackoffRecord(FailuresAfterLastSuccess + newFailed.Count, JobUtil.FinishedTime(newFailed[^1]));
        }
        if (newFailed.Count == 0)
        {
            return Empty;
        }
        var lastSuccess = JobUtil.FinishedTime(newSucceeded[^1]);
        var failures = 0;
        DateTime? lastFailure = null;
        for (var i = newFailed.Count - 1; i >= 0; i--)
        {
            var t = JobUtil.FinishedTime(newFailed[i]);
            if (t <= lastSuccess)
            {
                break;
            }
            lastFailure ??= t;
            failures++;
        }
        return new BackoffRecord(failures, lastFailure);
    }

    /// <summary>How long new pods must still wait (getRemainingTime).</summary>
    public TimeSpan Remaining(DateTime now)
    {
        if (FailuresAfterLastSuccess == 0 || LastFailureTime is not { } last)
        {
            return TimeSpan.Zero;
        }
        var backoff = DefaultBackoff;
        for (var i = 1; i < FailuresAfterLastSuccess; i++)
        {
            backoff *= 2;
            if (backoff >= MaxBackoff)
            {
                backoff = MaxBackoff;
                break;
            }
        }
        var elapsed = now - last;
        return backoff < elapsed ? TimeSpan.Zero : backoff - elapsed;
    }
}
