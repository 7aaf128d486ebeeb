using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Client;
using Berth.Client.Informers;
using Berth.Simulation;

namespace Berth.Integration.Workloads;

/// <summary>
/// TEST ONLY, TEMPORARY: binds unscheduled pods to simulated nodes until Berth's scheduler lands; then
/// delete this file and <see cref="WorkloadFixture.UseTestBinder"/>. It honours what the workload tests
/// need and nothing more: DaemonSet pods' required node affinity on <c>metadata.name</c>, nodeSelector,
/// and NoSchedule/NoExecute taints against tolerations; other pods go round-robin.
/// </summary>
public sealed class TestBinder : IAsyncDisposable
{
    private readonly IApiClient _client;
    private readonly IReadOnlyList<SimulatedNodeSpec> _nodes;
    private readonly Informer<JsonObject> _pods;
    private readonly ConcurrentDictionary<string, byte> _bound = new(StringComparer.Ordinal);
    private readonly System.Threading.Channels.Channel<JsonObject> _work = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _next;

    public TestBinder(IApiClient client, IReadOnlyList<SimulatedNodeSpec> nodes)
    {
        _client = client;
        _nodes = nodes;
        _pods = new Informer<JsonObject>(client, client.Kinds.Find("", "v1", "pods")!, o => o,
            request: new ListRequest { FieldSelector = "spec.nodeName=" });
        _pods.Added += p => _work.Writer.TryWrite(p);
        _pods.Updated += (_, p) => _work.Writer.TryWrite(p);
        _pods.Start();
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        try
        {
            await foreach (var pod in _work.Reader.ReadAllAsync(_stop.Token))
            {
                var meta = (JsonObject)pod["metadata"]!;
                var uid = meta["uid"]!.GetValue<string>();
                if (meta["deletionTimestamp"] is not null || pod["spec"]?["nodeName"] is not null || _bound.ContainsKey(uid))
                {
                    continue;
                }
                var node = Choose(pod);
                if (node is null)
                {
                    continue;
                }
                try
                {
                    await _client.CreateSubresourceAsync(_pods.Resource, meta["namespace"]!.GetValue<string>(), meta["name"]!.GetValue<string>(), "binding",
                        new JsonObject
                        {
                            ["apiVersion"] = "v1",
                            ["kind"] = "Binding",
                            ["metadata"] = new JsonObject { ["name"] = meta["name"]!.GetValue<string>(), ["uid"] = uid },
                            ["target"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = node },
                        }, _stop.Token);
                    _bound[uid] = 0;
                }
                catch (StatusException)
                {
                    // Gone or already bound.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string? Choose(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject;
        var candidates = _nodes.Where(n => Fits(spec, n)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        return candidates[Interlocked.Increment(ref _next) % candidates.Count].Name;
    }

    private static bool Fits(JsonObject? spec, SimulatedNodeSpec node)
    {
        var labels = new Dictionary<string, string>(node.Labels) { ["kubernetes.io/hostname"] = node.Name };
        if (spec?["nodeSelector"] is JsonObject selector && selector.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value?.GetValue<string>()))
        {
            return false;
        }
        if (spec?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] is JsonArray terms && terms.Count > 0)
        {
            var anyTerm = terms.Any(t => (t?["matchFields"] as JsonArray ?? []).All(f =>
                f?["key"]?.GetValue<string>() == "metadata.name" && f["operator"]?.GetValue<string>() == "In"
                && (f["values"] as JsonArray ?? []).Any(v => v?.GetValue<string>() == node.Name)));
            if (!anyTerm)
            {
                return false;
            }
        }
        var tolerations = spec?["tolerations"] as JsonArray ?? [];
        foreach (var (key, value, effect) in node.Taints)
        {
            if (effect is not ("NoSchedule" or "NoExecute"))
            {
                continue;
            }
            var tolerated = tolerations.Any(t =>
            {
                var tk = t?["key"]?.GetValue<string>();
                var op = t?["operator"]?.GetValue<string>() ?? "Equal";
                var te = t?["effect"]?.GetValue<string>();
                return (te is null || te == effect) && (tk is null ? op == "Exists" : tk == key && (op == "Exists" || t?["value"]?.GetValue<string>() == value));
            });
            if (!tolerated)
            {
                return false;
            }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _work.Writer.TryComplete();
        await _loop;
        await _pods.DisposeAsync();
        _stop.Dispose();
    }
}
