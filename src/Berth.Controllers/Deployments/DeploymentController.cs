using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.Deployments;

/// <summary>
/// Kubernetes' Deployment controller: rolls a Deployment's pod template out through ReplicaSets named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, with the RollingUpdate (maxSurge / maxUnavailable) or
/// Recreate strategy, honouring paused, minReadySeconds, progressDeadlineSeconds and
/// revisionHistoryLimit, and reporting the status and conditions <c>kubectl rollout</c> reads.
/// </summary>
/// <remarks>
/// One concern per file, as in kube: this file (handlers, <see cref="SyncDeploymentAsync"/>), Sync.cs
/// (new/old ReplicaSets, revisions, proportional scaling, cleanup, status), Rolling.cs, Recreate.cs,
/// Rollback.cs (the deprecated rollbackTo annotation) and Progress.cs (the Progressing condition and
/// the deadline).
/// <code>
///  syncDeployment(key)
///    ├─ claim ReplicaSets (adopt / release by selector)
///    ├─ being deleted?  → status only
///    ├─ paused?         → sync (scale + cleanup), Progressing=Unknown DeploymentPaused
///    ├─ rollbackTo?     → rollback
///    ├─ scaling event?  → sync (proportional scaling)
///    └─ Recreate → rolloutRecreate │ RollingUpdate → rolloutRolling → syncRolloutStatus
/// </code>
/// </remarks>
public sealed partial class DeploymentController : IController
{
    public const string ApiVersion = "apps/v1";
    public const string KindName = "Deployment";

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly ResourceInfo _deploymentsInfo;
    private readonly ResourceInfo _replicaSetsInfo;
    private readonly int _workers;
    private WorkQueue<string> _queue = null!;
    private SharedInformer<V1Deployment> _deployments = null!;
    private SharedInformer<V1ReplicaSet> _replicaSets = null!;
    private SharedInformer<V1Pod> _pods = null!;

