using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Kinds;

namespace Berth.ApiServer.Registry;

/// <summary>
/// Converts objects between a served version and the storage version where a resource is served in
/// more than one version. Today that is HorizontalPodAutoscaler: stored as autoscaling/v2, served as
/// v1 too, with the v2-only parts kept in the annotations kube-apiserver uses for the round trip.
/// </summary>
public sealed class VersionConverter
{
    private const string MetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    private const string CurrentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
    private const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    private const string BehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";

    /// <summary>Whether objects of <paramref name="info"/> are stored in another version.</summary>
    public bool NeedsConversion(ResourceInfo info) =>
        (info.Group == "autoscaling" && info.Version == "v1")
        || (info.ModelType is null && info.StorageVersion is not null && info.StorageVersion != info.Version);

    /// <summary>The stored form of an object received in <paramref name="info"/>'s version.</summary>
    public JsonObject ToStorage(ResourceInfo info, JsonObject obj)
    {
        if (!NeedsConversion(info))
        {
            return obj;
        }
        if (info.ModelType is null)
        {
            // CRD conversion strategy None: only apiVersion changes.
            var copy = (JsonObject)obj.DeepClone();
            copy["apiVersion"] = info.Group + "/" + info.StorageVersion;
            return copy;
        }
        return HpaV1ToV2(obj);
    }

    /// <summary>The object in <paramref name="info"/>'s version, from its stored form.</summary>
    public JsonObject FromStorage(ResourceInfo info, JsonObject stored)
    {
        if (!NeedsConversion(info))
        {
            return stored;
        }
        if (info.ModelType is null)
        {
            stored["apiVersion"] = info.ApiVersion;
            return stored;
        }
        return HpaV2ToV1(stored);
    }

