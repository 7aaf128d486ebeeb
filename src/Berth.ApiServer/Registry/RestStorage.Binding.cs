using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Objects;

namespace Berth.ApiServer.Registry;

public sealed partial class RestStorage
{
    private EvictionService? _eviction;

    /// <summary>The pods/eviction subresource (PodDisruptionBudget-aware delete).</summary>
    public EvictionService Eviction => _eviction ??= new EvictionService(this);

    /// <summary>Assigns a pod to a node as kube's binding REST does: once only, and with PodScheduled=True.</summary>
    public async Task BindAsync(string ns, string name, string node, IDictionary<string, string>? annotations, WriteOptions options, CancellationToken ct)
    {
        var pods = Kinds.Find("", "v1", "pods")!;
        await RawUpdateAsync(pods, ns, name, pod =>
        {
            if (ObjectMeta.DeletionTimestamp(pod) is not null)
            {
                throw StatusException.Conflict("pods", "", name, "pod is being deleted, cannot be assigned to a host");
            }
            var spec = pod["spec"] as JsonObject ?? new JsonObject();
            if (!string.IsNullOrEmpty(spec["nodeName"]?.GetValue<string>()))
            {
                throw StatusException.Conflict("pods", "", name, $"pod {name} is already assigned to node \"{spec["nodeName"]!.GetValue<string>()}\"");
            }
            spec["nodeName"] = node;
            pod["spec"] = spec;
            if (annotations is { Count: > 0 })
            {
                var meta = ObjectMeta.Metadata(pod);
                var a = meta["annotations"] as JsonObject ?? new JsonObject();
                foreach (var (k, v) in annotations)
                {
                    a[k] = v;
                }
                meta["annotations"] = a;
            }
            var status = pod["status"] as JsonObject ?? new JsonObject();
            pod["status"] = status;
            var conditions = status["conditions"] as JsonArray ?? new JsonArray();
            status["conditions"] = conditions;
            var existing = conditions.FirstOrDefault(c => c?["type"]?.GetValue<string>() == "PodScheduled");
            if (existing is not null)
            {
                conditions.Remove(existing);
            }
            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
            return pod;
        }, options, ct).ConfigureAwait(false);
    }

}
