using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Quota;

/// <summary>ResourceQuotas: standard quota resource names, non-negative whole quantities, scopes.</summary>
public sealed class ResourceQuotaStrategy : KindStrategy
{
    public static readonly ResourceQuotaStrategy Instance = new();

    private static readonly HashSet<string> Scopes = new(StringComparer.Ordinal)
    {
        "Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass",
    };

    private ResourceQuotaStrategy()
        : base(typeof(V1ResourceQuota))
    {
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);
        ValidateList(obj.Obj("status").Obj("hard"), FieldPath.New("status", "hard"), errs);
        ValidateList(obj.Obj("status").Obj("used"), FieldPath.New("status", "used"), errs);
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);
        var now = new HashSet<string>(obj.Obj("spec").Arr("scopes").Strings(), StringComparer.Ordinal);
        var before = new HashSet<string>(old.Obj("spec").Arr("scopes").Strings(), StringComparer.Ordinal);
        if (!now.SetEquals(before))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("spec", "scopes"), GoValues.StringList(obj.Obj("spec").Arr("scopes").Strings()), Check.FieldImmutableErrorMsg));
        }
    }

    private static void ValidateList(JsonObject? list, FieldPath path, List<FieldError> errs)
    {
        foreach (var (name, q) in ResourceNames.Read(list))
        {
            var p = path.Key(name);
            ResourceNames.ValidateQuotaResourceName(name, p, errs);
            ResourceNames.ValidateQuantityValue(name, q, p, errs);
        }
    }

    private static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        ValidateList(spec.Obj("hard"), path.Child("hard"), errs);
        var scopes = spec.Arr("scopes").Strings();
        if (scopes.Count > 0)
        {
            var rendered = GoValues.StringList(scopes);
            var sp = path.Child("scopes");
            var hard = spec.Obj("hard")?.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList() ?? [];
            foreach (var scope in scopes)
            {
                if (!Scopes.Contains(scope))
                {
                    errs.Add(FieldError.Invalid(sp, rendered, "unsupported scope"));
                }
                foreach (var resource in hard)
                {
                    if (ResourceNames.IsStandardQuota(resource) && !ScopeAppliesTo(scope, resource))
                    {
                        errs.Add(FieldError.Invalid(sp, rendered, "unsupported scope applied to resource"));
                    }
                }
            }
            if ((scopes.Contains("BestEffort") && scopes.Contains("NotBestEffort"))
                || (scopes.Contains("Terminating") && scopes.Contains("NotTerminating")))
            {
                errs.Add(FieldError.Invalid(sp, rendered, "conflicting scopes"));
            }
        }
        if (spec.Obj("scopeSelector") is { } selector)
        {
            var mp = path.Child("scopeSelector", "matchExpressions");
            var exprs = selector.Arr("matchExpressions");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < exprs.Count(); i++)
            {
                var req = exprs.At(i);
                var scope = req.S("scopeName");
                var op = req.S("operator");
                var values = req.Arr("values").Strings();
                if (!Scopes.Contains(scope))
                {
                    errs.Add(FieldError.Invalid(mp.Child("scopeName"), scope, "unsupported scope"));
                }
                if (scope is "BestEffort" or "NotBestEffort" or "Terminating" or "NotTerminating" or "CrossNamespacePodAffinity" && op != "Exists")
                {
                    errs.Add(FieldError.Invalid(mp.Child("operator"), op,
                        "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
                }
                switch (op)
                {
                    case "In" or "NotIn":
                        if (values.Count == 0)
                        {
                            errs.Add(FieldError.Required(mp.Child("values"), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
                        }
                        break;
                    case "Exists" or "DoesNotExist":
                        if (values.Count != 0)
                        {
                            errs.Add(FieldError.Invalid(mp.Child("values"), GoValues.StringList(values), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
                        }
                        break;
                    default:
                        errs.Add(FieldError.Invalid(mp.Child("operator"), op, "not a valid selector operator"));
                        break;
                }
                seen.Add(scope);
            }
            if ((seen.Contains("BestEffort") && seen.Contains("NotBestEffort")) || (seen.Contains("Terminating") && seen.Contains("NotTerminating")))
            {
                errs.Add(FieldError.Invalid(mp, GoValues.StringList(scopes), "conflicting scopes"));
            }
        }
    }

    // helper.IsResourceQuotaScopeValidForResource.
    private static bool ScopeAppliesTo(string scope, string resource)
    {
        var podObjectCount = resource is "pods" or "count/pods";
        var podCompute = resource is "cpu" or "memory" or "requests.cpu" or "requests.memory" or "limits.cpu" or "limits.memory"
            or "ephemeral-storage" or "requests.ephemeral-storage" or "limits.ephemeral-storage"
            || resource.StartsWith("hugepages-", StringComparison.Ordinal) || resource.StartsWith("requests.hugepages-", StringComparison.Ordinal);
        return scope switch
        {
            "Terminating" or "NotTerminating" or "NotBestEffort" or "PriorityClass" or "CrossNamespacePodAffinity" => podObjectCount || podCompute,
            "BestEffort" => podObjectCount,
            "VolumeAttributesClass" => resource is "persistentvolumeclaims" or "requests.storage" or "count/persistentvolumeclaims",
            _ => false,
        };
    }
}
