using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Coordination;

/// <summary>Leases (coordination.k8s.io/v1).</summary>
public sealed class LeaseStrategy : KindStrategy
{
    public static readonly LeaseStrategy Instance = new();

    private LeaseStrategy()
        : base(null)
    {
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        if (spec.Int("leaseDurationSeconds") is { } duration && duration <= 0)
        {
            errs.Add(FieldError.Invalid(path.Child("leaseDurationSeconds"), duration, "must be greater than 0"));
        }
        if (spec.Int("leaseTransitions") is { } transitions && transitions < 0)
        {
            errs.Add(FieldError.Invalid(path.Child("leaseTransitions"), transitions, "must be greater than or equal to 0"));
        }
        if (spec.Str("strategy") is { } strategy && strategy != "OldestEmulationVersion")
        {
            errs.Add(FieldError.NotSupported(path.Child("strategy"), strategy, ["OldestEmulationVersion"]));
        }
        if (spec.Str("preferredHolder") is { Length: > 0 } && spec.S("strategy").Length == 0)
        {
            errs.Add(FieldError.Forbidden(path.Child("preferredHolder"), "may only be specified if `strategy` is defined"));
        }
    }
}