    public DeploymentController(SharedInformerFactory informers, ILogger<DeploymentController> logger, TimeProvider? time = null, int workers = 5)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "deployment-controller", logger: logger, time: _time);
        _deploymentsInfo = _client.Kinds.Find("apps", "v1", "deployments")!;
        _replicaSetsInfo = _client.Kinds.Find("apps", "v1", "replicasets")!;
    }

    public string Name => "deployment";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _deployments = _informers.Deployments;
        _replicaSets = _informers.ReplicaSets;
        _pods = _informers.Pods;
        using var dHandler = _deployments.AddHandler(Enqueue, (_, n) => Enqueue(n), Enqueue);
        using var rsHandler = _replicaSets.AddHandler(OnReplicaSetAdded, OnReplicaSetUpdated, OnReplicaSetDeleted);
        using var podHandler = _pods.AddHandler(deleted: OnPodDeleted);
        try
        {
            await _deployments.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _replicaSets.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, _workers, SyncDeploymentAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Event(V1Deployment d, string type, string reason, string message) =>
        _recorder.Event(KubeObjects.EventTarget(ApiVersion, KindName, d.Metadata), type, reason, message);

    private void Enqueue(V1Deployment d) => _queue.Add(KubeObjects.Key(d));

    private void EnqueueAfter(V1Deployment d, TimeSpan after) => _queue.AddAfter(KubeObjects.Key(d), after);

    private V1Deployment? Resolve(string ns, V1OwnerReference? controllerRef)
    {
        if (controllerRef is not { Kind: KindName })
        {
            return null;
        }
        var d = _deployments.Get(ns, controllerRef.Name);
        return d?.Metadata.Uid == controllerRef.Uid ? d : null;
    }

    /// <summary>Deployments whose selector matches an orphan ReplicaSet (getDeploymentsForReplicaSet).</summary>
    private IEnumerable<V1Deployment> DeploymentsFor(V1ReplicaSet rs)
    {
        foreach (var d in _deployments.List(rs.Metadata.NamespaceProperty))
        {
            var selector = LabelSelectors.Of(d.Spec?.Selector);
            if (!selector.IsEverything && PodUtil.Matches(selector, rs.Metadata.Labels))
            {
                yield return d;
            }
        }
    }

    private void OnReplicaSetAdded(V1ReplicaSet rs)
    {
        if (rs.Metadata.DeletionTimestamp is not null)
        {
            OnReplicaSetDeleted(rs);
            return;
        }
        if (KubeObjects.ControllerOf(rs.Metadata) is { } controllerRef)
        {
            if (Resolve(rs.Metadata.NamespaceProperty, controllerRef) is { } d)
            {
                Enqueue(d);
            }
            return;
        }
        foreach (var d in DeploymentsFor(rs))
        {
            Enqueue(d);
        }
    }

    private void OnReplicaSetUpdated(V1ReplicaSet old, V1ReplicaSet cur)
    {
        if (old.Metadata.ResourceVersion == cur.Metadata.ResourceVersion)
        {
            return;
        }
        var curRef = KubeObjects.ControllerOf(cur.Metadata);
        var oldRef = KubeObjects.ControllerOf(old.Metadata);
        if (curRef?.Uid != oldRef?.Uid && Resolve(old.Metadata.NamespaceProperty, oldRef) is { } oldD)
        {
            Enqueue(oldD);
        }
        if (curRef is not null)
        {
            if (Resolve(cur.Metadata.NamespaceProperty, curRef) is { } d)
            {
                Enqueue(d);
            }
            return;
        }
        foreach (var d in DeploymentsFor(cur))
        {
            Enqueue(d);
        }
    }

    private void OnReplicaSetDeleted(V1ReplicaSet rs)
    {
        if (Resolve(rs.Metadata.NamespaceProperty, KubeObjects.ControllerOf(rs.Metadata)) is { } d)
        {
            Enqueue(d);
        }
    }

    /// <summary>A Recreate rollout waits for old pods to be gone: look again when one goes.</summary>
    private void OnPodDeleted(V1Pod pod)
    {
        if (KubeObjects.ControllerOf(pod.Metadata) is not { Kind: "ReplicaSet" } rsRef)
        {
            return;
        }
        var rs = _replicaSets.Get(pod.Metadata.NamespaceProperty, rsRef.Name);
        if (rs?.Metadata.Uid != rsRef.Uid)
        {
            return;
        }
        if (Resolve(rs.Metadata.NamespaceProperty, KubeObjects.ControllerOf(rs.Metadata)) is { } d && !DeploymentUtil.IsRollingUpdate(d))
        {
            Enqueue(d);
        }
    }

    /// <summary>Reconciles one Deployment (syncDeployment).</summary>
    private async Task SyncDeploymentAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _deployments.Get(ns, name);
        if (cached is null)
        {
            return;
        }
        var d = KubeObjects.Clone(cached);
        if (LabelSelectors.SelectsEverything(d.Spec.Selector))
        {
            Event(d, EventRecorder.Warning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
            {
                d.Status ??= new V1DeploymentStatus();
                d.Status.ObservedGeneration = d.Metadata.Generation;
                await UpdateStatusAsync(d, ct).ConfigureAwait(false);
            }
            return;
        }
        var rsList = await ReplicaSetsForDeploymentAsync(d, ct).ConfigureAwait(false);
        if (d.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        d = await CheckPausedConditionsAsync(d, ct).ConfigureAwait(false);
        if (d.Spec.Paused == true)
        {
            await SyncAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        if (RollbackTo(d) is not null)
        {
            await RollbackAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        (var scaling, d) = await IsScalingEventAsync(d, rsList, ct).ConfigureAwait(false);
        if (scaling)
        {
            await SyncAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        if (DeploymentUtil.IsRollingUpdate(d))
        {
            await RolloutRollingAsync(d, rsList, ct).ConfigureAwait(false);
        }
        else
        {
            await RolloutRecreateAsync(d, rsList, PodMap(d, rsList), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The ReplicaSets this Deployment owns, after adopting and releasing by selector.</summary>
    private async Task<List<V1ReplicaSet>> ReplicaSetsForDeploymentAsync(V1Deployment d, CancellationToken ct)
    {
        var selector = LabelSelectors.Of(d.Spec.Selector);
        var manager = new ControllerRefManager<V1ReplicaSet>(_client, _replicaSetsInfo, d.Metadata, ApiVersion, KindName, selector,
            ControllerRefManager<V1ReplicaSet>.RecheckDeletionTimestamp(_client, _deploymentsInfo, d.Metadata));
        return await manager.ClaimAsync(_replicaSets.List(d.Metadata.NamespaceProperty), null, ct).ConfigureAwait(false);
    }

    /// <summary>The Deployment's pods grouped by the uid of the ReplicaSet that controls them.</summary>
    private Dictionary<string, List<V1Pod>> PodMap(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var selector = LabelSelectors.Of(d.Spec.Selector);
        var map = rsList.ToDictionary(rs => rs.Metadata.Uid, _ => new List<V1Pod>(), StringComparer.Ordinal);
        foreach (var pod in _pods.List(d.Metadata.NamespaceProperty))
        {
            if (PodUtil.Matches(selector, pod.Metadata.Labels) && KubeObjects.ControllerOf(pod.Metadata) is { } r
                && map.TryGetValue(r.Uid, out var list))
            {
                list.Add(pod);
            }
        }
        return map;
    }

    /// <summary>Writes the Deployment's status and returns the stored object.</summary>
    private async Task<V1Deployment> UpdateStatusAsync(V1Deployment d, CancellationToken ct)
    {
        var result = await _client.UpdateAsync(_deploymentsInfo, KubeObjects.ToJson(d, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
        return KubeJson.Deserialize<V1Deployment>(result);
    }

    /// <summary>Writes the Deployment (metadata and spec) and returns the stored object.</summary>
    private async Task<V1Deployment> UpdateAsync(V1Deployment d, CancellationToken ct)
    {
        var result = await _client.UpdateAsync(_deploymentsInfo, KubeObjects.ToJson(d, ApiVersion, KindName), null, ct).ConfigureAwait(false);
        return KubeJson.Deserialize<V1Deployment>(result);
    }

    /// <summary>Writes a ReplicaSet and returns the stored object.</summary>
    private async Task<V1ReplicaSet> UpdateReplicaSetAsync(V1ReplicaSet rs, CancellationToken ct)
    {
        var result = await _client.UpdateAsync(_replicaSetsInfo, KubeObjects.ToJson(rs, "apps/v1", "ReplicaSet"), null, ct).ConfigureAwait(false);
        return KubeJson.Deserialize<V1ReplicaSet>(result);
    }

    private static bool IsAlreadyExists(StatusException e) => e.Code == 409 && e.Status.Reason == "AlreadyExists";
}
