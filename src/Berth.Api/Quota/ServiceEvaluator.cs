using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Quota usage of services (kube's serviceEvaluator): <c>services</c>, <c>count/services</c>,
/// <c>services.nodeports</c> (one per port of a NodePort or LoadBalancer service) and
/// <c>services.loadbalancers</c>. Charged on create and update, since the type can change.
/// </summary>
public sealed class ServiceEvaluator : IQuotaEvaluator
{
    public const string CountName = "count/services";

    private static readonly string[] Names = [CountName, "services", "services.nodeports", "services.loadbalancers"];

    public string Group => "";

    public string Resource => "services";

    public object Decode(JsonObject obj)
    {
        try
        {
            return KubeJson.Deserialize<V1Service>(obj);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return new V1Service();
        }
    }

    public bool Handles(string operation, string subresource, object? item, object? oldItem) => operation is "CREATE" or "UPDATE";

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) => names.Where(n => Names.Contains(n)).ToList();

    public bool MatchesScope(V1ScopedResourceSelectorRequirement scope, object item) => false;

    public string? Constraints(IReadOnlyCollection<string> required, object item) => null;

    public Dictionary<string, ResourceQuantity> Usage(object item, DateTimeOffset now)
    {
        var svc = item as V1Service;
        var ports = svc?.Spec?.Ports?.Count ?? 0;
        var result = ResourceLists.Empty();
        result[CountName] = QuantityMath.Count(1);
        result["services"] = QuantityMath.Count(1);
        result["services.loadbalancers"] = QuantityMath.Zero;
        result["services.nodeports"] = QuantityMath.Zero;
        switch (svc?.Spec?.Type)
        {
            case "NodePort":
                result["services.nodeports"] = QuantityMath.Count(ports);
                break;
            case "LoadBalancer":
                // With node-port allocation turned off, only ports that ask for a node port use one.
                var nodePorts = svc.Spec.AllocateLoadBalancerNodePorts == false
                    ? svc.Spec.Ports?.Count(p => p.NodePort is > 0) ?? 0
                    : ports;
                result["services.nodeports"] = QuantityMath.Count(nodePorts);
                result["services.loadbalancers"] = QuantityMath.Count(1);
                break;
        }
        return result;
    }
}
