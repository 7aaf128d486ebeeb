using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using Berth.Client;
using Berth.Client.Informers;
using Berth.Client.Queue;
using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.ResourceQuota;

/// <summary>
/// Keeps every ResourceQuota's status current, as kube's resourcequota controller: <c>status.hard</c> =
/// <c>spec.hard</c> and <c>status.used</c> = the usage of the objects in its namespace and scopes, recomputed
/// from informer caches. A new or changed quota, a counted object deleted or using less, and a periodic
/// resync enqueue the quota; one reconcile recomputes it (level-triggered) and writes the status only when
/// it differs.
/// </summary>
/// <remarks>
/// <code>
/// quota informer ──add, spec change──────────────────────────────────┐
/// object monitors (one per counted resource, started when a quota first needs it)
///       ──delete / usage went down in ns──► every quota of ns ──► work queue ──► reconcile:
///  wait for monitors' sync → QuotaUsage.Calculate → status changed? → PUT …/resourcequotas/x/status
/// resync timer (default 5 min, kube's --resource-quota-sync-period) ──► every quota
/// </code>
/// Admission charges creates into status.used ahead of this controller; a recount here corrects any
/// over-charge (a create that failed after admission) and frees what deleted objects used.
/// </remarks>
public sealed class ResourceQuotaController : IController
{
    private readonly IApiClient _client;
    private readonly ILogger<ResourceQuotaController> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _resync;
    private readonly int _workers;
    private readonly QuotaRegistry _registry = new();
    private readonly WorkQueue<string> _queue;
    private readonly Dictionary<(string Group, string Resource), QuotaMonitor> _monitors = [];
    private readonly SemaphoreSlim _monitorLock = new(1, 1);
    private readonly Lock _indexLock = new();
    private readonly Dictionary<string, HashSet<string>> _quotasByNamespace = new(StringComparer.Ordinal);
    private Informer<JsonObject>? _quotas;

