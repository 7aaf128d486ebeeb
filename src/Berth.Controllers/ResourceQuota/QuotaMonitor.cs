using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.Api.Quota;
using Berth.Client;
using Berth.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Berth.Controllers.ResourceQuota;

/// <summary>
/// Watches one counted resource for the quota controller (kube's QuotaMonitor): an informer, an index of
/// its objects by namespace, and their decoded forms, computed once per object version. Calls
/// <see cref="Changed"/> with the namespace whenever usage there may have gone down.
/// </summary>
internal sealed class QuotaMonitor : IAsyncDisposable
{
    private readonly Informer<JsonObject> _informer;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> _byNamespace = new(StringComparer.Ordinal);
    // Informer objects are replaced, never changed, so a decoded form stays valid for the instance's lifetime.
    private readonly ConditionalWeakTable<JsonObject, object> _decoded = new();
    private readonly TimeProvider _time;

    public QuotaMonitor(IApiClient client, ResourceInfo resource, IQuotaEvaluator evaluator, TimeProvider time, ILogger logger)
    {
        Evaluator = evaluator;
        _time = time;
        _informer = new Informer<JsonObject>(client, resource, o => o, logger: logger);
        // Creations are charged by admission, so only what frees usage triggers a recount (kube's replenishment):
        // a recount while another create is being admitted could drop that create's charge.
        _informer.Added += Index;
        _informer.Updated += (old, o) =>
        {
            Index(o);
            if (Freed(old, o))
            {
                Changed?.Invoke(Namespace(o));
            }
        };
        _informer.Deleted += o =>
        {
            if (_byNamespace.TryGetValue(Namespace(o), out var items))
            {
                items.TryRemove(Informer<JsonObject>.KeyOf(o), out _);
            }
            Changed?.Invoke(Namespace(o));
        };
    }

    public IQuotaEvaluator Evaluator { get; }

    /// <summary>Raised (on the informer's loop) with a namespace where usage may have gone down.</summary>
    public event Action<string>? Changed;

    public void Start() => _informer.Start();

    public Task WaitForSyncAsync(CancellationToken ct) => _informer.WaitForSyncAsync(ct);

    /// <summary>The decoded objects of one namespace.</summary>
    public IEnumerable<object> Items(string ns)
    {
        if (!_byNamespace.TryGetValue(ns, out var items))
        {
            yield break;
        }
        foreach (var o in items.Values)
        {
            yield return Decoded(o);
        }
    }

    private object Decoded(JsonObject o) => _decoded.GetValue(o, Evaluator.Decode);

    private static string Namespace(JsonObject o) => o["metadata"]?["namespace"]?.GetValue<string>() ?? "";

    private void Index(JsonObject o) =>
        _byNamespace.GetOrAdd(Namespace(o), _ => new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal))[Informer<JsonObject>.KeyOf(o)] = o;

    // Whether an update lowered some usage (a pod that finished, a service that stopped being a LoadBalancer).
    // Status-only churn (a pod's conditions) changes nothing and recounts nothing.
    private bool Freed(JsonObject old, JsonObject o)
    {
        var now = _time.GetUtcNow();
        var before = Evaluator.Usage(Decoded(old), now);
        var after = Evaluator.Usage(Decoded(o), now);
        foreach (var (name, q) in before)
        {
            if (!after.TryGetValue(name, out var a) || Api.Quantities.QuantityMath.Compare(a, q) < 0)
            {
                return true;
            }
        }
        return false;
    }

    public ValueTask DisposeAsync() => _informer.DisposeAsync();
}
