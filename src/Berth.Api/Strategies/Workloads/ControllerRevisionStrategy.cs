using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Workloads;

/// <summary>ControllerRevisions (apps/v1): data is required and never changes.</summary>
public sealed class ControllerRevisionStrategy : KindStrategy
{
    public static readonly ControllerRevisionStrategy Instance = new();

    private ControllerRevisionStrategy()
        : base(null)
    {
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        if (obj["data"] is null)
        {
            errs.Add(FieldError.Required(FieldPath.New("data"), "data is mandatory"));
        }
        Check.Nonnegative(obj.Int("revision") ?? 0, FieldPath.New("revision"), errs);
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        Check.Immutable(obj["data"], old["data"], FieldPath.New("data"), errs);
    }
}