    /// <param name="resyncPeriod">How often every quota is recomputed regardless of events (default 5 minutes).</param>
    /// <param name="workers">Quotas reconciled in parallel (default 2).</param>
    public ResourceQuotaController(IApiClient client, ILogger<ResourceQuotaController> logger, TimeProvider? time = null,
        TimeSpan? resyncPeriod = null, int workers = 2)
    {
        _client = client;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _resync = resyncPeriod ?? TimeSpan.FromMinutes(5);
        _workers = Math.Max(1, workers);
        _queue = new WorkQueue<string>(_time, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30));
    }

    public string Name => "resourcequota";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var quotaInfo = _client.Kinds.Find("", "v1", "resourcequotas")!;
        await using var quotas = new Informer<JsonObject>(_client, quotaInfo, o => o, logger: _logger);
        _quotas = quotas;
        quotas.Added += q =>
        {
            IndexQuota(q, add: true);
            _queue.Add(Informer<JsonObject>.KeyOf(q));
        };
        // Status writes (admission's charges, our own) do not trigger a recount, as in kube: only a changed spec does.
        quotas.Updated += (old, q) =>
        {
            if (!JsonNode.DeepEquals(old["spec"], q["spec"]) || q["status"]?["used"] is null)
            {
                _queue.Add(Informer<JsonObject>.KeyOf(q));
            }
        };
        quotas.Deleted += q => IndexQuota(q, add: false);
        quotas.Start();
        try
        {
            await quotas.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            var workers = Enumerable.Range(0, _workers).Select(_ => WorkAsync(quotaInfo, cancellationToken)).ToList();
            workers.Add(ResyncAsync(cancellationToken));
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            _queue.ShutDown();
            foreach (var m in _monitors.Values)
            {
                await m.DisposeAsync().ConfigureAwait(false);
            }
            _monitors.Clear();
        }
    }

    private void IndexQuota(JsonObject q, bool add)
    {
        var ns = q["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var key = Informer<JsonObject>.KeyOf(q);
        lock (_indexLock)
        {
            if (add)
            {
                if (!_quotasByNamespace.TryGetValue(ns, out var set))
                {
                    _quotasByNamespace[ns] = set = new HashSet<string>(StringComparer.Ordinal);
                }
                set.Add(key);
            }
            else if (_quotasByNamespace.TryGetValue(ns, out var set))
            {
                set.Remove(key);
                if (set.Count == 0)
                {
                    _quotasByNamespace.Remove(ns);
                }
            }
        }
    }

    /// <summary>Enqueues every quota of a namespace (a counted object there changed).</summary>
    private void EnqueueNamespace(string ns)
    {
        string[] keys;
        lock (_indexLock)
        {
            if (!_quotasByNamespace.TryGetValue(ns, out var set))
            {
                return;
            }
            keys = [.. set];
        }
        foreach (var k in keys)
        {
            _queue.Add(k);
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_resync, _time, ct).ConfigureAwait(false);
                foreach (var q in _quotas!.List())
                {
                    _queue.Add(Informer<JsonObject>.KeyOf(q));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WorkAsync(ResourceInfo quotaInfo, CancellationToken ct)
    {
        while (true)
        {
            var (key, ok) = await _queue.GetAsync(ct).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }
            try
            {
                await SyncAsync(quotaInfo, key, ct).ConfigureAwait(false);
                _queue.Forget(key);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (StatusException e) when (e.Code == 409)
            {
                // Admission charged the quota meanwhile; the informer brings the new version, recount from it.
                _queue.AddRateLimited(key);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "resourcequota {Key}: sync failed; retrying", key);
                _queue.AddRateLimited(key);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    /// <summary>Recomputes one quota's status and writes it when it changed (kube's syncResourceQuota).</summary>
    private async Task SyncAsync(ResourceInfo quotaInfo, string key, CancellationToken ct)
    {
        var quota = _quotas!.Get(key);
        if (quota is null)
        {
            return;
        }
        var ns = quota["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var hard = ResourceLists.FromJson(quota["spec"]?["hard"]);
        var statusHard = quota["status"]?["hard"];
        var statusUsed = quota["status"]?["used"];
        var previous = ResourceLists.FromJson(statusUsed);
        V1ResourceQuotaSpec? spec;
        try
        {
            spec = quota["spec"] is JsonObject s ? KubeJson.Deserialize<V1ResourceQuotaSpec>(s) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            spec = null;
        }
        var scopes = QuotaUsage.Scopes(spec);

        var monitors = new Dictionary<IQuotaEvaluator, QuotaMonitor?>();
        foreach (var evaluator in _registry.For(hard.Keys))
        {
            monitors[evaluator] = await MonitorAsync(evaluator, ct).ConfigureAwait(false);
        }
        foreach (var m in monitors.Values)
        {
            if (m is not null)
            {
                await m.WaitForSyncAsync(ct).ConfigureAwait(false);
            }
        }
        var usage = QuotaUsage.Calculate(hard.Keys, scopes, _registry,
            e => monitors.TryGetValue(e, out var m) && m is not null ? m.Items(ns) : [], _time.GetUtcNow());
        var used = ResourceLists.Copy(previous);
        foreach (var (k, v) in usage)
        {
            used[k] = v;
        }
        used = ResourceLists.Mask(used, hard.Keys);
        var dirty = statusHard is null || statusUsed is null || !ResourceLists.Equal(hard, ResourceLists.FromJson(statusHard))
            || !ResourceLists.Equal(used, previous);
        if (!dirty)
        {
            return;
        }
        var updated = (JsonObject)quota.DeepClone();
        updated["status"] = new JsonObject
        {
            ["hard"] = ResourceLists.ToJson(hard),
            ["used"] = ResourceLists.ToJson(used),
        };
        try
        {
            await _client.UpdateAsync(quotaInfo, updated, "status", ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 404)
        {
        }
    }

    /// <summary>The monitor of an evaluator's resource, started on first use; null when the resource is not served here.</summary>
    private async ValueTask<QuotaMonitor?> MonitorAsync(IQuotaEvaluator evaluator, CancellationToken ct)
    {
        await _monitorLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_monitors.TryGetValue((evaluator.Group, evaluator.Resource), out var m))
            {
                return m;
            }
            var info = _client.Kinds.All.FirstOrDefault(r => r.Group == evaluator.Group && r.Resource == evaluator.Resource && r.Preferred);
            if (info is null || !info.Namespaced || !info.Verbs.Contains("watch"))
            {
                // Nothing of it can exist in a namespace (yet): it counts zero. A CRD served later gets a
                // monitor at the next sync of a quota that names it.
                return null;
            }
            m = new QuotaMonitor(_client, info, evaluator, _time, _logger);
            m.Changed += EnqueueNamespace;
            _monitors[(evaluator.Group, evaluator.Resource)] = m;
            m.Start();
            return m;
        }
        finally
        {
            _monitorLock.Release();
        }
    }
}
