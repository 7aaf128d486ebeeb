using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Jobs;

public sealed partial class JobController
{
    /// <summary>
    /// Counts finished pods exactly once (trackJobStatusAndRemoveFinalizers): their uids go into
    /// status.uncountedTerminatedPods (written first), then their finalizers are removed, then the
    /// succeeded/failed counters take them over; finally the Job is marked finished when it is.
    /// </summary>
    private async Task TrackJobStatusAndRemoveFinalizersAsync(SyncContext c, string key, bool needsFlush, CancellationToken ct)
    {
        var job = c.Job;
        var indexed = IndexedCompletion.IsIndexed(job);
        var completions = job.Spec.Completions ?? 1;
        var uncounted = job.Status.UncountedTerminatedPods!;
        uncounted.Succeeded ??= [];
        uncounted.Failed ??= [];
        var withFinalizer = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in c.Pods)
        {
            if (JobUtil.HasTrackingFinalizer(p) && !c.ExpectedRemovedFinalizers.Contains(p.Metadata.Uid))
            {
                withFinalizer.Add(p.Metadata.Uid);
            }
        }
        needsFlush |= CleanUncountedPodsWithoutFinalizers(job.Status, withFinalizer);

        var toRemove = new List<V1Pod>();
        var newSucceededIndexes = new List<int>();
        var reachedMax = false;
        var pods = indexed ? c.Pods.OrderBy(IndexedCompletion.Index).ToList() : c.Pods;
        foreach (var pod in pods)
        {
            var uid = pod.Metadata.Uid;
            if (!JobUtil.HasTrackingFinalizer(pod) || c.ExpectedRemovedFinalizers.Contains(uid))
            {
                continue;
            }
            var considerFailed = JobUtil.IsPodFailed(pod, job);
            if (!CanRemoveFinalizer(c, pod, considerFailed))
            {
                continue;
            }
            toRemove.Add(pod);
            if (PodUtil.Phase(pod) == PodUtil.Succeeded && !c.UncountedFailed.Contains(uid))
            {
                if (indexed)
                {
                    var ix = IndexedCompletion.Index(pod);
                    if (ix != IndexedCompletion.Unknown && ix < completions && !IndexedCompletion.Has(c.PrevSucceededIndexes, ix))
                    {
                        newSucceededIndexes.Add(ix);
                        needsFlush = true;
                    }
                }
                else if (!c.UncountedSucceeded.Contains(uid))
                {
                    needsFlush = true;
                    uncounted.Succeeded.Add(uid);
                }
            }
            else if (considerFailed || (c.FinishedCondition is not null && c.FinishedCondition.Type != JobUtil.SuccessCriteriaMet))
            {
                // Once the Job is finishing, every pod that did not succeed counts as failed.
                var ix = IndexedCompletion.Index(pod);
                if (!c.UncountedFailed.Contains(uid) && (!indexed || (ix != IndexedCompletion.Unknown && ix < completions))
                    && JobUtil.MatchPodFailurePolicy(job.Spec.PodFailurePolicy, pod).CountFailed)
                {
                    needsFlush = true;
                    uncounted.Failed.Add(uid);
                }
            }
            if (newSucceededIndexes.Count + uncounted.Succeeded.Count + uncounted.Failed.Count >= MaxUncountedPods)
            {
                // Keep status small and let other Jobs run; the status update requeues this one.
                reachedMax = true;
                break;
            }
        }
        if (indexed)
        {
            c.SucceededIndexes = IndexedCompletion.With(c.SucceededIndexes, newSucceededIndexes);
            var text = IndexedCompletion.Format(c.SucceededIndexes);
            if (text != (job.Status.CompletedIndexes ?? ""))
            {
                needsFlush = true;
            }
            job.Status.Succeeded = IndexedCompletion.Total(c.SucceededIndexes);
            job.Status.CompletedIndexes = text;
        }
        var now = KubeObjects.Now(_time);
        if (c.FinishedCondition?.Type == JobUtil.FailureTarget)
        {
            // Record why the Job fails before the finalizers that hold its pods go.
            job.Status.Conditions ??= [];
            if (JobUtil.Condition(job, JobUtil.FailureTarget) is null)
            {
                job.Status.Conditions.Add(c.FinishedCondition);
            }
            needsFlush = true;
            c.FinishedCondition = JobUtil.NewCondition(JobUtil.Failed, "True", c.FinishedCondition.Reason, c.FinishedCondition.Message, now);
        }
        if (c.FinishedCondition?.Type == JobUtil.SuccessCriteriaMet)
        {
            if (JobUtil.Condition(job, JobUtil.SuccessCriteriaMet) is null)
            {
                job.Status.Conditions ??= [];
                job.Status.Conditions.Add(c.FinishedCondition);
                needsFlush = true;
            }
            c.FinishedCondition = JobUtil.NewCondition(JobUtil.Complete, "True", c.FinishedCondition.Reason, c.FinishedCondition.Message, now);
        }

