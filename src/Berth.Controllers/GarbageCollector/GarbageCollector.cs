using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Kinds;
using Berth.Client;
using Berth.Client.Informers;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.GarbageCollector;

/// <summary>
/// Kubernetes' garbage collector: deletes objects whose owners are all gone, deletes dependents first
/// for foreground deletion (the <c>foregroundDeletion</c> finalizer), and removes owner references for
/// orphaning deletion (the <c>orphan</c> finalizer).
/// </summary>
/// <remarks>
/// <code>
///  informers (every resource, metadata only) ─► graph: uid → node, owner uid → dependents
///        │ enqueue                                   │
///        ▼                                           ▼
///  attemptToDelete(uid): owners all absent? → delete (Background, or Foreground if it was waited on)
///                        some absent, some alive? → drop the dangling references
///  processOwner(uid):    foregroundDeletion → delete dependents; none left blocking → drop finalizer
///                        orphan → remove our reference from every dependent → drop finalizer
/// </code>
/// An owner missing from the graph is confirmed with a live GET before anything is deleted, so a
/// dependent never goes because an informer was late.
/// </remarks>
public sealed class GarbageCollector : IController
{
    public const string Foreground = "foregroundDeletion";
    public const string Orphan = "orphan";

    private readonly IApiClient _client;
    private readonly ILogger<GarbageCollector> _logger;
    private readonly object _lock = new();
    private readonly Dictionary<string, ObjectRef> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);
    private readonly WorkQueue<string> _attemptToDelete = new();
    private readonly WorkQueue<string> _processOwner = new();
    private readonly List<Informer<ObjectRef>> _informers = [];

    public GarbageCollector(IApiClient client, ILogger<GarbageCollector> logger)
    {
        _client = client;
        _logger = logger;
    }

    public string Name => "garbage-collector";

    /// <summary>Resources the collector follows: everything that can be listed and deleted, except events.</summary>
    private IEnumerable<ResourceInfo> Tracked() => _client.Kinds.All.Where(r =>
        r.Verbs.Contains("list") && r.Verbs.Contains("watch") && r.Verbs.Contains("delete") && r.Preferred
        && r.StorageResource is not ("events" or "events.events.k8s.io"));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var workers = new List<Task>
            {
                WorkAsync(_attemptToDelete, AttemptToDeleteAsync, cancellationToken),
                WorkAsync(_attemptToDelete, AttemptToDeleteAsync, cancellationToken),
                WorkAsync(_processOwner, ProcessOwnerAsync, cancellationToken),
            };
            // New resource types (custom resources) appear while running: pick them up periodically.
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var r in Tracked())
                {
                    if (started.Add(r.StorageResource))
                    {
                        StartInformer(r);
                    }
                }
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            _attemptToDelete.ShutDown();
            _processOwner.ShutDown();
            foreach (var i in _informers)
            {
                await i.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void StartInformer(ResourceInfo resource)
    {
        var informer = new Informer<ObjectRef>(_client, resource, o => ObjectRef.From(resource, o), logger: _logger);
        informer.Added += Upsert;
        informer.Updated += (_, n) => Upsert(n);
        informer.Deleted += Remove;
        _informers.Add(informer);
        informer.Start();
    }

    private void Upsert(ObjectRef node)
    {
        lock (_lock)
        {
            if (_nodes.TryGetValue(node.Uid, out var old))
            {
                foreach (var o in old.Owners)
                {
                    if (_dependents.TryGetValue(o.Uid, out var set))
                    {
                        set.Remove(node.Uid);
                    }
                }
            }
            _nodes[node.Uid] = node;
            foreach (var o in node.Owners)
            {
                if (!_dependents.TryGetValue(o.Uid, out var set))
                {
                    set = new HashSet<string>(StringComparer.Ordinal);
                    _dependents[o.Uid] = set;
                }
                set.Add(node.Uid);
            }
        }
        if (node.Owners.Count > 0)
        {
            _attemptToDelete.Add(node.Uid);
        }
        if (node.Terminating && (node.Finalizers.Contains(Foreground) || node.Finalizers.Contains(Orphan)))
        {
            _processOwner.Add(node.Uid);
        }
        // A dependent that changed may unblock its owner's foreground deletion.
        foreach (var o in node.Owners)
        {
            if (IsWaitingForDependents(o.Uid))
            {
                _processOwner.Add(o.Uid);
            }
        }
    }

    private void Remove(ObjectRef node)
    {
        List<string> dependents;
        lock (_lock)
        {
            _nodes.Remove(node.Uid);
            foreach (var o in node.Owners)
            {
                if (_dependents.TryGetValue(o.Uid, out var set))
                {
                    set.Remove(node.Uid);
                }
            }
            dependents = _dependents.TryGetValue(node.Uid, out var deps) ? deps.ToList() : [];
        }
        foreach (var d in dependents)
        {
            _attemptToDelete.Add(d);
        }
        foreach (var o in node.Owners)
        {
            if (IsWaitingForDependents(o.Uid))
            {
                _processOwner.Add(o.Uid);
            }
        }
    }

    private bool IsWaitingForDependents(string uid)
    {
        lock (_lock)
        {
            return _nodes.TryGetValue(uid, out var n) && n.Terminating && n.Finalizers.Contains(Foreground);
        }
    }

    private async Task WorkAsync(WorkQueue<string> queue, Func<string, CancellationToken, Task<bool>> handle, CancellationToken ct)
    {
        while (true)
        {
            var (uid, ok) = await queue.GetAsync(ct).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
            try
            {
                if (await handle(uid, ct).ConfigureAwait(false))
                {
                    queue.Forget(uid);
                }
                else
                {
                    queue.AddRateLimited(uid);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "garbage collector: {Uid} failed; retrying", uid);
                queue.AddRateLimited(uid);
            }
            finally
            {
                queue.Done(uid);
            }
        }
    }

    private enum OwnerState
    {
        Solid,
        Dangling,
        WaitingForDependents,
    }

    private async Task<OwnerState> ClassifyAsync(ObjectRef dependent, OwnerRef owner, CancellationToken ct)
    {
        ObjectRef? known;
        lock (_lock)
        {
            known = _nodes.GetValueOrDefault(owner.Uid);
        }
        if (known is not null)
        {
            return known.Terminating && known.Finalizers.Contains(Foreground) ? OwnerState.WaitingForDependents : OwnerState.Solid;
        }
        // Not in the graph: ask the server before believing it is gone.
        var (group, version) = GroupVersionKind.SplitApiVersion(owner.ApiVersion);
        var resource = _client.Kinds.FindKind(group, version, owner.Kind);
        if (resource is null)
        {
            // An owner of a kind the server does not serve cannot exist.
            return OwnerState.Dangling;
        }
        try
        {
            var live = await _client.GetAsync(resource, resource.Namespaced ? dependent.Namespace : null, owner.Name, ct).ConfigureAwait(false);
            var uid = live["metadata"]?["uid"]?.GetValue<string>();
            if (uid != owner.Uid)
            {
                return OwnerState.Dangling;
            }
            var finalizers = live["metadata"]?["finalizers"] as JsonArray;
            var waiting = live["metadata"]?["deletionTimestamp"] is not null
                && finalizers?.Any(f => f?.GetValue<string>() == Foreground) == true;
            return waiting ? OwnerState.WaitingForDependents : OwnerState.Solid;
        }
        catch (StatusException e) when (e.Code == 404)
        {
            return OwnerState.Dangling;
        }
    }

    /// <summary>Handles one dependent; returns false to retry later.</summary>
    private async Task<bool> AttemptToDeleteAsync(string uid, CancellationToken ct)
    {
        ObjectRef? node;
        lock (_lock)
        {
            node = _nodes.GetValueOrDefault(uid);
        }
        if (node is null || node.Owners.Count == 0)
        {
            return true;
        }
        if (node.Terminating && !node.Finalizers.Contains(Foreground))
        {
            // Already being deleted; nothing to add.
            return true;
        }
        var solid = new List<OwnerRef>();
        var dangling = new List<OwnerRef>();
        var waiting = new List<OwnerRef>();
        foreach (var o in node.Owners)
        {
            switch (await ClassifyAsync(node, o, ct).ConfigureAwait(false))
            {
                case OwnerState.Solid:
                    solid.Add(o);
                    break;
                case OwnerState.Dangling:
                    dangling.Add(o);
                    break;
                default:
                    waiting.Add(o);
                    break;
            }
        }
        if (solid.Count > 0)
        {
            if (dangling.Count == 0 && waiting.Count == 0)
            {
                return true;
            }
            // Keep the object; drop the references to owners that are gone or going.
            await RemoveOwnerReferencesAsync(node, dangling.Concat(waiting).Select(o => o.Uid).ToHashSet(), ct).ConfigureAwait(false);
            return true;
        }
        if (node.Terminating)
        {
            return true;
        }
        bool hasDependents;
        lock (_lock)
        {
            hasDependents = _dependents.TryGetValue(uid, out var d) && d.Count > 0;
        }
        // Owners waiting for their dependents make this delete foreground too, so the chain empties bottom-up.
        var policy = waiting.Count > 0 && hasDependents ? "Foreground" : "Background";
        if (node.Finalizers.Contains(Orphan))
        {
            policy = "Orphan";
        }
        try
        {
            await _client.DeleteAsync(node.Resource, node.Namespace, node.Name, new V1DeleteOptions
            {
                PropagationPolicy = policy,
                Preconditions = new V1Preconditions { Uid = node.Uid },
            }, ct).ConfigureAwait(false);
            _logger.LogDebug("garbage collector deleted {Resource} {Namespace}/{Name}", node.Resource.Resource, node.Namespace, node.Name);
        }
        catch (StatusException e) when (e.Code is 404 or 409)
        {
            // Gone already, or a new object with the same name: nothing to do.
        }
        return true;
    }

    /// <summary>Handles an owner that is being deleted with the foreground or orphan finalizer.</summary>
    private async Task<bool> ProcessOwnerAsync(string uid, CancellationToken ct)
    {
        ObjectRef? owner;
        List<ObjectRef> dependents;
        lock (_lock)
        {
            owner = _nodes.GetValueOrDefault(uid);
            dependents = _dependents.TryGetValue(uid, out var d)
                ? d.Select(x => _nodes.GetValueOrDefault(x)).OfType<ObjectRef>().ToList()
                : [];
        }
        if (owner is null || !owner.Terminating)
        {
            return true;
        }
        if (owner.Finalizers.Contains(Orphan))
        {
            foreach (var d in dependents)
            {
                await RemoveOwnerReferencesAsync(d, [uid], ct).ConfigureAwait(false);
            }
            await RemoveFinalizerAsync(owner, Orphan, ct).ConfigureAwait(false);
            return true;
        }
        if (owner.Finalizers.Contains(Foreground))
        {
            var blocking = 0;
            foreach (var d in dependents)
            {
                var reference = d.Owners.FirstOrDefault(o => o.Uid == uid);
                if (reference is null)
                {
                    continue;
                }
                if (!d.Terminating)
                {
                    _attemptToDelete.Add(d.Uid);
                }
                if (reference.BlockOwnerDeletion)
                {
                    blocking++;
                }
            }
            if (blocking > 0)
            {
                // Dependents still exist; their deletion events bring us back here.
                return true;
            }
            await RemoveFinalizerAsync(owner, Foreground, ct).ConfigureAwait(false);
        }
        return true;
    }

    private async Task RemoveOwnerReferencesAsync(ObjectRef node, HashSet<string> ownerUids, CancellationToken ct)
    {
        // A JSON patch with a test on the uid keeps this from touching a recreated object of the same name.
        try
        {
            var live = await _client.GetAsync(node.Resource, node.Namespace, node.Name, ct).ConfigureAwait(false);
            if (live["metadata"]?["uid"]?.GetValue<string>() != node.Uid || live["metadata"]?["ownerReferences"] is not JsonArray refs)
            {
                return;
            }
            var kept = new JsonArray();
            foreach (var r in refs)
            {
                if (r?["uid"]?.GetValue<string>() is { } u && !ownerUids.Contains(u))
                {
                    kept.Add(r.DeepClone());
                }
            }
            if (kept.Count == refs.Count)
            {
                return;
            }
            var patch = new JsonArray(
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/uid", ["value"] = node.Uid },
                kept.Count == 0
                    ? new JsonObject { ["op"] = "remove", ["path"] = "/metadata/ownerReferences" }
                    : new JsonObject { ["op"] = "replace", ["path"] = "/metadata/ownerReferences", ["value"] = kept });
            await _client.PatchAsync(node.Resource, node.Namespace, node.Name, PatchKind.Json, Encoding.UTF8.GetBytes(patch.ToJsonString()), null, ct)
                .ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code is 404 or 422)
        {
        }
    }

    private async Task RemoveFinalizerAsync(ObjectRef node, string finalizer, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            JsonObject live;
            try
            {
                live = await _client.GetAsync(node.Resource, node.Namespace, node.Name, ct).ConfigureAwait(false);
            }
            catch (StatusException e) when (e.Code == 404)
            {
                return;
            }
            if (live["metadata"]?["uid"]?.GetValue<string>() != node.Uid || live["metadata"]?["finalizers"] is not JsonArray f)
            {
                return;
            }
            var kept = new JsonArray();
            foreach (var x in f)
            {
                if (x?.GetValue<string>() != finalizer)
                {
                    kept.Add(x?.DeepClone());
                }
            }
            if (kept.Count == f.Count)
            {
                return;
            }
            ((JsonObject)live["metadata"]!)["finalizers"] = kept;
            try
            {
                await _client.UpdateAsync(node.Resource, live, null, ct).ConfigureAwait(false);
                return;
            }
            catch (StatusException e) when (e.Code == 409)
            {
            }
            catch (StatusException e) when (e.Code == 404)
            {
                return;
            }
        }
    }
}
