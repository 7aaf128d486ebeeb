using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>PodTemplates (core/v1).</summary>
public sealed class PodTemplateStrategy : KindStrategy
{
    public static readonly PodTemplateStrategy Instance = new();

    private PodTemplateStrategy()
        : base(typeof(V1PodTemplate))
    {
    }

    protected override void SetDefaults(JsonObject obj) => PodDefaults.Template(obj.Obj("template"));

    protected override void Validate(JsonObject obj, List<FieldError> errs) =>
        PodValidation.TemplateSpec(obj.Obj("template"), FieldPath.New("template"), errs);
}
