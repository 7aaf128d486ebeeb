using System.Text.Json.Nodes;
using Berth.Api.Selectors;

namespace Berth.Api.Validation;

/// <summary>
/// meta/v1 label selector validation (ValidateLabelSelector) and conversion (LabelSelectorAsSelector)
/// on the JSON form of a <c>LabelSelector</c>.
/// </summary>
public static class LabelSelectorValidation
{
    /// <summary>ValidateLabelSelector; a null selector is valid.</summary>
    public static void Validate(JsonObject? selector, FieldPath path, List<FieldError> errs, bool allowInvalidLabelValue = false)
    {
        if (selector is null)
        {
            return;
        }
        Check.Labels(selector.Obj("matchLabels"), path.Child("matchLabels"), errs);
        var exprs = selector.Arr("matchExpressions");
        for (var i = 0; i < exprs.Count(); i++)
        {
            ValidateRequirement(exprs.At(i), path.Child("matchExpressions").Index(i), errs, allowInvalidLabelValue);
        }
    }

    private static void ValidateRequirement(JsonObject? req, FieldPath path, List<FieldError> errs, bool allowInvalidLabelValue)
    {
        var op = req.S("operator");
        var values = req.Arr("values");
        switch (op)
        {
            case "In" or "NotIn":
                if (values.Count() == 0)
                {
                    errs.Add(FieldError.Required(path.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                }
                break;
            case "Exists" or "DoesNotExist":
                if (values.Count() > 0)
                {
                    errs.Add(FieldError.Forbidden(path.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
                break;
            default:
                errs.Add(FieldError.Invalid(path.Child("operator"), op, "not a valid selector operator"));
                break;
        }
        Check.LabelName(req.S("key"), path.Child("key"), errs);
        if (!allowInvalidLabelValue)
        {
            var vs = values.Strings();
            for (var i = 0; i < vs.Count; i++)
            {
                foreach (var msg in NameRules.LabelValue(vs[i]))
                {
                    errs.Add(FieldError.Invalid(path.Child("values").Index(i), vs[i], msg));
                }
            }
        }
    }

    /// <summary>
    /// LabelSelectorAsSelector: null matches nothing, empty matches everything; null result when the
    /// selector cannot be converted (bad operator, key or value).
    /// </summary>
    public static LabelSelector? ToSelector(JsonObject? selector)
    {
        if (selector is null)
        {
            return LabelSelector.Nothing;
        }
        var probe = new List<FieldError>();
        Validate(selector, FieldPath.Root, probe);
        if (probe.Count > 0)
        {
            return null;
        }
        var reqs = new List<LabelRequirement>();
        if (selector.Obj("matchLabels") is { } ml)
        {
            foreach (var (k, v) in ml)
            {
                reqs.Add(new LabelRequirement(k, SelectorOperator.Equals, [JsonAccess.AsString(v) ?? ""]));
            }
        }
        var exprs = selector.Arr("matchExpressions");
        for (var i = 0; i < exprs.Count(); i++)
        {
            var e = exprs.At(i);
            var op = e.S("operator") switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                _ => SelectorOperator.DoesNotExist,
            };
            reqs.Add(new LabelRequirement(e.S("key"), op, e.Arr("values").Strings()));
        }
        return reqs.Count == 0 ? LabelSelector.Everything : new LabelSelector(reqs);
    }

    /// <summary>True for a selector with neither matchLabels nor matchExpressions.</summary>
    public static bool IsEmpty(JsonObject? selector) =>
        selector is null || (selector.Obj("matchLabels") is not { Count: > 0 } && selector.Arr("matchExpressions").Count() == 0);
}
