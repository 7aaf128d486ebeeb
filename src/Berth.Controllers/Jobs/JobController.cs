using System.Collections.Concurrent;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Jobs;

/// <summary>
/// Kubernetes' Job controller: runs pods until <c>completions</c> succeed (or, without completions, until
/// one succeeds and the rest finish), at most <c>parallelism</c> at once; counts each finished pod exactly
/// once by holding it with the <c>batch.kubernetes.io/job-tracking</c> finalizer until its uid has been
/// recorded in status; fails the Job past <c>backoffLimit</c> failures or <c>activeDeadlineSeconds</c>;
/// supports Indexed completion, suspend, pod failure and success policies.
/// </summary>
/// <remarks>
/// Finishing takes two steps, as in kube ≥ 1.31: the interim SuccessCriteriaMet (or FailureTarget)
/// condition is written first, remaining pods are deleted and their finalizers removed, and only when no
/// pod is terminating does Complete (with completionTime) or Failed follow. This file: handlers.
/// Sync.cs: syncJob and manageJob. Tracking.cs: uncounted pods, finalizer removal, finishing.
/// </remarks>
public sealed partial class JobController : IController
{
    public const string ApiVersion = "batch/v1";
    public const string KindName = "Job";

    /// <summary>Most pods created or deleted in one sync (kube's MaxPodCreateDeletePerSync).</summary>
    public const int MaxPodCreateDeletePerSync = 500;

    /// <summary>Most uids recorded in status.uncountedTerminatedPods at once (kube's MaxUncountedPods).</summary>
    public const int MaxUncountedPods = 500;

    /// <summary>Pod events within this period cause one sync (kube batches them by a second).</summary>
    public static readonly TimeSpan SyncBatchPeriod = TimeSpan.FromMilliseconds(500);

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly PodControl _podControl;
    private readonly ResourceInfo _jobsInfo;
    private readonly int _workers;
    private readonly ConcurrentDictionary<string, BackoffRecord> _backoff = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _batched = new(StringComparer.Ordinal);
    private WorkQueue<string> _queue = null!;
    private WorkQueue<string> _orphanQueue = null!;
    private ControllerExpectations _expectations = null!;
    private FinalizerExpectations _finalizerExpectations = null!;
    private SharedInformer<V1Job> _jobs = null!;
    private SharedInformer<V1Pod> _pods = null!;

