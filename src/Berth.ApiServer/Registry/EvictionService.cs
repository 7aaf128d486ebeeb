using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Kinds;
using Berth.Api.Selectors;
using k8s.Models;

namespace Berth.ApiServer.Registry;

/// <summary>
/// The pods/eviction subresource: a delete that honours PodDisruptionBudgets, as kube's eviction REST
/// does. A pod covered by a budget with no disruptions left gets 429 TooManyRequests; otherwise the
/// budget's disruptionsAllowed is spent (recorded in its status) and the pod is deleted.
/// </summary>
public sealed class EvictionService(RestStorage storage)
{
    public async Task EvictAsync(ResourceInfo pods, string ns, string name, V1DeleteOptions? deleteOptions, WriteOptions options, CancellationToken ct)
    {
        var pod = await storage.GetAsync(pods, ns, name, ct).ConfigureAwait(false);
        var phase = pod["status"]?["phase"]?.GetValue<string>();
        // Pods that are not running cannot disrupt anything; kube evicts them without a budget check.
        if (phase is "Pending" or "Succeeded" or "Failed" || pod["metadata"]?["deletionTimestamp"] is not null)
        {
            await storage.DeleteAsync(pods, ns, name, deleteOptions, options, ct).ConfigureAwait(false);
            return;
        }
        var pdbInfo = storage.Kinds.Find("policy", "v1", "poddisruptionbudgets")!;
        var labels = Api.Objects.ObjectMeta.Labels(pod);
        var list = await storage.ListAsync(pdbInfo, ns, ListOptions.Everything, ct).ConfigureAwait(false);
        var matching = new List<JsonObject>();
        foreach (var item in list.Items)
        {
            var pdb = KubeJson.ParseObject(item.Json);
            var selector = pdb["spec"]?["selector"] is JsonObject s ? LabelSelector.FromApi(KubeJson.Deserialize<V1LabelSelector>(s)) : LabelSelector.Nothing;
            if (selector.Matches(labels))
            {
                matching.Add(pdb);
            }
        }
        if (matching.Count > 1)
        {
            throw StatusException.Internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }
        if (matching.Count == 1)
        {
            var pdb = matching[0];
            var pdbName = pdb["metadata"]!["name"]!.GetValue<string>();
            var observed = JsonNumbers.Long(pdb["status"]?["observedGeneration"]) ?? 0;
            var generation = JsonNumbers.Long(pdb["metadata"]?["generation"]) ?? 0;
            var allowed = JsonNumbers.Int(pdb["status"]?["disruptionsAllowed"]) ?? 0;
            if (observed < generation || allowed <= 0)
            {
                throw TooManyRequests(pdbName, allowed, observed < generation);
            }
            await storage.RawUpdateAsync(pdbInfo, ns, pdbName, current =>
            {
                var status = current["status"] as JsonObject ?? new JsonObject();
                var left = JsonNumbers.Int(status["disruptionsAllowed"]) ?? 0;
                if (left <= 0)
                {
                    throw TooManyRequests(pdbName, left, false);
                }
                status["disruptionsAllowed"] = left - 1;
                var disrupted = status["disruptedPods"] as JsonObject ?? new JsonObject();
                disrupted[name] = storage.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                status["disruptedPods"] = disrupted;
                current["status"] = status;
                return current;
            }, options, ct).ConfigureAwait(false);
        }
        await storage.DeleteAsync(pods, ns, name, deleteOptions, options, ct).ConfigureAwait(false);
    }

    private static StatusException TooManyRequests(string pdb, int allowed, bool stale)
    {
        var e = StatusException.Create(429, "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
            new V1StatusDetails
            {
                Causes =
                [
                    new V1StatusCause
                    {
                        Reason = "DisruptionBudget",
                        Message = stale
                            ? $"The disruption budget {pdb} is still being processed by the server."
                            : $"The disruption budget {pdb} needs {1 - allowed} healthy pods and has 0 currently",
                    },
                ],
            });
        return e;
    }
}
