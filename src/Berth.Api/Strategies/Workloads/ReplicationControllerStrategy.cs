using System.Text.Json.Nodes;
using Berth.Api.Selectors;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>ReplicationControllers (core/v1): selector and labels default from the template.</summary>
public sealed class ReplicationControllerStrategy : KindStrategy
{
    public static readonly ReplicationControllerStrategy Instance = new();

    private ReplicationControllerStrategy()
        : base(typeof(V1ReplicationController))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        if (spec.Obj("template").Obj("metadata").Obj("labels") is { } labels)
        {
            if (spec.Obj("selector") is not { Count: > 0 })
            {
                spec["selector"] = labels.DeepClone();
            }
            var meta = obj.Ensure("metadata");
            if (meta.Obj("labels") is not { Count: > 0 })
            {
                meta["labels"] = labels.DeepClone();
            }
        }
        spec.DefaultPtr("replicas", 1);
        PodDefaults.Template(spec.Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        Check.Nonnegative(spec.Int("minReadySeconds") ?? 0, path.Child("minReadySeconds"), errs);
        var selector = spec.Obj("selector");
        if (selector is not { Count: > 0 })
        {
            errs.Add(FieldError.Required(path.Child("selector")));
        }
        Check.Nonnegative(spec.Int("replicas") ?? 0, path.Child("replicas"), errs);
        var template = spec.Obj("template");
        if (template is null)
        {
            errs.Add(FieldError.Required(path.Child("template")));
            return;
        }
        var parsed = LabelSelector.FromMap(spec.StringMap("selector"));
        WorkloadValidation.TemplateForSelector(template, parsed, path.Child("template"), "ReplicationController", errs);
    }
}
