using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Autoscaling;

/// <summary>
/// HorizontalPodAutoscalers in both served shapes, chosen by <c>apiVersion</c>: autoscaling/v2 (metrics,
/// behavior with kube's default scale-up and scale-down rules filled in) and autoscaling/v1
/// (targetCPUUtilizationPercentage, which reads back as 80 when unset because kube converts the missing
/// target to the default CPU metric). Errors use the internal field paths, as kube reports them.
/// </summary>
public sealed class HorizontalPodAutoscalerStrategy : KindStrategy
{
    public static readonly HorizontalPodAutoscalerStrategy Instance = new();

    private const int DefaultCpuUtilization = 80;
    private static readonly string[] MetricSourceTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"];

    private HorizontalPodAutoscalerStrategy()
        : base(typeof(V2HorizontalPodAutoscaler))
    {
    }

    private static bool IsV1(JsonObject obj) => obj.S("apiVersion") == "autoscaling/v1";

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.DefaultPtr("minReplicas", 1);
        if (IsV1(obj))
        {
            spec.DefaultPtr("targetCPUUtilizationPercentage", DefaultCpuUtilization);
            return;
        }
        if (spec.Arr("metrics").Count() == 0)
        {
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = DefaultCpuUtilization },
                },
            });
        }
        if (spec.Obj("behavior") is { } behavior)
        {
            behavior["scaleUp"] = Rules(behavior.Obj("scaleUp"), up: true);
            behavior["scaleDown"] = Rules(behavior.Obj("scaleDown"), up: false);
        }
    }

    // GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the defaults with the user's non-nil fields copied over.
    private static JsonObject Rules(JsonObject? from, bool up)
    {
        var rules = up
            ? new JsonObject
            {
                ["stabilizationWindowSeconds"] = 0,
                ["selectPolicy"] = "Max",
                ["policies"] = new JsonArray(
                    new JsonObject { ["type"] = "Pods", ["value"] = 4, ["periodSeconds"] = 15 },
                    new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 }),
            }
            : new JsonObject
            {
                ["selectPolicy"] = "Max",
                ["policies"] = new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 }),
            };
        if (from is not null)
        {
            foreach (var f in (ReadOnlySpan<string>)["selectPolicy", "stabilizationWindowSeconds", "policies", "tolerance"])
            {
                if (from[f] is { } v)
                {
                    rules[f] = v.DeepClone();
                }
            }
        }
        return rules;
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj, minReplicasLowerBound: 1, errs);

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs) =>
        ValidateSpec(obj, old.Obj("spec").Int("minReplicas") == 0 ? 0 : 1, errs);

    private static void ValidateSpec(JsonObject obj, int minReplicasLowerBound, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        var min = spec.Int("minReplicas");
        var max = spec.Int("maxReplicas") ?? 0;
        if (min is { } m && m < minReplicasLowerBound)
        {
            errs.Add(FieldError.Invalid(path.Child("minReplicas"), m, $"must be greater than or equal to {minReplicasLowerBound}"));
        }
        if (max < 1)
        {
            errs.Add(FieldError.Invalid(path.Child("maxReplicas"), max, "must be greater than 0"));
        }
        if (min is { } m2 && max < m2)
        {
            errs.Add(FieldError.Invalid(path.Child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"));
        }
        CrossVersionObjectReference(spec.Obj("scaleTargetRef"), path.Child("scaleTargetRef"), errs);
        if (IsV1(obj))
        {
            // The v1 target converts to metrics[0] of the internal type.
            if (spec.Int("targetCPUUtilizationPercentage") is { } cpu && cpu < 1)
            {
                errs.Add(FieldError.Invalid(path.Child("metrics").Index(0).Child("resource", "target", "averageUtilization"), cpu, "must be greater than 0"));
            }
            return;
        }
        var metrics = spec.Arr("metrics");
        var hasObjectOrExternal = false;
        for (var i = 0; i < metrics.Count(); i++)
        {
            var metric = metrics.At(i) ?? new JsonObject();
            MetricSpec(metric, path.Child("metrics").Index(i), errs);
            hasObjectOrExternal |= metric.S("type") is "Object" or "External";
        }
        if (min == 0 && !hasObjectOrExternal)
        {
            errs.Add(FieldError.Forbidden(path.Child("metrics"), "must specify at least one Object or External metric to support scaling to zero replicas"));
        }
        if (spec.Obj("behavior") is { } behavior)
        {
            ScalingRules(behavior.Obj("scaleUp"), path.Child("behavior", "scaleUp"), errs);
            ScalingRules(behavior.Obj("scaleDown"), path.Child("behavior", "scaleDown"), errs);
        }
    }

    private static void CrossVersionObjectReference(JsonObject? reference, FieldPath path, List<FieldError> errs)
    {
        foreach (var f in (ReadOnlySpan<string>)["kind", "name"])
        {
            var v = reference.S(f);
            if (v.Length == 0)
            {
                errs.Add(FieldError.Required(path.Child(f)));
            }
            else
            {
                foreach (var m in NameRules.PathSegmentName(v))
                {
                    errs.Add(FieldError.Invalid(path.Child(f), v, m));
                }
            }
        }
    }

    private static void ScalingRules(JsonObject? rules, FieldPath path, List<FieldError> errs)
    {
        if (rules is null)
        {
            return;
        }
        if (rules.Int("stabilizationWindowSeconds") is { } sws)
        {
            if (sws < 0)
            {
                errs.Add(FieldError.Invalid(path.Child("stabilizationWindowSeconds"), sws, "must be greater than or equal to zero"));
            }
            if (sws > 3600)
            {
                errs.Add(FieldError.Invalid(path.Child("stabilizationWindowSeconds"), sws, "must be less than or equal to 3600"));
            }
        }
        if (rules.Str("selectPolicy") is { } sp && sp is not ("Disabled" or "Max" or "Min"))
        {
            errs.Add(FieldError.NotSupported(path.Child("selectPolicy"), sp, ["Disabled", "Max", "Min"]));
        }
        var policies = rules.Arr("policies");
        if (policies.Count() == 0)
        {
            errs.Add(FieldError.Required(path.Child("policies"), "must specify at least one Policy"));
        }
        for (var i = 0; i < policies.Count(); i++)
        {
            var p = policies.At(i);
            var pp = path.Child("policies").Index(i);
            var type = p.S("type");
            if (type is not ("Pods" or "Percent"))
            {
                errs.Add(FieldError.NotSupported(pp.Child("type"), type, ["Percent", "Pods"]));
            }
            var value = p.Int("value") ?? 0;
            if (value <= 0)
            {
                errs.Add(FieldError.Invalid(pp.Child("value"), value, "must be greater than zero"));
            }
            var period = p.Int("periodSeconds") ?? 0;
            if (period <= 0)
            {
                errs.Add(FieldError.Invalid(pp.Child("periodSeconds"), period, "must be greater than zero"));
            }
            if (period > 1800)
            {
                errs.Add(FieldError.Invalid(pp.Child("periodSeconds"), period, "must be less than or equal to 1800"));
            }
        }
    }

    private static void MetricSpec(JsonObject spec, FieldPath path, List<FieldError> errs)
    {
        var type = spec.S("type");
        if (type.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("type"), "must specify a metric source type"));
        }
        if (Array.IndexOf(MetricSourceTypes, type) < 0)
        {
            errs.Add(FieldError.NotSupported(path.Child("type"), type, MetricSourceTypes));
        }
        var present = new List<string>();
        foreach (var source in (ReadOnlySpan<string>)["object", "external", "pods", "resource", "containerResource"])
        {
            if (spec.Obj(source) is not { } src)
            {
                continue;
            }
            present.Add(source);
            if (present.Count != 1)
            {
                continue;
            }
            var sp = path.Child(source);
            switch (source)
            {
                case "object":
                    CrossVersionObjectReference(src.Obj("describedObject"), sp.Child("describedObject"), errs);
                    MetricIdentifier(src.Obj("metric"), sp.Child("metric"), errs);
                    MetricTarget(src.Obj("target"), sp.Child("target"), errs);
                    if (!src.Obj("target").Has("value") && !src.Obj("target").Has("averageValue"))
                    {
                        errs.Add(FieldError.Required(sp.Child("target", "averageValue"), "must set either a target value or averageValue"));
                    }
                    break;
                case "external":
                    MetricIdentifier(src.Obj("metric"), sp.Child("metric"), errs);
                    MetricTarget(src.Obj("target"), sp.Child("target"), errs);
                    var target = src.Obj("target");
                    if (!target.Has("value") && !target.Has("averageValue"))
                    {
                        errs.Add(FieldError.Required(sp.Child("target", "averageValue"), "must set either a target value for metric or a per-pod target"));
                    }
                    if (target.Has("value") && target.Has("averageValue"))
                    {
                        errs.Add(FieldError.Forbidden(sp.Child("target", "value"), "may not set both a target value for metric and a per-pod target"));
                    }
                    break;
                case "pods":
                    MetricIdentifier(src.Obj("metric"), sp.Child("metric"), errs);
                    MetricTarget(src.Obj("target"), sp.Child("target"), errs);
                    if (!src.Obj("target").Has("averageValue"))
                    {
                        errs.Add(FieldError.Required(sp.Child("target", "averageValue"), "must specify a positive target averageValue"));
                    }
                    break;
                case "resource" or "containerResource":
                    var name = src.S("name");
                    if (name.Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("name"), "must specify a resource name"));
                    }
                    else if (source == "containerResource")
                    {
                        ResourceNames.ValidateContainerResourceName(name, sp.Child("name"), errs);
                    }
                    if (source == "containerResource")
                    {
                        var container = src.S("container");
                        if (container.Length == 0)
                        {
                            errs.Add(FieldError.Required(sp.Child("container"), "must specify a container"));
                        }
                        else
                        {
                            Check.Dns1123Label(container, sp.Child("container"), errs);
                        }
                    }
                    MetricTarget(src.Obj("target"), sp.Child("target"), errs);
                    var t = src.Obj("target");
                    if (!t.Has("averageUtilization") && !t.Has("averageValue"))
                    {
                        errs.Add(FieldError.Required(sp.Child("target", "averageUtilization"), "must set either a target raw value or a target utilization"));
                    }
                    if (t.Has("averageUtilization") && t.Has("averageValue"))
                    {
                        errs.Add(FieldError.Forbidden(sp.Child("target", "averageValue"), "may not set both a target raw value and a target utilization"));
                    }
                    break;
            }
        }
        var expected = type switch
        {
            "Object" => "object",
            "Pods" => "pods",
            "Resource" => "resource",
            "External" => "external",
            "ContainerResource" => "containerResource",
            _ => null,
        };
        if (expected is null)
        {
            errs.Add(FieldError.NotSupported(path.Child("type"), type, MetricSourceTypes));
        }
        else if (!spec.Has(expected))
        {
            errs.Add(FieldError.Required(path.Child(expected), "must populate information for the given metric source"));
        }
        if (present.Count != 1)
        {
            foreach (var source in present)
            {
                if (source != expected)
                {
                    errs.Add(FieldError.Forbidden(path.Child(source), "must populate the given metric source only"));
                }
            }
        }
    }

    private static void MetricIdentifier(JsonObject? id, FieldPath path, List<FieldError> errs)
    {
        var name = id.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("name"), "must specify a metric name"));
            return;
        }
        foreach (var m in NameRules.PathSegmentName(name))
        {
            errs.Add(FieldError.Invalid(path.Child("name"), name, m));
        }
    }

    private static void MetricTarget(JsonObject? target, FieldPath path, List<FieldError> errs)
    {
        var type = target.S("type");
        if (type.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("type"), "must specify a metric target type"));
        }
        if (type is not ("Utilization" or "Value" or "AverageValue"))
        {
            errs.Add(FieldError.Invalid(path.Child("type"), type, "must be either Utilization, Value, or AverageValue"));
        }
        foreach (var f in (ReadOnlySpan<string>)["value", "averageValue"])
        {
            if (target.Has(f) && Check.ReadQuantity(target![f]) is { } q && q.Sign != 1)
            {
                errs.Add(FieldError.Invalid(path.Child(f), q.ToString(), "must be positive"));
            }
        }
        if (target.Int("averageUtilization") is { } u && u < 1)
        {
            errs.Add(FieldError.Invalid(path.Child("averageUtilization"), u, "must be greater than 0"));
        }
    }
}
