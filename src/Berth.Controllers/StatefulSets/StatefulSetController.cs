using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Events;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.StatefulSets;

/// <summary>
/// Kubernetes' StatefulSet controller: pods with stable names &lt;set&gt;-&lt;ordinal&gt; and stable claims
/// &lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;; OrderedReady creates pod N+1 only once pod N is Running and Ready and
/// removes pods from the highest ordinal down, Parallel does not wait; RollingUpdate replaces pods from
/// the highest ordinal down to the partition; OnDelete waits for the user to delete them. The template
/// history lives in ControllerRevisions, named in status currentRevision / updateRevision.
/// </summary>
/// <remarks>
/// This file: handlers and the sync entry. Control.cs: revisions, the ordered replica walk, status and
/// history. Pods.cs: creating, updating and deleting pods and claims, with kube's events.
/// </remarks>
public sealed partial class StatefulSetController : IController
{
    public const string ApiVersion = "apps/v1";
    public const string KindName = "StatefulSet";

    private readonly IApiClient _client;
    private readonly SharedInformerFactory _informers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventRecorder _recorder;
    private readonly ControllerHistory _history;
    private readonly ResourceInfo _setsInfo;
    private readonly ResourceInfo _podsInfo;
    private readonly ResourceInfo _claimsInfo;
    private readonly ResourceInfo _revisionsInfo;
    private readonly int _workers;
    private WorkQueue<string> _queue = null!;
    private SharedInformer<V1StatefulSet> _sets = null!;
    private SharedInformer<V1Pod> _pods = null!;
    private SharedInformer<V1PersistentVolumeClaim> _claims = null!;
    private SharedInformer<V1ControllerRevision> _revisions = null!;

    public StatefulSetController(SharedInformerFactory informers, ILogger<StatefulSetController> logger, TimeProvider? time = null, int workers = 5)
    {
        _client = informers.Client;
        _informers = informers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _workers = workers;
        _recorder = new EventRecorder(_client, "statefulset-controller", logger: logger, time: _time);
        _history = new ControllerHistory(_client);
        _setsInfo = _client.Kinds.Find("apps", "v1", "statefulsets")!;
        _podsInfo = _client.Kinds.Find("", "v1", "pods")!;
        _claimsInfo = _client.Kinds.Find("", "v1", "persistentvolumeclaims")!;
        _revisionsInfo = _client.Kinds.Find("apps", "v1", "controllerrevisions")!;
    }

    public string Name => "statefulset";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue<string>(_time);
        _sets = _informers.StatefulSets;
        _pods = _informers.Pods;
        _claims = _informers.PersistentVolumeClaims;
        _revisions = _informers.ControllerRevisions;
        using var setHandler = _sets.AddHandler(Enqueue, (_, n) => Enqueue(n), Enqueue);
        using var podHandler = _pods.AddHandler(OnPodAdded, OnPodUpdated, OnPodDeleted);
        try
        {
            await _sets.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _claims.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _revisions.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await Workers.RunAsync(_queue, _workers, SyncAsync, _logger, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
        }
    }

    private void Enqueue(V1StatefulSet set) => _queue.Add(KubeObjects.Key(set));

    private V1StatefulSet? Resolve(string ns, V1OwnerReference? controllerRef)
    {
        if (controllerRef is not { Kind: KindName })
        {
            return null;
        }
        var set = _sets.Get(ns, controllerRef.Name);
        return set?.Metadata.Uid == controllerRef.Uid ? set : null;
    }

    private IEnumerable<V1StatefulSet> SetsFor(V1Pod pod)
    {
        foreach (var set in _sets.List(pod.Metadata.NamespaceProperty))
        {
            var selector = LabelSelectors.Of(set.Spec?.Selector);
            if (!selector.IsEverything && PodUtil.Matches(selector, pod.Metadata.Labels))
            {
                yield return set;
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
            if (Resolve(pod.Metadata.NamespaceProperty, r) is { } set)
            {
                Enqueue(set);
            }
            return;
        }
        foreach (var set in SetsFor(pod))
        {
            Enqueue(set);
        }
    }

    private void OnPodUpdated(V1Pod old, V1Pod cur)
    {
        if (old.Metadata.ResourceVersion == cur.Metadata.ResourceVersion)
        {
            return;
        }
        var curRef = KubeObjects.ControllerOf(cur.Metadata);
        var oldRef = KubeObjects.ControllerOf(old.Metadata);
        if (curRef?.Uid != oldRef?.Uid && Resolve(old.Metadata.NamespaceProperty, oldRef) is { } oldSet)
        {
            Enqueue(oldSet);
        }
        if (curRef is not null)
        {
            if (Resolve(cur.Metadata.NamespaceProperty, curRef) is { } set)
            {
                Enqueue(set);
                if (!PodUtil.IsReady(old) && PodUtil.IsReady(cur) && set.Spec.MinReadySeconds is > 0 and var minReady)
                {
                    _queue.AddAfter(KubeObjects.Key(set), TimeSpan.FromSeconds(minReady) + TimeSpan.FromSeconds(1));
                }
            }
            return;
        }
        foreach (var set in SetsFor(cur))
        {
            Enqueue(set);
        }
    }

    private void OnPodDeleted(V1Pod pod)
    {
        if (Resolve(pod.Metadata.NamespaceProperty, KubeObjects.ControllerOf(pod.Metadata)) is { } set)
        {
            Enqueue(set);
        }
    }

    /// <summary>Reconciles one StatefulSet from the cache (sync).</summary>
    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _sets.Get(ns, name);
        if (cached is null)
        {
            return;
        }
        var set = KubeObjects.Clone(cached);
        var selector = LabelSelectors.Of(set.Spec.Selector);
        if (LabelSelectors.SelectsEverything(set.Spec.Selector))
        {
            _recorder.Event(KubeObjects.EventTarget(ApiVersion, KindName, set.Metadata), EventRecorder.Warning, "SelectingAll",
                "This statefulset is selecting all pods. A non-empty selector is required.");
            return;
        }
        var canAdopt = ControllerRefManager<V1Pod>.RecheckDeletionTimestamp(_client, _setsInfo, set.Metadata);
        var podManager = new ControllerRefManager<V1Pod>(_client, _podsInfo, set.Metadata, ApiVersion, KindName, selector, canAdopt);
        var pods = await podManager.ClaimAsync(_pods.List(ns), p => StatefulSetUtil.IsMemberOf(set, p), ct).ConfigureAwait(false);
        var revisionManager = new ControllerRefManager<V1ControllerRevision>(_client, _revisionsInfo, set.Metadata, ApiVersion, KindName, selector, canAdopt);
        var revisions = await revisionManager.ClaimAsync(_revisions.List(ns), null, ct).ConfigureAwait(false);
        await UpdateStatefulSetControlAsync(set, pods, revisions, ct).ConfigureAwait(false);
    }
}