    public JobController(SharedInformerFactory informers, ILogger<JobController> logger, TimeProvider? time = null, int workers = 5)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "job-controller", logger: logger, time: _time);
        _podControl = new PodControl(_client, _recorder);
        _jobsInfo = _client.Kinds.Find("batch", "v1", "jobs")!;
    }

    public string Name => "job";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _orphanQueue = new WorkQueue<string>(_time);
        _expectations = new ControllerExpectations(_time);
        _finalizerExpectations = new FinalizerExpectations();
        _jobs = _informers.Jobs;
        _pods = _informers.Pods;
        using var jobHandler = _jobs.AddHandler(j => _queue.Add(KubeObjects.Key(j)), OnJobUpdated, OnJobDeleted);
        using var podHandler = _pods.AddHandler(OnPodAdded, OnPodUpdated, p => OnPodDeleted(p, final: true));
        try
        {
            await _jobs.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(
                Workers.RunAsync(_queue, _workers, SyncJobAsync, _logger, Name, cancellationToken),
                Workers.RunAsync(_orphanQueue, 1, SyncOrphanPodAsync, _logger, Name + "-orphans", cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
            _orphanQueue.ShutDown();
        }
    }

    /// <summary>Pod churn is batched: one sync per job per <see cref="SyncBatchPeriod"/>.</summary>
    private void EnqueueBatched(V1Job job)
    {
        var key = KubeObjects.Key(job);
        if (_batched.TryAdd(key, 0))
        {
            _queue.AddAfter(key, SyncBatchPeriod);
        }
    }

    private void OnJobUpdated(V1Job old, V1Job cur)
    {
        var key = KubeObjects.Key(cur);
        _queue.Add(key);
        // A new or changed deadline: look again when it passes.
        if (cur.Spec.ActiveDeadlineSeconds is long deadline && cur.Status?.StartTime is { } start
            && old.Spec.ActiveDeadlineSeconds != deadline)
        {
            var left = start.AddSeconds(deadline) - _time.GetUtcNow().UtcDateTime;
            _queue.AddAfter(key, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    private void OnJobDeleted(V1Job job)
    {
        _queue.Add(KubeObjects.Key(job));
        // Its pods' finalizers must go now that nobody will count them.
        foreach (var pod in _pods.List(job.Metadata.NamespaceProperty))
        {
            if (KubeObjects.IsControlledBy(pod.Metadata, job.Metadata.Uid) && JobUtil.HasTrackingFinalizer(pod))
            {
                _orphanQueue.Add(KubeObjects.Key(pod));
            }
        }
    }

    private V1Job? Resolve(string ns, V1OwnerReference? controllerRef)
    {
        if (controllerRef is not { Kind: KindName } || controllerRef.ApiVersion != ApiVersion)
        {
            return null;
        }
        var job = _jobs.Get(ns, controllerRef.Name);
        return job?.Metadata.Uid == controllerRef.Uid ? job : null;
    }

    private IEnumerable<V1Job> JobsFor(V1Pod pod)
    {
        foreach (var job in _jobs.List(pod.Metadata.NamespaceProperty))
        {
            var selector = LabelSelectors.Of(job.Spec?.Selector);
            if (!selector.IsEverything && PodUtil.Matches(selector, pod.Metadata.Labels))
            {
                yield return job;
            }
        }
    }

    private void OnPodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDeleted(pod, final: false);
            return;
        }
        if (KubeObjects.ControllerOf(pod.Metadata) is { } r)
        {
            var job = Resolve(pod.Metadata.NamespaceProperty, r);
            if (job is null)
            {
                if (JobUtil.HasTrackingFinalizer(pod))
                {
                    _orphanQueue.Add(KubeObjects.Key(pod));
                }
                return;
            }
            _expectations.CreationObserved(KubeObjects.Key(job));
            EnqueueBatched(job);
            return;
        }
        if (JobUtil.HasTrackingFinalizer(pod))
        {
            _orphanQueue.Add(KubeObjects.Key(pod));
        }
        foreach (var job in JobsFor(pod))
        {
            EnqueueBatched(job);
        }
    }

    private void OnPodUpdated(V1Pod old, V1Pod cur)
    {
        if (old.Metadata.ResourceVersion == cur.Metadata.ResourceVersion)
        {
            return;
        }
        if (cur.Metadata.DeletionTimestamp is not null)
        {
            // Counted as deleted now; the final delete comes later.
            OnPodDeleted(cur, final: false);
            return;
        }
        var curRef = KubeObjects.ControllerOf(cur.Metadata);
        var oldRef = KubeObjects.ControllerOf(old.Metadata);
        if (curRef?.Uid != oldRef?.Uid && Resolve(old.Metadata.NamespaceProperty, oldRef) is { } oldJob)
        {
            EnqueueBatched(oldJob);
        }
        if (curRef is not null)
        {
            var job = Resolve(cur.Metadata.NamespaceProperty, curRef);
            if (job is null)
            {
                if (JobUtil.HasTrackingFinalizer(cur))
                {
                    _orphanQueue.Add(KubeObjects.Key(cur));
                }
                return;
            }
            if (!JobUtil.HasTrackingFinalizer(cur))
            {
                _finalizerExpectations.Observed(KubeObjects.Key(job), cur.Metadata.Uid);
            }
            EnqueueBatched(job);
            return;
        }
        if (JobUtil.HasTrackingFinalizer(cur))
        {
            _orphanQueue.Add(KubeObjects.Key(cur));
        }
        foreach (var job in JobsFor(cur))
        {
            EnqueueBatched(job);
        }
    }

    private void OnPodDeleted(V1Pod pod, bool final)
    {
        var controllerRef = KubeObjects.ControllerOf(pod.Metadata);
        var hasFinalizer = JobUtil.HasTrackingFinalizer(pod);
        if (controllerRef is null)
        {
            if (hasFinalizer)
            {
                _orphanQueue.Add(KubeObjects.Key(pod));
            }
            return;
        }
        var job = Resolve(pod.Metadata.NamespaceProperty, controllerRef);
        if (job is null || JobUtil.IsFinished(job))
        {
            if (hasFinalizer)
            {
                _orphanQueue.Add(KubeObjects.Key(pod));
            }
            return;
        }
        var key = KubeObjects.Key(job);
        _expectations.DeletionObserved(key);
        if (final || !hasFinalizer)
        {
            _finalizerExpectations.Observed(key, pod.Metadata.Uid);
        }
        EnqueueBatched(job);
    }

    /// <summary>Removes the tracking finalizer from a pod no live Job will count (syncOrphanPod).</summary>
    private async Task SyncOrphanPodAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var pod = _pods.Get(ns, name);
        if (pod is null || !JobUtil.HasTrackingFinalizer(pod))
        {
            return;
        }
        if (KubeObjects.ControllerOf(pod.Metadata) is { } r)
        {
            if (r.Kind != KindName || r.ApiVersion != ApiVersion)
            {
                return;
            }
            var job = Resolve(ns, r);
            if (job is not null && !JobUtil.IsFinished(job))
            {
                return;
            }
        }
        await RemoveTrackingFinalizerAsync(pod, ct).ConfigureAwait(false);
    }
}
