using System.Text.Json.Nodes;
using Berth.Api.Strategies.Workloads;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Policy;

/// <summary>PodDisruptionBudgets (policy/v1): at most one of minAvailable and maxUnavailable, each an int or percentage.</summary>
public sealed class PodDisruptionBudgetStrategy : KindStrategy
{
    public static readonly PodDisruptionBudgetStrategy Instance = new();

    private PodDisruptionBudgetStrategy()
        : base(null)
    {
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        if (spec.Has("minAvailable") && spec.Has("maxUnavailable"))
        {
            errs.Add(FieldError.Invalid(path, Check.Json(spec), "minAvailable and maxUnavailable cannot be both set"));
        }
        foreach (var f in (ReadOnlySpan<string>)["minAvailable", "maxUnavailable"])
        {
            if (spec.Has(f))
            {
                WorkloadValidation.PositiveIntOrPercent(spec![f], path.Child(f), errs);
                WorkloadValidation.NotMoreThan100Percent(spec[f], path.Child(f), errs);
            }
        }
        LabelSelectorValidation.Validate(spec.Obj("selector"), path.Child("selector"), errs);
        if (spec.Str("unhealthyPodEvictionPolicy") is { } policy && policy is not ("AlwaysAllow" or "IfHealthyBudget"))
        {
            errs.Add(FieldError.NotSupported(path.Child("unhealthyPodEvictionPolicy"), policy, ["AlwaysAllow", "IfHealthyBudget"]));
        }
    }
}