    private static JsonObject HpaV2ToV1(JsonObject v2)
    {
        var v1 = new JsonObject
        {
            ["apiVersion"] = "autoscaling/v1",
            ["kind"] = "HorizontalPodAutoscaler",
            ["metadata"] = v2["metadata"]?.DeepClone() ?? new JsonObject(),
        };
        var meta = (JsonObject)v1["metadata"]!;
        var annotations = meta["annotations"] as JsonObject ?? new JsonObject();
        var spec = v2["spec"] as JsonObject ?? new JsonObject();
        var v1Spec = new JsonObject
        {
            ["scaleTargetRef"] = spec["scaleTargetRef"]?.DeepClone(),
            ["maxReplicas"] = spec["maxReplicas"]?.DeepClone(),
        };
        if (spec["minReplicas"] is { } min)
        {
            v1Spec["minReplicas"] = min.DeepClone();
        }
        var others = new JsonArray();
        if (spec["metrics"] is JsonArray metrics)
        {
            foreach (var m in metrics)
            {
                if (m?["type"]?.GetValue<string>() == "Resource" && m["resource"]?["name"]?.GetValue<string>() == "cpu"
                    && m["resource"]?["target"]?["type"]?.GetValue<string>() == "Utilization" && !v1Spec.ContainsKey("targetCPUUtilizationPercentage"))
                {
                    v1Spec["targetCPUUtilizationPercentage"] = m["resource"]!["target"]!["averageUtilization"]?.DeepClone();
                }
                else if (m is not null)
                {
                    others.Add(m.DeepClone());
                }
            }
        }
        if (others.Count > 0)
        {
            annotations[MetricsAnnotation] = others.ToJsonString();
        }
        if (spec["behavior"] is { } behavior)
        {
            annotations[BehaviorAnnotation] = behavior.ToJsonString();
        }
        v1["spec"] = v1Spec;
        if (v2["status"] is JsonObject status)
        {
            var v1Status = new JsonObject();
            foreach (var f in new[] { "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas" })
            {
                if (status[f] is { } v)
                {
                    v1Status[f] = v.DeepClone();
                }
            }
            v1Status["currentReplicas"] ??= 0;
            v1Status["desiredReplicas"] ??= 0;
            if (status["currentMetrics"] is JsonArray current)
            {
                var otherCurrent = new JsonArray();
                foreach (var m in current)
                {
                    if (m?["type"]?.GetValue<string>() == "Resource" && m["resource"]?["name"]?.GetValue<string>() == "cpu"
                        && m["resource"]?["current"]?["averageUtilization"] is { } util)
                    {
                        v1Status["currentCPUUtilizationPercentage"] = util.DeepClone();
                    }
                    else if (m is not null)
                    {
                        otherCurrent.Add(m.DeepClone());
                    }
                }
                if (otherCurrent.Count > 0)
                {
                    annotations[CurrentMetricsAnnotation] = otherCurrent.ToJsonString();
                }
            }
            if (status["conditions"] is JsonArray conditions && conditions.Count > 0)
            {
                annotations[ConditionsAnnotation] = conditions.ToJsonString();
            }
            v1["status"] = v1Status;
        }
        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }
        return v1;
    }

    private static JsonObject HpaV1ToV2(JsonObject v1)
    {
        var v2 = new JsonObject
        {
            ["apiVersion"] = "autoscaling/v2",
            ["kind"] = "HorizontalPodAutoscaler",
            ["metadata"] = v1["metadata"]?.DeepClone() ?? new JsonObject(),
        };
        var meta = (JsonObject)v2["metadata"]!;
        var annotations = meta["annotations"] as JsonObject;
        var spec = v1["spec"] as JsonObject ?? new JsonObject();
        var v2Spec = new JsonObject
        {
            ["scaleTargetRef"] = spec["scaleTargetRef"]?.DeepClone(),
            ["maxReplicas"] = spec["maxReplicas"]?.DeepClone(),
        };
        if (spec["minReplicas"] is { } min)
        {
            v2Spec["minReplicas"] = min.DeepClone();
        }
        var metrics = new JsonArray();
        if (spec["targetCPUUtilizationPercentage"] is { } cpu)
        {
            metrics.Add(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = cpu.DeepClone() },
                },
            });
        }
        foreach (var m in TakeArray(annotations, MetricsAnnotation))
        {
            metrics.Add(m);
        }
        if (metrics.Count > 0)
        {
            v2Spec["metrics"] = metrics;
        }
        if (Take(annotations, BehaviorAnnotation) is { } behavior)
        {
            v2Spec["behavior"] = behavior;
        }
        v2["spec"] = v2Spec;
        var currentMetrics = TakeArray(annotations, CurrentMetricsAnnotation);
        var conditions = TakeArray(annotations, ConditionsAnnotation);
        if (v1["status"] is JsonObject status)
        {
            var v2Status = new JsonObject();
            foreach (var f in new[] { "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas" })
            {
                if (status[f] is { } v)
                {
                    v2Status[f] = v.DeepClone();
                }
            }
            var current = new JsonArray();
            if (status["currentCPUUtilizationPercentage"] is { } util)
            {
                current.Add(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject
                    {
                        ["name"] = "cpu",
                        ["current"] = new JsonObject { ["averageUtilization"] = util.DeepClone() },
                    },
                });
            }
            foreach (var m in currentMetrics)
            {
                current.Add(m);
            }
            if (current.Count > 0)
            {
                v2Status["currentMetrics"] = current;
            }
            if (conditions.Count > 0)
            {
                v2Status["conditions"] = new JsonArray(conditions.ToArray());
            }
            v2["status"] = v2Status;
        }
        if (annotations is { Count: 0 })
        {
            meta.Remove("annotations");
        }
        return v2;
    }

    private static JsonNode? Take(JsonObject? annotations, string key)
    {
        if (annotations?[key] is not JsonValue v || !v.TryGetValue<string>(out var s))
        {
            return null;
        }
        annotations.Remove(key);
        try
        {
            return JsonNode.Parse(s);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static List<JsonNode> TakeArray(JsonObject? annotations, string key)
    {
        var list = new List<JsonNode>();
        if (Take(annotations, key) is JsonArray a)
        {
            foreach (var item in a.ToList())
            {
                if (item is not null)
                {
                    a.Remove(item);
                    list.Add(item);
                }
            }
        }
        return list;
    }

    /// <summary>Converts JSON bytes of a stored object for a response in <paramref name="info"/>'s version.</summary>
    public byte[] ConvertBytes(ResourceInfo info, byte[] storedJson) =>
        NeedsConversion(info) ? KubeJson.ToBytes(FromStorage(info, KubeJson.ParseObject(storedJson))) : storedJson;
}
