using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.ReplicaSets;

/// <summary>
/// Kubernetes' ReplicaSet controller: keeps <c>spec.replicas</c> pods matching the selector, adopting
/// orphans and releasing pods that stopped matching, deleting surplus pods in
/// <see cref="ActivePodsRanking"/> order, and reporting replicas, fullyLabeledReplicas, readyReplicas,
/// availableReplicas, observedGeneration and the ReplicaFailure condition.
/// </summary>
/// <remarks>
/// <code>
///  ReplicaSet / Pod informers ──(handlers: expectations bookkeeping, enqueue "ns/name")──► queue
///  worker: SyncAsync(key) ─► claim pods ─► expectations satisfied? ─► create / delete (slow start)
///                                                                   └► status (always)
/// </code>
/// Pods it creates or deletes are "expected" until the pod informer reports them, so a stale cache never
/// makes it act twice (<see cref="UidTrackingExpectations"/>).
/// </remarks>
public sealed partial class ReplicaSetController : IController
{
    public const string ApiVersion = "apps/v1";
    public const string KindName = "ReplicaSet";

    /// <summary>Most pods created or deleted in one sync (kube's BurstReplicas).</summary>
    public const int BurstReplicas = 500;

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly PodControl _podControl;
    private readonly ResourceInfo _replicaSetsInfo;
    private readonly int _workers;
    private WorkQueue<string> _queue = null!;
    private UidTrackingExpectations _expectations = null!;
    private SharedInformer<V1ReplicaSet> _replicaSets = null!;
    private SharedInformer<V1Pod> _pods = null!;

    public ReplicaSetController(SharedInformerFactory informers, ILogger<ReplicaSetController> logger, TimeProvider? time = null, int workers = 5)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "replicaset-controller", logger: logger, time: _time);
        _podControl = new PodControl(_client, _recorder);
        _replicaSetsInfo = _client.Kinds.Find("apps", "v1", "replicasets")!;
    }

    public string Name => "replicaset";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _expectations = new UidTrackingExpectations(_time);
        _replicaSets = _informers.ReplicaSets;
        _pods = _informers.Pods;
        using var rsHandler = _replicaSets.AddHandler(Enqueue, (_, n) => Enqueue(n), OnReplicaSetDeleted);
        using var podHandler = _pods.AddHandler(OnPodAdded, OnPodUpdated, OnPodDeleted);
        try
        {
            await _replicaSets.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, _workers, SyncAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Enqueue(V1ReplicaSet rs) => _queue.Add(KubeObjects.Key(rs));

    private void OnReplicaSetDeleted(V1ReplicaSet rs)
    {
        var key = KubeObjects.Key(rs);
        _expectations.DeleteExpectations(key);
        _queue.Add(key);
    }

    /// <summary>The cached ReplicaSet a controller reference points at, when the uid still matches.</summary>
    private V1ReplicaSet? Resolve(string ns, V1OwnerReference? controllerRef)
    {
        if (controllerRef is not { Kind: KindName })
        {
            return null;
        }
        var rs = _replicaSets.Get(ns, controllerRef.Name);
        return rs?.Metadata.Uid == controllerRef.Uid ? rs : null;
    }

    /// <summary>ReplicaSets whose selector matches an orphan pod (they may adopt it).</summary>
    private IEnumerable<V1ReplicaSet> MatchingReplicaSets(V1Pod pod)
    {
        foreach (var rs in _replicaSets.List(pod.Metadata.NamespaceProperty))
        {
            var selector = LabelSelectors.Of(rs.Spec?.Selector);
            if (!selector.IsEverything && PodUtil.Matches(selector, pod.Metadata.Labels))
            {
                yield return rs;
            }
        }
    }

    private void OnPodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // A pod that shows up already being deleted (after a relist): count it as deleted.
            OnPodDeleted(pod);
            return;
        }
        if (KubeObjects.ControllerOf(pod.Metadata) is { } controllerRef)
        {
            if (Resolve(pod.Metadata.NamespaceProperty, controllerRef) is { } rs)
            {
                var key = KubeObjects.Key(rs);
                _expectations.CreationObserved(key);
                _queue.Add(key);
            }
            return;
        }
        foreach (var rs in MatchingReplicaSets(pod))
        {
            Enqueue(rs);
        }
    }

    private void OnPodUpdated(V1Pod old, V1Pod cur)
    {
        if (old.Metadata.ResourceVersion == cur.Metadata.ResourceVersion)
        {
            return;
        }
        var labelChanged = !LabelsEqual(old.Metadata.Labels, cur.Metadata.Labels);
        if (cur.Metadata.DeletionTimestamp is not null)
        {
            // Graceful deletion: the pod is going, act now rather than when the kubelet confirms it.
            OnPodDeleted(cur);
            if (labelChanged)
            {
                OnPodDeleted(old);
            }
            return;
        }
        var curRef = KubeObjects.ControllerOf(cur.Metadata);
        var oldRef = KubeObjects.ControllerOf(old.Metadata);
        var refChanged = curRef?.Uid != oldRef?.Uid;
        if (refChanged && Resolve(old.Metadata.NamespaceProperty, oldRef) is { } oldRs)
        {
            Enqueue(oldRs);
        }
        if (curRef is not null)
        {
            if (Resolve(cur.Metadata.NamespaceProperty, curRef) is { } rs)
            {
                Enqueue(rs);
                // A pod that just became ready becomes available minReadySeconds later: look again then.
                if (!PodUtil.IsReady(old) && PodUtil.IsReady(cur) && rs.Spec.MinReadySeconds is > 0 and var minReady)
                {
                    _queue.AddAfter(KubeObjects.Key(rs), TimeSpan.FromSeconds(minReady) + TimeSpan.FromSeconds(1));
                }
            }
            return;
        }
        if (labelChanged || refChanged)
        {
            foreach (var rs in MatchingReplicaSets(cur))
            {
                Enqueue(rs);
            }
        }
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (Resolve(pod.Metadata.NamespaceProperty, KubeObjects.ControllerOf(pod.Metadata)) is not { } rs)
        {
            return;
        }
        var key = KubeObjects.Key(rs);
        _expectations.DeletionObserved(key, KubeObjects.Key(pod));
        _queue.Add(key);
    }

    private static bool LabelsEqual(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }
        if (a is null || b is null)
        {
            return true;
        }
        foreach (var (k, v) in a)
        {
            if (!b.TryGetValue(k, out var w) || w != v)
            {
                return false;
            }
        }
        return true;
    }
}
