using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>Deployments (apps/v1): SetDefaults_Deployment, status cleared on create, ValidateDeploymentSpec, immutable selector.</summary>
public sealed class DeploymentStrategy : KindStrategy
{
    public static readonly DeploymentStrategy Instance = new();

    private DeploymentStrategy()
        : base(typeof(V1Deployment))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.DefaultPtr("replicas", 1);
        var strategy = spec.Ensure("strategy");
        strategy.Default("type", "RollingUpdate");
        if (strategy.S("type") == "RollingUpdate")
        {
            var ru = strategy.Ensure("rollingUpdate");
            ru.DefaultPtr("maxUnavailable", "25%");
            ru.DefaultPtr("maxSurge", "25%");
        }
        spec.DefaultPtr("revisionHistoryLimit", 10);
        spec.DefaultPtr("progressDeadlineSeconds", 600);
        PodDefaults.Template(spec.Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        WorkloadValidation.ImmutableSelector(obj, old, errs);
    }

    /// <summary>ValidateDeploymentSpec.</summary>
    private static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        Check.Nonnegative(spec.Int("replicas") ?? 0, path.Child("replicas"), errs);
        WorkloadValidation.SelectorAndTemplate(spec, path, "deployment", "ReplicaSet", errs);
        ValidateStrategy(spec.Obj("strategy"), path.Child("strategy"), errs);
        var minReady = spec.Int("minReadySeconds") ?? 0;
        Check.Nonnegative(minReady, path.Child("minReadySeconds"), errs);
        if (spec.Int("revisionHistoryLimit") is { } rhl)
        {
            Check.Nonnegative(rhl, path.Child("revisionHistoryLimit"), errs);
        }
        if (spec.Obj("rollbackTo") is { } rollback)
        {
            Check.Nonnegative(rollback.Int("revision") ?? 0, path.Child("rollback", "version"), errs);
        }
        if (spec.Int("progressDeadlineSeconds") is { } pds)
        {
            Check.Nonnegative(pds, path.Child("progressDeadlineSeconds"), errs);
            if (pds <= minReady)
            {
                errs.Add(FieldError.Invalid(path.Child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"));
            }
        }
    }

    private static void ValidateStrategy(JsonObject? strategy, FieldPath path, List<FieldError> errs)
    {
        switch (strategy.S("type"))
        {
            case "Recreate":
                if (strategy.Has("rollingUpdate"))
                {
                    errs.Add(FieldError.Forbidden(path.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
                }
                break;
            case "RollingUpdate":
                if (strategy.Obj("rollingUpdate") is not { } ru)
                {
                    errs.Add(FieldError.Required(path.Child("rollingUpdate"), "this should be defaulted and never be nil"));
                    break;
                }
                var rp = path.Child("rollingUpdate");
                WorkloadValidation.PositiveIntOrPercent(ru["maxUnavailable"], rp.Child("maxUnavailable"), errs);
                WorkloadValidation.PositiveIntOrPercent(ru["maxSurge"], rp.Child("maxSurge"), errs);
                if (WorkloadValidation.IntOrPercentValue(ru["maxUnavailable"]) == 0 && WorkloadValidation.IntOrPercentValue(ru["maxSurge"]) == 0)
                {
                    errs.Add(FieldError.Invalid(rp.Child("maxUnavailable"), Check.Render(ru["maxUnavailable"]) ?? 0L, "may not be 0 when `maxSurge` is 0"));
                }
                WorkloadValidation.NotMoreThan100Percent(ru["maxUnavailable"], rp.Child("maxUnavailable"), errs);
                break;
            default:
                var ru0 = strategy.Obj("rollingUpdate");
                JsonNode? rendered = ru0 is null ? null : JsonNode.Parse(Check.GoStruct(
                    ("MaxUnavailable", ru0["maxUnavailable"]?.DeepClone() ?? 0), ("MaxSurge", ru0["maxSurge"]?.DeepClone() ?? 0)).Json);
                errs.Add(FieldError.NotSupported(path, Check.GoStruct(("Type", strategy.S("type")), ("RollingUpdate", rendered)),
                    ["Recreate", "RollingUpdate"]));
                break;
        }
    }
}
