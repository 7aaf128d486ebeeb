using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Quota;

/// <summary>
/// LimitRanges: for Container items, default limits default to max and default requests to the default
/// limit or else min (SetDefaults_LimitRangeItem); min ≤ defaultRequest ≤ default ≤ max.
/// </summary>
public sealed class LimitRangeStrategy : KindStrategy
{
    public static readonly LimitRangeStrategy Instance = new();

    private LimitRangeStrategy()
        : base(typeof(V1LimitRange))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var limits = obj.Obj("spec").Arr("limits");
        for (var i = 0; i < limits.Count(); i++)
        {
            var item = limits.At(i);
            if (item is null || item.S("type") != "Container")
            {
                continue;
            }
            var def = item.Ensure("default");
            var defReq = item.Ensure("defaultRequest");
            CopyMissing(item.Obj("max"), def);
            CopyMissing(def, defReq);
            CopyMissing(item.Obj("min"), defReq);
            // Go omits the empty maps it created.
            if (def.Count == 0)
            {
                item.Remove("default");
            }
            if (defReq.Count == 0)
            {
                item.Remove("defaultRequest");
            }
        }
    }

    private static void CopyMissing(JsonObject? from, JsonObject to)
    {
        if (from is null)
        {
            return;
        }
        foreach (var (k, v) in from)
        {
            if (!to.ContainsKey(k))
            {
                to[k] = v?.DeepClone();
            }
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var limits = obj.Obj("spec").Arr("limits");
        var path = FieldPath.New("spec", "limits");
        var types = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < limits.Count(); i++)
        {
            var item = limits.At(i) ?? new JsonObject();
            var p = path.Index(i);
            var type = item.S("type");
            var before = errs.Count;
            foreach (var m in NameRules.QualifiedName(type))
            {
                errs.Add(FieldError.Invalid(p.Child("type"), type, m));
            }
            if (errs.Count == before && !type.Contains('/', StringComparison.Ordinal) && type is not ("Pod" or "Container" or "PersistentVolumeClaim"))
            {
                errs.Add(FieldError.Invalid(p.Child("type"), type, "must be a standard limit type or fully qualified"));
            }
            if (!types.Add(type))
            {
                errs.Add(FieldError.Duplicate(p.Child("type"), type));
            }
            var keys = new List<string>();
            var max = Collect(item, "max", type, p, keys, errs);
            var min = Collect(item, "min", type, p, keys, errs);
            Dictionary<string, Quantity> defaults = new(StringComparer.Ordinal), defaultRequests = new(StringComparer.Ordinal);
            if (type == "Pod")
            {
                if (item.Obj("default") is { Count: > 0 })
                {
                    errs.Add(FieldError.Forbidden(p.Child("default"), "may not be specified when `type` is 'Pod'"));
                }
                if (item.Obj("defaultRequest") is { Count: > 0 })
                {
                    errs.Add(FieldError.Forbidden(p.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"));
                }
            }
            else
            {
                defaults = Collect(item, "default", type, p, keys, errs);
                defaultRequests = Collect(item, "defaultRequest", type, p, keys, errs);
            }
            if (type == "PersistentVolumeClaim" && !min.ContainsKey("storage") && !max.ContainsKey("storage"))
            {
                errs.Add(FieldError.Required(p.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"));
            }
            var ratios = Collect(item, "maxLimitRequestRatio", type, p, keys, errs);
            foreach (var k in keys.Distinct(StringComparer.Ordinal))
            {
                var hasMin = min.TryGetValue(k, out var minQ);
                var hasMax = max.TryGetValue(k, out var maxQ);
                var hasDef = defaults.TryGetValue(k, out var defQ);
                var hasDefReq = defaultRequests.TryGetValue(k, out var defReqQ);
                var hasRatio = ratios.TryGetValue(k, out var ratioQ);
                if (hasMin && hasMax && minQ > maxQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("min").Key(k), minQ.ToString(), $"min value {minQ} is greater than max value {maxQ}"));
                }
                if (hasDefReq && hasMin && minQ > defReqQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("defaultRequest").Key(k), defReqQ.ToString(), $"min value {minQ} is greater than default request value {defReqQ}"));
                }
                if (hasDefReq && hasMax && defReqQ > maxQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("defaultRequest").Key(k), defReqQ.ToString(), $"default request value {defReqQ} is greater than max value {maxQ}"));
                }
                if (hasDefReq && hasDef && defReqQ > defQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("defaultRequest").Key(k), defReqQ.ToString(), $"default request value {defReqQ} is greater than default limit value {defQ}"));
                }
                if (hasDef && hasMin && minQ > defQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("default").Key(k), minQ.ToString(), $"min value {minQ} is greater than default value {defQ}"));
                }
                if (hasDef && hasMax && defQ > maxQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("default").Key(k), maxQ.ToString(), $"default value {defQ} is greater than max value {maxQ}"));
                }
                if (hasRatio && ratioQ < Quantity.Parse("1"))
                {
                    errs.Add(FieldError.Invalid(p.Child("maxLimitRequestRatio").Key(k), ratioQ.ToString(), $"ratio {ratioQ} is less than 1"));
                }
                if (hasRatio && hasMin && hasMax)
                {
                    var limit = (double)maxQ.MilliValue() / minQ.MilliValue();
                    var ratio = ratioQ.MilliValue() / 1000.0;
                    if (ratio > limit)
                    {
                        errs.Add(FieldError.Invalid(p.Child("maxLimitRequestRatio").Key(k), ratioQ.ToString(),
                            $"ratio {ratioQ} is greater than max/min = {limit.ToString("F6", CultureInfo.InvariantCulture)}"));
                    }
                }
                if (!ResourceNames.IsOvercommitAllowed(k) && hasDef && hasDefReq && defQ != defReqQ)
                {
                    errs.Add(FieldError.Invalid(p.Child("defaultRequest").Key(k), defReqQ.ToString(), $"default value {defQ} must equal to defaultRequest value {defReqQ} in {k}"));
                }
            }
        }
    }

    private static Dictionary<string, Quantity> Collect(JsonObject item, string field, string type, FieldPath p, List<string> keys, List<FieldError> errs)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, q) in ResourceNames.Read(item.Obj(field)))
        {
            var fp = p.Child(field).Key(name);
            if (type is "Pod" or "Container")
            {
                ResourceNames.ValidateContainerResourceName(name, fp, errs);
            }
            else
            {
                ResourceNames.ValidateResourceName(name, fp, errs);
            }
            keys.Add(name);
            result[name] = q;
        }
        return result;
    }
}
