using System.Collections.Concurrent;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.DaemonSets;

/// <summary>
/// Kubernetes' DaemonSet controller: one pod on every node the template's nodeSelector, required node
/// affinity and tolerations admit. Pods are created unscheduled with a required node affinity on
/// <c>metadata.name</c> (the scheduler binds them) and the standard DaemonSet tolerations; template
/// changes roll out with maxUnavailable or maxSurge; revisions are kept as ControllerRevisions.
/// </summary>
/// <remarks>
/// This file: handlers. Sync.cs: manage (which nodes need a pod, which pods must go), creation and
/// deletion, status. Update.cs: history and the rolling update.
/// </remarks>
public sealed partial class DaemonSetController : IController
{
    public const string ApiVersion = "apps/v1";
    public const string KindName = "DaemonSet";

    /// <summary>Most pods created or deleted in one sync (kube's daemon BurstReplicas).</summary>
    public const int BurstReplicas = 250;

    private static readonly TimeSpan FailedPodsBackoffInitial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailedPodsBackoffMax = TimeSpan.FromMinutes(15);

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly PodControl _podControl;
    private readonly ControllerHistory _history;
    private readonly ResourceInfo _dsInfo;
    private readonly ResourceInfo _revisionsInfo;
    private readonly int _workers;
    private readonly ConcurrentDictionary<string, (TimeSpan Delay, DateTimeOffset At)> _failedPodsBackoff = new(StringComparer.Ordinal);
    private WorkQueue<string> _queue = null!;
    private ControllerExpectations _expectations = null!;
    private SharedInformer<V1DaemonSet> _daemonSets = null!;
    private SharedInformer<V1Pod> _pods = null!;
    private SharedInformer<V1Node> _nodes = null!;
    private SharedInformer<V1ControllerRevision> _revisions = null!;

    public DaemonSetController(SharedInformerFactory informers, ILogger<DaemonSetController> logger, TimeProvider? time = null, int workers = 2)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "daemonset-controller", logger: logger, time: _time);
        _podControl = new PodControl(_client, _recorder);
        _history = new ControllerHistory(_client);
        _dsInfo = _client.Kinds.Find("apps", "v1", "daemonsets")!;
        _revisionsInfo = _client.Kinds.Find("apps", "v1", "controllerrevisions")!;
    }

    public string Name => "daemonset";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _expectations = new ControllerExpectations(_time);
        _daemonSets = _informers.DaemonSets;
        _pods = _informers.Pods;
        _nodes = _informers.Nodes;
        _revisions = _informers.ControllerRevisions;
        using var dsHandler = _daemonSets.AddHandler(Enqueue, (_, n) => Enqueue(n), OnDaemonSetDeleted);
        using var podHandler = _pods.AddHandler(OnPodAdded, OnPodUpdated, OnPodDeleted);
        using var nodeHandler = _nodes.AddHandler(_ => EnqueueAll(), OnNodeUpdated, _ => EnqueueAll());
        try
        {
            await _daemonSets.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _nodes.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _revisions.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, _workers, SyncAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Enqueue(V1DaemonSet ds) => _queue.Add(KubeObjects.Key(ds));

    private void EnqueueAll()
    {
        foreach (var ds in _daemonSets.ListAll())
        {
            Enqueue(ds);
        }
    }

    private void OnDaemonSetDeleted(V1DaemonSet ds)
    {
        var key = KubeObjects.Key(ds);
        _expectations.DeleteExpectations(key);
        _queue.Add(key);
    }

    /// <summary>A node change that may change where daemon pods belong: labels, taints or readiness.</summary>
    private void OnNodeUpdated(V1Node old, V1Node cur)
    {
        var changed = !KubeObjects.JsonEquals(old.Metadata.Labels as object ?? new Dictionary<string, string>(), cur.Metadata.Labels as object ?? new Dictionary<string, string>())
            || !KubeObjects.JsonEquals(old.Spec?.Taints as object ?? Array.Empty<object>(), cur.Spec?.Taints as object ?? Array.Empty<object>())
            || old.Spec?.Unschedulable != cur.Spec?.Unschedulable;
        if (changed)
        {
            EnqueueAll();
        }
    }

    private V1DaemonSet? Resolve(string ns, V1OwnerReference? controllerRef)
    {
        if (controllerRef is not { Kind: KindName })
        {
            return null;
        }
        var ds = _daemonSets.Get(ns, controllerRef.Name);
        return ds?.Metadata.Uid == controllerRef.Uid ? ds : null;
    }

    private IEnumerable<V1DaemonSet> DaemonSetsFor(V1Pod pod)
    {
        foreach (var ds in _daemonSets.List(pod.Metadata.NamespaceProperty))
        {
            var selector = LabelSelectors.Of(ds.Spec?.Selector);
            if (!selector.IsEverything && PodUtil.Matches(selector, pod.Metadata.Labels))
            {
                yield return ds;
            }
        }
    }

    private void OnPodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDeleted(pod);
            return;
        }
        if (KubeObjects.ControllerOf(pod.Metadata) is { } r)
        {
            if (Resolve(pod.Metadata.NamespaceProperty, r) is { } ds)
            {
                var key = KubeObjects.Key(ds);
                _expectations.CreationObserved(key);
                _queue.Add(key);
            }
            return;
        }
        foreach (var ds in DaemonSetsFor(pod))
        {
            Enqueue(ds);
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
            OnPodDeleted(cur);
            return;
        }
        var curRef = KubeObjects.ControllerOf(cur.Metadata);
        var oldRef = KubeObjects.ControllerOf(old.Metadata);
        if (curRef?.Uid != oldRef?.Uid && Resolve(old.Metadata.NamespaceProperty, oldRef) is { } oldDs)
        {
            Enqueue(oldDs);
        }
        if (curRef is not null)
        {
            if (Resolve(cur.Metadata.NamespaceProperty, curRef) is { } ds)
            {
                Enqueue(ds);
                if (!PodUtil.IsReady(old) && PodUtil.IsReady(cur) && ds.Spec.MinReadySeconds is > 0 and var minReady)
                {
                    _queue.AddAfter(KubeObjects.Key(ds), TimeSpan.FromSeconds(minReady) + TimeSpan.FromSeconds(1));
                }
            }
            return;
        }
        foreach (var ds in DaemonSetsFor(cur))
        {
            Enqueue(ds);
        }
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (Resolve(pod.Metadata.NamespaceProperty, KubeObjects.ControllerOf(pod.Metadata)) is not { } ds)
        {
            return;
        }
        var key = KubeObjects.Key(ds);
        _expectations.DeletionObserved(key);
        _queue.Add(key);
    }

    /// <summary>Whether the node's failed-pod deletions for this DaemonSet are still backing off.</summary>
    private bool InFailedPodsBackoff(string key, DateTimeOffset now, out TimeSpan delay)
    {
        if (_failedPodsBackoff.TryGetValue(key, out var e) && now - e.At < e.Delay)
        {
            delay = e.Delay;
            return true;
        }
        delay = TimeSpan.Zero;
        return false;
    }

    private void NextFailedPodsBackoff(string key, DateTimeOffset now) =>
        _failedPodsBackoff.AddOrUpdate(key, _ => (FailedPodsBackoffInitial, now),
            (_, e) => (TimeSpan.FromTicks(Math.Min(e.Delay.Ticks * 2, FailedPodsBackoffMax.Ticks)), now));
}
