using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.DaemonSets;

public sealed partial class DaemonSetController
{
    /// <summary>Reconciles one DaemonSet (syncDaemonSet).</summary>
    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = KubeObjects.SplitKey(key);
        var cached = _daemonSets.Get(ns, name);
        if (cached is null)
        {
            _expectations.DeleteExpectations(key);
            return;
        }
        var ds = KubeObjects.Clone(cached);
        var nodes = _nodes.ListAll();
        if (LabelSelectors.SelectsEverything(ds.Spec.Selector))
        {
            _recorder.Event(KubeObjects.EventTarget(ApiVersion, KindName, ds.Metadata), EventRecorder.Warning, "SelectingAll",
                "This daemon set is selecting all pods. A non-empty selector is required.");
            return;
        }
        // Being deleted: its revisions may already be gone, so do nothing (as kube).
        if (ds.Metadata.DeletionTimestamp is not null)
        {
            return;
        }
        var (current, old) = await ConstructHistoryAsync(ds, ct).ConfigureAwait(false);
        var hash = current.Metadata.Labels?.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var h) == true ? h : "";
        var nodeToPods = await NodeToDaemonPodsAsync(ds, ct).ConfigureAwait(false);
        if (!_expectations.SatisfiedExpectations(key))
        {
            // The cache has not caught up with our own creations/deletions: report, but do not claim this generation.
            await UpdateStatusAsync(ds, nodes, nodeToPods, hash, updateObservedGeneration: false, ct).ConfigureAwait(false);
            return;
        }
        Exception? error = null;
        try
        {
            await ManageAsync(ds, nodes, nodeToPods, hash, key, ct).ConfigureAwait(false);
            if (_expectations.SatisfiedExpectations(key) && ds.Spec.UpdateStrategy?.Type == "RollingUpdate")
            {
                await RollingUpdateAsync(ds, nodes, await NodeToDaemonPodsAsync(ds, ct).ConfigureAwait(false), hash, key, ct).ConfigureAwait(false);
            }
            await CleanupHistoryAsync(ds, old, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = e;
        }
        await UpdateStatusAsync(ds, nodes, await NodeToDaemonPodsAsync(ds, ct).ConfigureAwait(false), hash, updateObservedGeneration: true, ct).ConfigureAwait(false);
        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>The DaemonSet's pods (claimed) by the node they run on or are meant for (getNodesToDaemonPods).</summary>
    private async Task<Dictionary<string, List<V1Pod>>> NodeToDaemonPodsAsync(V1DaemonSet ds, CancellationToken ct)
    {
        var manager = new ControllerRefManager<V1Pod>(_client, _pods.Resource, ds.Metadata, ApiVersion, KindName, LabelSelectors.Of(ds.Spec.Selector),
            ControllerRefManager<V1Pod>.RecheckDeletionTimestamp(_client, _dsInfo, ds.Metadata));
        var claimed = await manager.ClaimAsync(_pods.List(ds.Metadata.NamespaceProperty), null, ct).ConfigureAwait(false);
        var map = new Dictionary<string, List<V1Pod>>(StringComparer.Ordinal);
        foreach (var pod in claimed)
        {
            if (DaemonSetUtil.TargetNodeName(pod) is not { } node)
            {
                continue;
            }
            if (!map.TryGetValue(node, out var list))
            {
                map[node] = list = [];
            }
            list.Add(pod);
        }
        return map;
    }

    /// <summary>Works out which nodes need a daemon pod and which pods must go, then acts (manage).</summary>
    private async Task ManageAsync(V1DaemonSet ds, List<V1Node> nodes, Dictionary<string, List<V1Pod>> nodeToPods, string hash, string key, CancellationToken ct)
    {
        var needing = new List<string>();
        var toDelete = new List<string>();
        foreach (var node in nodes)
        {
            var (n, d) = PodsShouldBeOnNode(node, nodeToPods, ds, hash);
            needing.AddRange(n);
            toDelete.AddRange(d);
        }
        // Pods for nodes that no longer exist go too.
        var known = nodes.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (node, pods) in nodeToPods)
        {
            if (!known.Contains(node))
            {
                toDelete.AddRange(pods.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name));
            }
        }
        await SyncNodesAsync(ds, toDelete, needing, hash, key, ct).ConfigureAwait(false);
    }

    /// <summary>For one node: does it need a pod, and which of its daemon pods must be deleted (podsShouldBeOnNode).</summary>
    private (List<string> NeedPod, List<string> Delete) PodsShouldBeOnNode(V1Node node, Dictionary<string, List<V1Pod>> nodeToPods, V1DaemonSet ds, string hash)
    {
        var need = new List<string>();
        var delete = new List<string>();
        var (shouldRun, shouldContinue) = DaemonSetUtil.NodeShouldRunDaemonPod(node, ds);
        var exists = nodeToPods.TryGetValue(node.Metadata.Name, out var daemonPods);
        daemonPods ??= [];
        var target = KubeObjects.EventTarget(ApiVersion, KindName, ds.Metadata);
        if (shouldRun && !exists)
        {
            need.Add(node.Metadata.Name);
        }
        else if (shouldContinue)
        {
            var running = new List<V1Pod>();
            foreach (var pod in daemonPods)
            {
                if (pod.Metadata.DeletionTimestamp is not null)
                {
                    continue;
                }
                var phase = PodUtil.Phase(pod);
                if (phase is PodUtil.Failed or PodUtil.Succeeded)
                {
                    // Avoid a hot loop fighting a kubelet that rejects the pod: back off per node.
                    var backoffKey = $"{ds.Metadata.Uid}/{node.Metadata.Name}";
                    var now = _time.GetUtcNow();
                    if (InFailedPodsBackoff(backoffKey, now, out var delay))
                    {
                        _queue.AddAfter(KubeObjects.Key(ds), delay);
                        continue;
                    }
                    NextFailedPodsBackoff(backoffKey, now);
                    if (phase == PodUtil.Failed)
                    {
                        _recorder.Event(target, EventRecorder.Warning, "FailedDaemonPod",
                            $"Found failed daemon pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} on node {node.Metadata.Name}, will try to kill it");
                    }
                    delete.Add(pod.Metadata.Name);
                }
                else
                {
                    running.Add(pod);
                }
            }
            if (!DaemonSetUtil.AllowsSurge(ds))
            {
                if (running.Count > 1)
                {
                    running.Sort(DaemonSetUtil.ByCreationAndPhase);
                    delete.AddRange(running.Skip(1).Select(p => p.Metadata.Name));
                }
            }
            else if (running.Count <= 1)
            {
                if (running.Count == 0 && shouldRun)
                {
                    need.Add(node.Metadata.Name);
                }
            }
            else
            {
                // Surging: keep the oldest current pod, and the oldest old pod only while the new one is not available yet.
                running.Sort(DaemonSetUtil.ByCreationAndPhase);
                V1Pod? oldestNew = null, oldestOld = null;
                foreach (var pod in running)
                {
                    var isNew = pod.Metadata.Labels?.TryGetValue(TemplateHash.ControllerRevisionHashLabel, out var ph) == true && ph == hash;
                    if (isNew && oldestNew is null)
                    {
                        oldestNew = pod;
                    }
                    else if (!isNew && oldestOld is null)
                    {
                        oldestOld = pod;
                    }
                    else
                    {
                        delete.Add(pod.Metadata.Name);
                    }
                }
                if (oldestNew is not null && oldestOld is not null
                    && (!PodUtil.IsReady(oldestOld) || PodUtil.IsAvailable(oldestNew, ds.Spec.MinReadySeconds ?? 0, KubeObjects.Now(_time))))
                {
                    delete.Add(oldestOld.Metadata.Name);
                }
            }
        }
        else if (exists)
        {
            delete.AddRange(daemonPods.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name));
        }
        return (need, delete);
    }

    /// <summary>
    /// Creates pods for <paramref name="nodesNeeding"/> (slow start, each pinned by node affinity) and deletes
    /// <paramref name="podsToDelete"/>, with expectations set first (syncNodes).
    /// </summary>
    private async Task SyncNodesAsync(V1DaemonSet ds, List<string> podsToDelete, List<string> nodesNeeding, string hash, string key, CancellationToken ct)
    {
        var createDiff = Math.Min(nodesNeeding.Count, BurstReplicas);
        var deleteDiff = Math.Min(podsToDelete.Count, BurstReplicas);
        if (createDiff == 0 && deleteDiff == 0)
        {
            return;
        }
        _expectations.SetExpectations(key, createDiff, deleteDiff);
        var template = DaemonSetUtil.PodTemplate(ds, hash);
        var owner = KubeObjects.EventTarget(ApiVersion, KindName, ds.Metadata);
        var controllerRef = KubeObjects.NewControllerRef(ds.Metadata, ApiVersion, KindName);
        Exception? error = null;
        if (createDiff > 0)
        {
            var (attempted, _, createError) = await SlowStart.BatchAsync(createDiff, async ix =>
            {
                var podTemplate = KubeObjects.Clone(template);
                podTemplate.Spec.Affinity = DaemonSetUtil.ReplaceNodeNameAffinity(podTemplate.Spec.Affinity, nodesNeeding[ix]);
                try
                {
                    await _podControl.CreatePodAsync(ds.Metadata.NamespaceProperty, podTemplate, owner, controllerRef, ct).ConfigureAwait(false);
                }
                catch (StatusException e) when (PodControl.IsNamespaceTerminating(e))
                {
                }
                catch
                {
                    _expectations.CreationObserved(key);
                    throw;
                }
            }).ConfigureAwait(false);
            if (attempted < createDiff)
            {
                _expectations.Lower(key, createDiff - attempted, 0);
            }
            error = createError;
        }
        var deletions = await Task.WhenAll(podsToDelete.Take(deleteDiff).Select(async name =>
        {
            try
            {
                await _podControl.DeletePodAsync(ds.Metadata.NamespaceProperty, name, owner, ct).ConfigureAwait(false);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _expectations.DeletionObserved(key);
                return e is StatusException { Code: 404 } ? null : e;
            }
        })).ConfigureAwait(false);
        error ??= deletions.FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>Counts per node as the status reports them (updateDaemonSetStatus) and writes them when changed.</summary>
    private async Task UpdateStatusAsync(V1DaemonSet ds, List<V1Node> nodes, Dictionary<string, List<V1Pod>> nodeToPods, string hash,
        bool updateObservedGeneration, CancellationToken ct)
    {
        int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        var now = KubeObjects.Now(_time);
        var generation = DaemonSetUtil.TemplateGeneration(ds);
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = DaemonSetUtil.NodeShouldRunDaemonPod(node, ds);
            var scheduled = nodeToPods.TryGetValue(node.Metadata.Name, out var pods) && pods.Count > 0;
            if (!shouldRun)
            {
                if (scheduled)
                {
                    misscheduled++;
                }
                continue;
            }
            desired++;
            if (!scheduled)
            {
                continue;
            }
            current++;
            var sorted = pods!.ToList();
            sorted.Sort(DaemonSetUtil.ByCreationAndPhase);
            var pod = sorted[0];
            if (PodUtil.IsReady(pod))
            {
                ready++;
                if (PodUtil.IsAvailable(pod, minReady, now))
                {
                    available++;
                }
            }
            if (DaemonSetUtil.IsPodUpdated(pod, hash, generation))
            {
                updated++;
            }
        }
        var status = new V1DaemonSetStatus
        {
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = current,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            UpdatedNumberScheduled = updated,
            NumberAvailable = available,
            NumberUnavailable = desired - available,
            ObservedGeneration = updateObservedGeneration ? ds.Metadata.Generation : ds.Status?.ObservedGeneration,
            CollisionCount = ds.Status?.CollisionCount,
            Conditions = ds.Status?.Conditions,
        };
        if (!KubeObjects.JsonEquals(ds.Status, status))
        {
            for (var attempt = 0; ; attempt++)
            {
                ds.Status = status;
                try
                {
                    await _client.UpdateAsync(_dsInfo, KubeObjects.ToJson(ds, ApiVersion, KindName), "status", ct).ConfigureAwait(false);
                    break;
                }
                catch (StatusException e) when (e.Code == 409 && attempt == 0)
                {
                    var fresh = KubeJson.Deserialize<V1DaemonSet>(await _client.GetAsync(_dsInfo, ds.Metadata.NamespaceProperty, ds.Metadata.Name, ct).ConfigureAwait(false));
                    status.CollisionCount = fresh.Status?.CollisionCount;
                    status.ObservedGeneration = updateObservedGeneration ? fresh.Metadata.Generation : fresh.Status?.ObservedGeneration;
                    ds = fresh;
                }
            }
        }
        if (minReady > 0 && ready != available)
        {
            _queue.AddAfter(KubeObjects.Key(ds), TimeSpan.FromSeconds(minReady));
        }
    }
}
