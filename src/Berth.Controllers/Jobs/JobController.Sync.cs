using Berth.Api.Errors;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Jobs;

public sealed partial class JobController
{
    /// <summary>What one sync knows about a Job (kube's syncJobCtx).</summary>
    private sealed class SyncContext
    {
        public required V1Job Job { get; set; }
        public required List<V1Pod> Pods { get; init; }
        public required List<V1Pod> ActivePods { get; init; }
        public required IReadOnlySet<string> ExpectedRemovedFinalizers { get; init; }
        public required HashSet<string> UncountedSucceeded { get; init; }
        public required HashSet<string> UncountedFailed { get; init; }
        public int Ready { get; set; }
        public int Terminating { get; set; }
        public int Succeeded { get; set; }
        public int Failed { get; set; }
        public V1JobCondition? FinishedCondition { get; set; }
        public List<(int First, int Last)> PrevSucceededIndexes { get; set; } = [];
        public List<(int First, int Last)> SucceededIndexes { get; set; } = [];
        public BackoffRecord NewBackoff { get; set; } = BackoffRecord.Empty;
    }

    /// <summary>Reconciles one Job (syncJob).</summary>
    private async Task SyncJobAsync(string key, CancellationToken ct)
    {
        // Pod events from now on schedule another batched sync.
        _batched.TryRemove(key, out _);
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _jobs.Get(ns, name);
        if (cached is null)
        {
            _expectations.DeleteExpectations(key);
            _finalizerExpectations.Delete(key);
            _backoff.TryRemove(key, out _);
            return;
        }
        if (cached.Spec.ManagedBy is { } managedBy && managedBy != "kubernetes.io/job-controller")
        {
            return;
        }
        var job = KubeObjects.Clone(cached);
        if (JobUtil.IsFinished(job))
        {
            _backoff.TryRemove(key, out _);
            return;
        }
        if (job.Spec.CompletionMode is not (null or "NonIndexed" or "Indexed"))
        {
            _recorder.Event(Target(job), EventRecorder.Warning, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return;
        }
        job.Status ??= new V1JobStatus();
        job.Status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();

        // Expectations first: a pod created after this check is only missed until the next sync.
        var satisfied = _expectations.SatisfiedExpectations(key);
        var pods = await PodsForJobAsync(job, ct).ConfigureAwait(false);
        var active = PodUtil.FilterActive(pods);
        var now = KubeObjects.Now(_time);
        var c = new SyncContext
        {
            Job = job,
            Pods = pods,
            ActivePods = active,
            Ready = active.Count(PodUtil.IsReady),
            Terminating = PodUtil.CountTerminating(pods),
            ExpectedRemovedFinalizers = _finalizerExpectations.Expected(key),
            UncountedSucceeded = (job.Status.UncountedTerminatedPods.Succeeded ?? []).ToHashSet(StringComparer.Ordinal),
            UncountedFailed = (job.Status.UncountedTerminatedPods.Failed ?? []).ToHashSet(StringComparer.Ordinal),
        };
        var activeCount = active.Count;
        var (newSucceeded, newFailed) = NewFinishedPods(c);
        c.Succeeded = (job.Status.Succeeded ?? 0) + newSucceeded.Count + c.UncountedSucceeded.Count;
        c.Failed = (job.Status.Failed ?? 0) + NonIgnoredFailedCount(job, newFailed) + c.UncountedFailed.Count;

        if (job.Status.StartTime is null && !JobUtil.IsSuspended(job))
        {
            job.Status.StartTime = now;
        }
        c.NewBackoff = _backoff.GetValueOrDefault(key, BackoffRecord.Empty).With(newSucceeded, newFailed);

        Exception? manageError = null;
        var exceedsBackoffLimit = c.Failed > (job.Spec.BackoffLimit ?? 6);
        c.FinishedCondition = JobUtil.Condition(job, JobUtil.SuccessCriteriaMet) is { Status: "True" } met ? met : null;
        if (c.FinishedCondition is null)
        {
            if (JobUtil.Condition(job, JobUtil.FailureTarget) is { Status: "True" } target)
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.Failed, "True", target.Reason, target.Message, now);
            }
            else if (FailJobMessage(job, pods) is { } failMessage)
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.FailureTarget, "True", JobUtil.ReasonPodFailurePolicy, failMessage, now);
            }
        }
        if (c.FinishedCondition is null)
        {
            if (exceedsBackoffLimit || JobUtil.PastBackoffLimitOnFailure(job, pods))
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.FailureTarget, "True", JobUtil.ReasonBackoffLimitExceeded,
                    "Job has reached the specified backoff limit", now);
            }
            else if (PastActiveDeadline(job))
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.FailureTarget, "True", JobUtil.ReasonDeadlineExceeded,
                    "Job was active longer than specified deadline", now);
            }
            else if (job.Spec.ActiveDeadlineSeconds is long deadline && !JobUtil.IsSuspended(job))
            {
                var left = job.Status.StartTime!.Value.AddSeconds(deadline) - _time.GetUtcNow().UtcDateTime;
                _queue.AddAfter(key, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
        }
        if (IndexedCompletion.IsIndexed(job))
        {
            var completions = job.Spec.Completions ?? 1;
            c.PrevSucceededIndexes = IndexedCompletion.Parse(job.Status.CompletedIndexes, completions);
            c.SucceededIndexes = IndexedCompletion.With(c.PrevSucceededIndexes, pods
                .Where(p => PodUtil.Phase(p) == PodUtil.Succeeded && JobUtil.HasTrackingFinalizer(p))
                .Select(IndexedCompletion.Index)
                .Where(ix => ix != IndexedCompletion.Unknown && ix < completions));
            c.Succeeded = IndexedCompletion.Total(c.SucceededIndexes);
            if (c.FinishedCondition is null
                && IndexedCompletion.MatchSuccessPolicy(job.Spec.SuccessPolicy, completions, c.SucceededIndexes) is (true, var message))
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.SuccessCriteriaMet, "True", JobUtil.ReasonSuccessPolicy, message, now);
            }
        }

        var suspendChanged = false;
        if (c.FinishedCondition is not null)
        {
            // Finishing: delete what still runs; the Job is declared finished only once nothing remains.
            var (deletedReady, deleted, error) = await DeleteActivePodsAsync(job, c.ActivePods, ct).ConfigureAwait(false);
            if (deleted != activeCount || !satisfied)
            {
                c.FinishedCondition = null;
            }
            activeCount -= deleted;
            c.Terminating += deleted;
            c.Ready -= deletedReady;
            manageError = error;
        }
        else
        {
            var manageCalled = false;
            if (satisfied && job.Metadata.DeletionTimestamp is null)
            {
                (activeCount, manageError) = await ManageJobAsync(job, c, key, ct).ConfigureAwait(false);
                manageCalled = true;
            }
            var complete = job.Spec.Completions is int completions
                ? c.Succeeded >= completions && activeCount == 0
                : c.Succeeded > 0 && activeCount == 0;
            if (complete)
            {
                c.FinishedCondition = JobUtil.NewCondition(JobUtil.SuccessCriteriaMet, "True", JobUtil.ReasonCompletionsReached,
                    "Reached expected number of succeeded pods", now);
            }
            else if (manageCalled)
            {
                if (JobUtil.IsSuspended(job))
                {
                    if (JobUtil.EnsureCondition(job.Status, JobUtil.Suspended, "True", "JobSuspended", "Job suspended", now))
                    {
                        suspendChanged = true;
                        _recorder.Event(Target(job), EventRecorder.Normal, "Suspended", "Job suspended");
                    }
                }
                else if (JobUtil.EnsureCondition(job.Status, JobUtil.Suspended, "False", "JobResumed", "Job resumed", now))
                {
                    suspendChanged = true;
                    _recorder.Event(Target(job), EventRecorder.Normal, "Resumed", "Job resumed");
                    // activeDeadlineSeconds counts continuous activity: restart the clock on resume.
                    job.Status.StartTime = now;
                }
            }
        }

        var needsStatusUpdate = suspendChanged || activeCount != (job.Status.Active ?? 0) || c.Ready != (job.Status.Ready ?? 0)
            || c.Terminating != (job.Status.Terminating ?? 0) || cached.Status?.StartTime != job.Status.StartTime;
        job.Status.Active = activeCount;
        job.Status.Ready = c.Ready;
        job.Status.Terminating = c.Terminating;
        await TrackJobStatusAndRemoveFinalizersAsync(c, key, needsStatusUpdate, ct).ConfigureAwait(false);
        if (manageError is not null)
        {
            throw manageError;
        }
    }

    private static System.Text.Json.Nodes.JsonObject Target(V1Job job) => KubeObjects.EventTarget(ApiVersion, KindName, job.Metadata);

    private bool PastActiveDeadline(V1Job job)
    {
        if (job.Spec.ActiveDeadlineSeconds is not long deadline || job.Status?.StartTime is not { } start || JobUtil.IsSuspended(job))
        {
            return false;
        }
        return _time.GetUtcNow().UtcDateTime - start >= TimeSpan.FromSeconds(deadline);
    }

    private static string? FailJobMessage(V1Job job, List<V1Pod> pods)
    {
        if (job.Spec.PodFailurePolicy is null)
        {
            return null;
        }
        foreach (var p in pods)
        {
            if (JobUtil.IsPodFailed(p, job) && JobUtil.MatchPodFailurePolicy(job.Spec.PodFailurePolicy, p).FailJobMessage is { } msg)
            {
                return msg;
            }
        }
        return null;
    }

    private static int NonIgnoredFailedCount(V1Job job, List<V1Pod> failed) =>
        job.Spec.PodFailurePolicy is null ? failed.Count : failed.Count(p => JobUtil.MatchPodFailurePolicy(job.Spec.PodFailurePolicy, p).CountFailed);

    /// <summary>Finished pods not yet counted: they still carry the finalizer and are not in uncountedTerminatedPods.</summary>
    private static (List<V1Pod> Succeeded, List<V1Pod> Failed) NewFinishedPods(SyncContext c)
    {
        var succeeded = new List<V1Pod>();
        var failed = new List<V1Pod>();
        var indexed = IndexedCompletion.IsIndexed(c.Job);
        var completions = c.Job.Spec.Completions ?? 1;
        foreach (var p in c.Pods)
        {
            var uid = p.Metadata.Uid;
            if (!JobUtil.HasTrackingFinalizer(p) || c.ExpectedRemovedFinalizers.Contains(uid))
            {
                continue;
            }
            if (indexed && IndexedCompletion.Index(p) is var ix && (ix == IndexedCompletion.Unknown || ix >= completions))
            {
                continue;
            }
            if (PodUtil.Phase(p) == PodUtil.Succeeded && !c.UncountedSucceeded.Contains(uid))
            {
                succeeded.Add(p);
            }
            else if (JobUtil.IsPodFailed(p, c.Job) && !c.UncountedFailed.Contains(uid))
            {
                failed.Add(p);
            }
        }
        return (succeeded, failed);
    }

    /// <summary>The Job's pods, after adopting orphans (adding the tracking finalizer) and releasing strays (getPodsForJob).</summary>
    private async Task<List<V1Pod>> PodsForJobAsync(V1Job job, CancellationToken ct)
    {
        var manager = new ControllerRefManager<V1Pod>(_client, _pods.Resource, job.Metadata, ApiVersion, KindName, LabelSelectors.Of(job.Spec.Selector),
            ControllerRefManager<V1Pod>.RecheckDeletionTimestamp(_client, _jobsInfo, job.Metadata), [JobUtil.TrackingFinalizer]);
        var pods = await manager.ClaimAsync(_pods.List(job.Metadata.NamespaceProperty), null, ct).ConfigureAwait(false);
        for (var i = 0; i < pods.Count; i++)
        {
            var p = pods[i];
            // Just adopted: the cache does not show the finalizer the adoption added yet.
            if (!KubeObjects.IsControlledBy(p.Metadata, job.Metadata.Uid) && !JobUtil.HasTrackingFinalizer(p))
            {
                var copy = KubeObjects.Clone(p);
                copy.Metadata.Finalizers = [.. copy.Metadata.Finalizers ?? [], JobUtil.TrackingFinalizer];
                pods[i] = copy;
            }
        }
        return pods;
    }

    /// <summary>Creates or deletes pods toward min(parallelism, remaining completions) (manageJob); returns the active count.</summary>
    private async Task<(int Active, Exception? Error)> ManageJobAsync(V1Job job, SyncContext c, string key, CancellationToken ct)
    {
        var active = c.ActivePods.Count;
        var parallelism = job.Spec.Parallelism ?? 1;
        if (JobUtil.IsSuspended(job))
        {
            var all = RemovalCandidates(job, c.ActivePods, active);
            _expectations.ExpectDeletions(key, all.Count);
            var (removedReady, removed, error) = await DeleteJobPodsAsync(job, key, all, ct).ConfigureAwait(false);
            c.Terminating += removed;
            c.Ready -= removedReady;
            return (active - removed, error);
        }
        int wantActive;
        if (job.Spec.Completions is not int completions)
        {
            wantActive = c.Succeeded > 0 ? active : parallelism;
        }
        else
        {
            wantActive = Math.Clamp(completions - c.Succeeded, 0, parallelism);
        }
        var rmAtLeast = Math.Max(0, active - wantActive);
        var toDelete = RemovalCandidates(job, c.ActivePods, rmAtLeast);
        if (toDelete.Count > MaxPodCreateDeletePerSync)
        {
            toDelete = toDelete.Take(MaxPodCreateDeletePerSync).ToList();
        }
        if (toDelete.Count > 0)
        {
            // Deletions take precedence over creations in one sync.
            _expectations.ExpectDeletions(key, toDelete.Count);
            var (removedReady, removed, error) = await DeleteJobPodsAsync(job, key, toDelete, ct).ConfigureAwait(false);
            c.Terminating += removed;
            c.Ready -= removedReady;
            return (active - removed, error);
        }
        var terminating = JobUtil.OnlyReplaceFailedPods(job) ? c.Terminating : 0;
        var diff = wantActive - terminating - active;
        if (diff <= 0)
        {
            return (active, null);
        }
        var remaining = c.NewBackoff.Remaining(_time.GetUtcNow().UtcDateTime);
        if (remaining > TimeSpan.Zero)
        {
            _queue.AddAfter(key, remaining);
            return (0, null);
        }
        diff = Math.Min(diff, MaxPodCreateDeletePerSync);
        List<int>? indexes = null;
        if (IndexedCompletion.IsIndexed(job))
        {
            indexes = IndexedCompletion.FirstPending(c.SucceededIndexes, c.ActivePods, diff, job.Spec.Completions ?? 1);
            diff = indexes.Count;
            if (diff == 0)
            {
                return (active, null);
            }
        }
        _expectations.ExpectCreations(key, diff);
        var template = KubeObjects.Clone(job.Spec.Template);
        if (IndexedCompletion.IsIndexed(job))
        {
            IndexedCompletion.AddIndexEnv(template);
        }
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Finalizers = (template.Metadata.Finalizers ?? []).Contains(JobUtil.TrackingFinalizer)
            ? template.Metadata.Finalizers
            : [.. template.Metadata.Finalizers ?? [], JobUtil.TrackingFinalizer];
        var controllerRef = KubeObjects.NewControllerRef(job.Metadata, ApiVersion, KindName);
        var owner = Target(job);
        var failedCreates = 0;
        var (attempted, _, createError) = await SlowStart.BatchAsync(diff, async n =>
        {
            var pod = PodControl.PodFromTemplate(template, job.Metadata.Name, controllerRef);
            if (indexes is not null)
            {
                var ix = indexes[n];
                var text = ix.ToString(System.Globalization.CultureInfo.InvariantCulture);
                pod.Metadata.Annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    [IndexedCompletion.IndexAnnotation] = text,
                };
                pod.Metadata.Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    [IndexedCompletion.IndexLabel] = text,
                };
                pod.Spec.Hostname = $"{job.Metadata.Name}-{text}";
                pod.Metadata.GenerateName = IndexedCompletion.GenerateName(job.Metadata.Name, ix);
            }
            try
            {
                await _podControl.CreatePodAsync(job.Metadata.NamespaceProperty, pod, owner, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (PodControl.IsNamespaceTerminating(e))
            {
            }
            catch
            {
                _expectations.CreationObserved(key);
                Interlocked.Increment(ref failedCreates);
                throw;
            }
        }).ConfigureAwait(false);
        if (attempted < diff)
        {
            _logger.LogDebug("job {Key}: slow-start failure, skipping {Count} pods", key, diff - attempted);
            _expectations.Lower(key, diff - attempted, 0);
        }
        return (active + attempted - failedCreates, createError);
    }

    /// <summary>
    /// Pods to remove: for Indexed Jobs duplicates and invalid indexes first; then the most deletable
    /// (not ready, unscheduled, pending) up to <paramref name="rmAtLeast"/> (activePodsForRemoval).
    /// </summary>
    private static List<V1Pod> RemovalCandidates(V1Job job, List<V1Pod> pods, int rmAtLeast)
    {
        List<V1Pod> rm;
        List<V1Pod> left;
        if (IndexedCompletion.IsIndexed(job))
        {
            (rm, left) = IndexedCompletion.Duplicates(pods, job.Spec.Completions ?? 1);
        }
        else
        {
            rm = [];
            left = [.. pods];
        }
        if (rm.Count < rmAtLeast)
        {
            ActivePodsRanking.Sort(left);
            rm.AddRange(left.Take(rmAtLeast - rm.Count));
        }
        return rm;
    }

    /// <summary>Deletes pods keeping their finalizers, so they are counted when they go (deleteActivePods).</summary>
    private async Task<(int DeletedReady, int Deleted, Exception? Error)> DeleteActivePodsAsync(V1Job job, List<V1Pod> pods, CancellationToken ct)
    {
        var owner = Target(job);
        var results = await Task.WhenAll(pods.Select(async pod =>
        {
            try
            {
                await _podControl.DeletePodAsync(job.Metadata.NamespaceProperty, pod.Metadata.Name, owner, ct).ConfigureAwait(false);
                return new DeleteResult(true, PodUtil.IsReady(pod), null);
            }
            catch (StatusException e) when (e.Code == 404)
            {
                return new DeleteResult(true, PodUtil.IsReady(pod), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new DeleteResult(false, false, e);
            }
        })).ConfigureAwait(false);
        return (results.Count(r => r.Ok && r.Ready), results.Count(r => r.Ok), results.FirstOrDefault(r => r.Error is not null).Error);
    }

    /// <summary>Deletes surplus pods, removing their finalizers first: they are not to be counted (deleteJobPods).</summary>
    private async Task<(int DeletedReady, int Deleted, Exception? Error)> DeleteJobPodsAsync(V1Job job, string key, List<V1Pod> pods, CancellationToken ct)
    {
        var owner = Target(job);
        var results = await Task.WhenAll(pods.Select(async pod =>
        {
            try
            {
                if (JobUtil.HasTrackingFinalizer(pod))
                {
                    await RemoveTrackingFinalizerAsync(pod, ct).ConfigureAwait(false);
                }
                await _podControl.DeletePodAsync(job.Metadata.NamespaceProperty, pod.Metadata.Name, owner, ct).ConfigureAwait(false);
                return new DeleteResult(true, PodUtil.IsReady(pod), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The informer will not report a deletion that did not happen.
                _expectations.DeletionObserved(key);
                return e is StatusException { Code: 404 } ? new DeleteResult(true, PodUtil.IsReady(pod), null) : new DeleteResult(false, false, e);
            }
        })).ConfigureAwait(false);
        return (results.Count(r => r.Ok && r.Ready), results.Count(r => r.Ok), results.FirstOrDefault(r => r.Error is not null).Error);
    }

    private readonly record struct DeleteResult(bool Ok, bool Ready, Exception? Error);
}