        // 1. Flush the uncounted uids (and interim condition) before touching any finalizer.
        if (needsFlush)
        {
            job = await UpdateStatusAsync(job, ct).ConfigureAwait(false);
            _backoff[key] = c.NewBackoff;
            needsFlush = false;
        }
        // 2. Remove finalizers; 3. move the uids whose finalizer is gone into the counters.
        Exception? removeError = null;
        if (toRemove.Count > 0)
        {
            _finalizerExpectations.ExpectRemoved(key, toRemove.Select(p => p.Metadata.Uid));
            var removed = await Task.WhenAll(toRemove.Select(async pod =>
            {
                try
                {
                    await RemoveTrackingFinalizerAsync(pod, ct).ConfigureAwait(false);
                    return (pod.Metadata.Uid, (Exception?)null);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _finalizerExpectations.Observed(key, pod.Metadata.Uid);
                    return (pod.Metadata.Uid, e);
                }
            })).ConfigureAwait(false);
            foreach (var (uid, error) in removed)
            {
                if (error is null)
                {
                    withFinalizer.Remove(uid);
                }
                else
                {
                    removeError ??= error;
                }
            }
        }
        if (CleanUncountedPodsWithoutFinalizers(job.Status, withFinalizer))
        {
            needsFlush = true;
        }
        if (removeError is not null)
        {
            if (needsFlush)
            {
                await UpdateStatusAsync(job, ct).ConfigureAwait(false);
            }
            throw removeError;
        }
        // 4. Finished once nothing is uncounted or terminating.
        c.Job = job;
        var finished = !reachedMax && EnactJobFinished(c, now);
        if (finished || needsFlush)
        {
            job = await UpdateStatusAsync(job, ct).ConfigureAwait(false);
            if (finished)
            {
                RecordJobFinished(job, c.FinishedCondition!);
            }
        }
    }

    /// <summary>A pod's finalizer may go when the Job is going or finishing, the pod succeeded, or it failed (canRemoveFinalizer).</summary>
    private static bool CanRemoveFinalizer(SyncContext c, V1Pod pod, bool considerFailed) =>
        c.Job.Metadata.DeletionTimestamp is not null || c.FinishedCondition is not null || PodUtil.Phase(pod) == PodUtil.Succeeded || considerFailed;

    /// <summary>Moves uncounted uids whose pods lost their finalizer into the counters (cleanUncountedPodsWithoutFinalizers).</summary>
    private static bool CleanUncountedPodsWithoutFinalizers(V1JobStatus status, HashSet<string> withFinalizer)
    {
        var uncounted = status.UncountedTerminatedPods!;
        var updated = false;
        var keepSucceeded = (uncounted.Succeeded ?? []).Where(withFinalizer.Contains).ToList();
        if (keepSucceeded.Count != (uncounted.Succeeded?.Count ?? 0))
        {
            status.Succeeded = (status.Succeeded ?? 0) + uncounted.Succeeded!.Count - keepSucceeded.Count;
            uncounted.Succeeded = keepSucceeded;
            updated = true;
        }
        var keepFailed = (uncounted.Failed ?? []).Where(withFinalizer.Contains).ToList();
        if (keepFailed.Count != (uncounted.Failed?.Count ?? 0))
        {
            status.Failed = (status.Failed ?? 0) + uncounted.Failed!.Count - keepFailed.Count;
            uncounted.Failed = keepFailed;
            updated = true;
        }
        return updated;
    }

    /// <summary>Adds Complete (with completionTime) or Failed once no pod is uncounted or terminating (enactJobFinished).</summary>
    private static bool EnactJobFinished(SyncContext c, DateTime now)
    {
        if (c.FinishedCondition is not { } finished)
        {
            return false;
        }
        var uncounted = c.Job.Status.UncountedTerminatedPods;
        if ((uncounted?.Succeeded?.Count ?? 0) + (uncounted?.Failed?.Count ?? 0) > 0 || c.Terminating > 0)
        {
            return false;
        }
        JobUtil.EnsureCondition(c.Job.Status, finished.Type, finished.Status, finished.Reason, finished.Message, now);
        if (finished.Type == JobUtil.Complete)
        {
            c.Job.Status.CompletionTime = JobUtil.Condition(c.Job, JobUtil.Complete)?.LastTransitionTime ?? now;
        }
        return true;
    }

    private void RecordJobFinished(V1Job job, V1JobCondition finished)
    {
        if (finished.Type == JobUtil.Complete)
        {
            if (job.Spec.Completions is int completions && (job.Status.Succeeded ?? 0) > completions)
            {
                _recorder.Event(Target(job), EventRecorder.Warning, "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
            }
            _recorder.Event(Target(job), EventRecorder.Normal, "Completed", "Job completed");
        }
        else
        {
            _recorder.Event(Target(job), EventRecorder.Warning, finished.Reason, finished.Message);
        }
    }

    private async Task<V1Job> UpdateStatusAsync(V1Job job, CancellationToken ct)
    {
        var result = await _client.UpdateAsync(_jobsInfo, KubeObjects.ToJson(job, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
        return KubeJson.Deserialize<V1Job>(result);
    }

    /// <summary>Removes the job-tracking finalizer from a pod (a pod already gone counts as done).</summary>
    private async Task RemoveTrackingFinalizerAsync(V1Pod pod, CancellationToken ct)
    {
        if (!JobUtil.HasTrackingFinalizer(pod))
        {
            return;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["$deleteFromPrimitiveList/finalizers"] = new JsonArray(JobUtil.TrackingFinalizer) },
        };
        try
        {
            await _podControl.PatchPodAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name, patch, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 404)
        {
        }
    }
}
