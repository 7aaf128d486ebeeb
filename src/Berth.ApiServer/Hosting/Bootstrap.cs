using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.ApiServer.Registry;

namespace Berth.ApiServer.Hosting;

/// <summary>
/// The objects every cluster starts with: the default, kube-system, kube-public and kube-node-lease
/// namespaces, the kubernetes Service, and the system priority classes. Created when absent.
/// </summary>
public static class Bootstrap
{
    public static async Task EnsureAsync(RestStorage storage, string kubernetesServiceIp, int securePort, CancellationToken ct)
    {
        var options = new WriteOptions { FieldManager = "berth-apiserver" };
        var namespaces = storage.Kinds.Find("", "v1", "namespaces")!;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            await CreateIfAbsentAsync(storage, namespaces, "", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject
                {
                    ["name"] = ns,
                    ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns },
                },
            }, options, ct).ConfigureAwait(false);
        }
        var services = storage.Kinds.Find("", "v1", "services")!;
        await CreateIfAbsentAsync(storage, services, "default", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kubernetes",
                ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = kubernetesServiceIp,
                ["ports"] = new JsonArray(new JsonObject
                {
                    ["name"] = "https",
                    ["port"] = 443,
                    ["protocol"] = "TCP",
                    ["targetPort"] = securePort,
                }),
                ["sessionAffinity"] = "None",
            },
        }, options, ct).ConfigureAwait(false);
        var priorityClasses = storage.Kinds.Find("scheduling.k8s.io", "v1", "priorityclasses")!;
        foreach (var (name, value, description) in new[]
        {
            ("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
            ("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."),
        })
        {
            await CreateIfAbsentAsync(storage, priorityClasses, "", new JsonObject
            {
                ["apiVersion"] = "scheduling.k8s.io/v1",
                ["kind"] = "PriorityClass",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["value"] = value,
                ["description"] = description,
                ["preemptionPolicy"] = "PreemptLowerPriority",
            }, options, ct).ConfigureAwait(false);
        }
    }

    private static async Task CreateIfAbsentAsync(RestStorage storage, Api.Kinds.ResourceInfo info, string ns, JsonObject obj, WriteOptions options, CancellationToken ct)
    {
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        if (await storage.Store.GetAsync(ObjectCodec.Key(info, ns, name), ct).ConfigureAwait(false) is not null)
        {
            return;
        }
        try
        {
            await storage.CreateAsync(info, ns, obj, options, ct).ConfigureAwait(false);
        }
        catch (StatusException e) when (e.Code == 409)
        {
        }
    }
}
