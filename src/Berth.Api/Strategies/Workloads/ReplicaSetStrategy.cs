using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>ReplicaSets (apps/v1).</summary>
public sealed class ReplicaSetStrategy : KindStrategy
{
    public static readonly ReplicaSetStrategy Instance = new();

    private ReplicaSetStrategy()
        : base(typeof(V1ReplicaSet))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.DefaultPtr("replicas", 1);
        PodDefaults.Template(spec.Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);

    /// <remarks>
    /// kube's rsStrategy.ValidateUpdate runs ValidateReplicaSet and ValidateReplicaSetUpdate, which
    /// both validate the spec, so each spec error is reported twice in the causes (the message dedupes).
    /// </remarks>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        Validate(obj, errs);
        WorkloadValidation.ImmutableSelector(obj, old, errs);
    }

    private static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        Check.Nonnegative(spec.Int("replicas") ?? 0, path.Child("replicas"), errs);
        Check.Nonnegative(spec.Int("minReadySeconds") ?? 0, path.Child("minReadySeconds"), errs);
        // kube says "deployment" here too.
        WorkloadValidation.SelectorAndTemplate(spec, path, "deployment", "ReplicaSet", errs);
    }
}
