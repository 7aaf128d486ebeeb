using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Pods;

/// <summary>
/// qos.ComputePodQOS: Guaranteed when every container sets cpu and memory limits and all requests equal
/// limits, BestEffort when nothing is requested or limited, otherwise Burstable. Init containers count;
/// ephemeral containers cannot set resources. (Pod-level resources are alpha and off in 1.33.)
/// </summary>
public static class PodQos
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    /// <summary>The QoS class of a pod spec (JSON), after defaulting.</summary>
    public static string Compute(JsonObject? spec)
    {
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var guaranteed = true;
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            var containers = spec.Arr(list);
            for (var i = 0; i < containers.Count(); i++)
            {
                var resources = containers.At(i).Obj("resources");
                foreach (var (name, q) in ResourceNames.Read(resources.Obj("requests")))
                {
                    if (name is "cpu" or "memory" && q.Sign > 0)
                    {
                        requests[name] = requests.TryGetValue(name, out var sum) ? q + sum : q;
                    }
                }
                bool cpuLimit = false, memoryLimit = false;
                foreach (var (name, q) in ResourceNames.Read(resources.Obj("limits")))
                {
                    if (name is "cpu" or "memory" && q.Sign > 0)
                    {
                        cpuLimit |= name == "cpu";
                        memoryLimit |= name == "memory";
                        limits[name] = limits.TryGetValue(name, out var sum) ? q + sum : q;
                    }
                }
                if (!cpuLimit || !memoryLimit)
                {
                    guaranteed = false;
                }
            }
        }
        if (requests.Count == 0 && limits.Count == 0)
        {
            return BestEffort;
        }
        if (guaranteed)
        {
            foreach (var (name, req) in requests)
            {
                if (!limits.TryGetValue(name, out var lim) || lim.CompareTo(req) != 0)
                {
                    guaranteed = false;
                    break;
                }
            }
        }
        return guaranteed && requests.Count == limits.Count ? Guaranteed : Burstable;
    }
}
