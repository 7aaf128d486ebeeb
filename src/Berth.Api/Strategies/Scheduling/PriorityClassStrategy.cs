using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Scheduling;

/// <summary>PriorityClasses: preemptionPolicy PreemptLowerPriority; user values at most 10^9; value and policy never change.</summary>
public sealed class PriorityClassStrategy : KindStrategy
{
    public static readonly PriorityClassStrategy Instance = new();

    /// <summary>scheduling.HighestUserDefinablePriority.</summary>
    public const long HighestUserDefinablePriority = 1_000_000_000;

    private static readonly Dictionary<string, long> SystemClasses = new(StringComparer.Ordinal)
    {
        ["system-node-critical"] = 2_000_001_000,
        ["system-cluster-critical"] = 2_000_000_000,
    };

    private PriorityClassStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj) => obj.DefaultPtr("preemptionPolicy", "PreemptLowerPriority");

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var name = obj.Obj("metadata").S("name");
        var value = obj.Int("value") ?? 0;
        if (name.StartsWith("system-", StringComparison.Ordinal))
        {
            string? error = null;
            if (!SystemClasses.TryGetValue(name, out var expected))
            {
                error = $"{name} is not a known system priority class";
            }
            else if (value != expected)
            {
                error = $"value of {name} PriorityClass must be {expected}";
            }
            else if (obj.Bool("globalDefault") == true)
            {
                error = $"globalDefault of {name} PriorityClass must be false";
            }
            if (error is not null)
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("metadata", "name"),
                    "priority class names with 'system-' prefix are reserved for system use only. error: " + error));
            }
        }
        else if (value > HighestUserDefinablePriority)
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("value"), $"maximum allowed value of a user defined priority is {HighestUserDefinablePriority}"));
        }
        if (obj.Str("preemptionPolicy") is { } policy)
        {
            PodValidation.PreemptionPolicy(policy, FieldPath.New("preemptionPolicy"), errs);
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        if ((obj.Int("value") ?? 0) != (old.Int("value") ?? 0))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("value"), "may not be changed in an update."));
        }
        Check.Immutable(obj["preemptionPolicy"], old["preemptionPolicy"], FieldPath.New("preemptionPolicy"), errs);
    }
}
