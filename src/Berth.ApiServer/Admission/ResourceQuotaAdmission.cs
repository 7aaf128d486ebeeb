using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using Berth.ApiServer.Registry;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// kube's ResourceQuota admission plugin (validating, runs last): rejects a create or update that would
/// exceed a ResourceQuota of its namespace and charges what it admits into the quota's <c>status.used</c>
/// before the object is written, so concurrent requests cannot together pass a limit.
/// </summary>
/// <remarks>
/// <code>
/// request ─► evaluator.Handles? ─► lock(namespace) ─► read quotas (consistent) ─► fill missing status.used
///        ─► QuotaCheck (all quotas; 403 leaves nothing written) ─► per changed quota: compare-and-swap
///           status.used, re-checking against the quota as stored ─► unlock ─► the object is written
/// </code>
/// Limits are read from <c>spec.hard</c> (kube reads <c>status.hard</c>, which the controller copies from
/// spec), so a quota takes effect as soon as it is created. Usage not yet computed by the controller is
/// computed from the watch cache. Deletes are not charged; the quota controller recomputes usage from the
/// objects. Dry-run requests are checked but not charged. Subresources are ignored except pods/resize.
/// </remarks>
public sealed class ResourceQuotaAdmission : IAdmissionPlugin
{
    private const int LockStripes = 64;

    private readonly Func<RestStorage> _storage;
    private readonly QuotaRegistry _registry;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly WriteOptions _writeOptions = new() { FieldManager = "resourcequota-admission", UserAgent = "kube-apiserver" };

    public ResourceQuotaAdmission(Func<RestStorage> storage, QuotaRegistry registry, TimeProvider time)
    {
        _storage = storage;
        _registry = registry;
        _time = time;
    }

    public string Name => "ResourceQuota";

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation is not (AdmissionRequest.Create or AdmissionRequest.Update) || request.Object is null
            || !request.Resource.Namespaced || string.IsNullOrEmpty(request.Namespace))
        {
            return;
        }
        if (request.Subresource.Length > 0 && !(request.Resource.Group.Length == 0 && request.Resource.Resource == "pods" && request.Subresource == "resize"))
        {
            return;
        }
        var group = request.Resource.Group;
        var resource = request.Resource.Resource;
        if (QuotaRegistry.Ignored(group, resource))
        {
            return;
        }
        var evaluator = _registry.Get(group, resource);
        if (evaluator is ObjectCountEvaluator && request.Operation != AdmissionRequest.Create)
        {
            // Counted objects are charged on create only; skip the quota lookup for their updates.
            return;
        }
        var s = _storage();
        var quotaInfo = s.Kinds.Find("", "v1", "resourcequotas");
        if (quotaInfo is null || (await s.FreshCacheAsync(quotaInfo, cancellationToken).ConfigureAwait(false)).List(request.Namespace).Length == 0)
        {
            return;
        }
        var item = evaluator.Decode(request.Object);
        var oldItem = request.OldObject is null ? null : evaluator.Decode(request.OldObject);
        if (!evaluator.Handles(request.Operation, request.Subresource, item, oldItem))
        {
            return;
        }
        var subject = new QuotaSubject(resource, group, request.Name, request.Operation, item, oldItem);
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(request.Namespace) % LockStripes)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckAndChargeAsync(s, quotaInfo, request, evaluator, subject, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async ValueTask CheckAndChargeAsync(RestStorage s, ResourceInfo quotaInfo, AdmissionRequest request, IQuotaEvaluator evaluator,
        QuotaSubject subject, CancellationToken ct)
    {
        var list = await s.ListAsync(quotaInfo, request.Namespace, ListOptions.Everything, ct).ConfigureAwait(false);
        var quotas = new List<V1ResourceQuota>();
        foreach (var o in list.Items)
        {
            if (TryDecode(KubeJson.ParseObject(o.Json)) is { } q)
            {
                quotas.Add(q);
            }
        }
        if (quotas.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow();
        var states = quotas.Select(q => State(s, q, request.Namespace, evaluator, now)).ToList();
        var charges = QuotaCheck.Check(states, evaluator, subject, now);
        if (charges.Count == 0 || request.Options.DryRun)
        {
            return;
        }
        foreach (var index in charges.Keys.Order())
        {
            var name = quotas[index].Metadata.Name;
            try
            {
                await s.RawUpdateAsync(quotaInfo, request.Namespace, name, current => Charge(s, current, quotas[index], request.Namespace, evaluator,
                    subject, now), _writeOptions, ct).ConfigureAwait(false);
            }
            catch (Api.Errors.StatusException e) when (e.Code == 404)
            {
                // The quota was deleted meanwhile: it limits nothing any more.
            }
        }
    }

    /// <summary>Charges the admitted usage into a quota as stored now, checked again (the controller may have rewritten its usage).</summary>
    private JsonObject Charge(RestStorage s, JsonObject current, V1ResourceQuota read, string ns, IQuotaEvaluator evaluator, QuotaSubject subject,
        DateTimeOffset now)
    {
        var fresh = TryDecode(current) ?? read;
        var charged = QuotaCheck.Check([State(s, fresh, ns, evaluator, now)], evaluator, subject, now);
        if (!charged.TryGetValue(0, out var used))
        {
            return current;
        }
        // Only status changes; spec stays as the user wrote it, status.hard is its canonical copy (as the controller writes it).
        var status = current["status"] as JsonObject ?? new JsonObject();
        status["hard"] = ResourceLists.ToJson(ResourceLists.FromJson(current["spec"]?["hard"]));
        status["used"] = ResourceLists.ToJson(used);
        current["status"] = status;
        return current;
    }

    private static V1ResourceQuota? TryDecode(JsonObject obj)
    {
        try
        {
            var q = KubeJson.Deserialize<V1ResourceQuota>(obj);
            return q.Metadata?.Name is null ? null : q;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// The quota's limits and usage. Usage of the resources this request could charge that the controller
    /// has not computed yet (a new quota, a new hard resource) is computed from the watch cache.
    /// </summary>
    private QuotaState State(RestStorage s, V1ResourceQuota quota, string ns, IQuotaEvaluator evaluator, DateTimeOffset now)
    {
        var hard = ResourceLists.Copy(quota.Spec?.Hard);
        var scopes = QuotaUsage.Scopes(quota.Spec);
        var used = ResourceLists.Copy(quota.Status?.Used);
        var missing = evaluator.MatchingResources(hard.Keys).Where(k => !used.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (k, v) in QuotaUsage.Calculate(missing, scopes, _registry, e => CachedItems(s, e, ns), now))
            {
                used.TryAdd(k, v);
            }
        }
        return new QuotaState(quota.Metadata.Name, hard, scopes, used);
    }

    private static IEnumerable<object> CachedItems(RestStorage s, IQuotaEvaluator evaluator, string ns)
    {
        var info = s.Kinds.All.FirstOrDefault(r => r.Group == evaluator.Group && r.Resource == evaluator.Resource && r.Preferred && r.Namespaced);
        if (info is null)
        {
            yield break;
        }
        foreach (var o in s.Cache.Resource(ObjectCodec.Prefix(info)).List(ns))
        {
            yield return evaluator.Decode(KubeJson.ParseObject(o.Json));
        }
    }
}
