using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Selectors;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Workloads;

/// <summary>Shared rules of apps/validation: int-or-percent values, selectors against templates.</summary>
internal static class WorkloadValidation
{
    /// <summary>ValidatePositiveIntOrPercent.</summary>
    public static void PositiveIntOrPercent(JsonNode? value, FieldPath path, List<FieldError> errs)
    {
        if (JsonAccess.AsLong(value) is { } n)
        {
            Check.Nonnegative(n, path, errs);
            return;
        }
        var s = JsonAccess.AsString(value) ?? "";
        foreach (var msg in NameRules.Percent(s))
        {
            errs.Add(FieldError.Invalid(path, s, msg));
        }
    }

    /// <summary>getIntOrPercentValue: the number or the percentage; 0 for anything else.</summary>
    public static long IntOrPercentValue(JsonNode? value)
    {
        if (JsonAccess.AsLong(value) is { } n)
        {
            return n;
        }
        var s = JsonAccess.AsString(value) ?? "";
        if (NameRules.Percent(s).Count == 0)
        {
            return long.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        }
        return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : 0;
    }

    /// <summary>IsNotMoreThan100Percent.</summary>
    public static void NotMoreThan100Percent(JsonNode? value, FieldPath path, List<FieldError> errs)
    {
        var s = JsonAccess.AsString(value);
        if (s is null || NameRules.Percent(s).Count > 0)
        {
            return;
        }
        if (IntOrPercentValue(value) > 100)
        {
            errs.Add(FieldError.Invalid(path, s, "must not be greater than 100%"));
        }
    }

    /// <summary>
    /// The selector checks common to Deployment and ReplicaSet: required, valid, not empty; then the
    /// template must match it (ValidatePodTemplateSpecForReplicaSet).
    /// </summary>
    public static void SelectorAndTemplate(JsonObject? spec, FieldPath path, string kindForEmptySelector, string kindForDeadline, List<FieldError> errs)
    {
        var selector = spec.Obj("selector");
        if (selector is null)
        {
            errs.Add(FieldError.Required(path.Child("selector")));
        }
        else
        {
            LabelSelectorValidation.Validate(selector, path.Child("selector"), errs);
            if (LabelSelectorValidation.IsEmpty(selector))
            {
                errs.Add(FieldError.Invalid(path.Child("selector"), RenderSelector(selector), $"empty selector is invalid for {kindForEmptySelector}"));
            }
        }
        var parsed = LabelSelectorValidation.ToSelector(selector);
        if (parsed is null)
        {
            errs.Add(FieldError.Invalid(path.Child("selector"), RenderSelector(selector), "invalid label selector"));
            return;
        }
        TemplateForSelector(spec.Obj("template"), parsed, path.Child("template"), kindForDeadline, errs);
    }

    /// <summary>ValidatePodTemplateSpecForReplicaSet: labels match, full template validation, restartPolicy Always.</summary>
    public static void TemplateForSelector(JsonObject? template, LabelSelector selector, FieldPath path, string kindForDeadline, List<FieldError> errs)
    {
        if (!selector.IsEverything)
        {
            var labels = template.Obj("metadata").StringMap("labels");
            if (!selector.Matches(labels))
            {
                errs.Add(FieldError.Invalid(path.Child("metadata", "labels"), Check.Map(template.Obj("metadata").Obj("labels")),
                    "`selector` does not match template `labels`"));
            }
        }
        PodValidation.TemplateSpec(template, path, errs);
        RestartAlwaysNoDeadline(template, path, kindForDeadline, errs);
    }

    public static void RestartAlwaysNoDeadline(JsonObject? template, FieldPath path, string kindForDeadline, List<FieldError> errs)
    {
        var spec = template.Obj("spec");
        var restartPolicy = spec.S("restartPolicy");
        if (restartPolicy != "Always")
        {
            errs.Add(FieldError.NotSupported(path.Child("spec", "restartPolicy"), restartPolicy, ["Always"]));
        }
        if (spec.Has("activeDeadlineSeconds"))
        {
            errs.Add(FieldError.Forbidden(path.Child("spec", "activeDeadlineSeconds"), $"activeDeadlineSeconds in {kindForDeadline} is not Supported"));
        }
    }

    /// <summary>A LabelSelector as Go marshals it: matchLabels (sorted) then matchExpressions, empty fields omitted.</summary>
    public static RawJson RenderSelector(JsonObject? selector)
    {
        if (selector is null)
        {
            return new RawJson("null");
        }
        var sb = new StringBuilder("{");
        if (selector.Obj("matchLabels") is { Count: > 0 } ml)
        {
            sb.Append("\"matchLabels\":").Append(Check.Map(ml).Json);
        }
        var exprs = selector.Arr("matchExpressions");
        if (exprs.Count() > 0)
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }
            sb.Append("\"matchExpressions\":[");
            for (var i = 0; i < exprs!.Count; i++)
            {
                var e = exprs.At(i);
                if (i > 0)
                {
                    sb.Append(',');
                }
                sb.Append("{\"key\":");
                GoValues.WriteString(sb, e.S("key"));
                sb.Append(",\"operator\":");
                GoValues.WriteString(sb, e.S("operator"));
                if (e.Arr("values").Count() > 0)
                {
                    sb.Append(",\"values\":").Append(GoValues.StringList(e.Arr("values").Strings()).Json);
                }
                sb.Append('}');
            }
            sb.Append(']');
        }
        return new RawJson(sb.Append('}').ToString());
    }

    /// <summary>Selector immutability on update (apps/v1), as the Deployment, ReplicaSet and DaemonSet strategies check it.</summary>
    public static void ImmutableSelector(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        var now = obj.Obj("spec").Obj("selector");
        var before = old.Obj("spec").Obj("selector");
        if (!JsonAccess.SemanticEquals(now, before))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("spec", "selector"), RenderSelector(now), Check.FieldImmutableErrorMsg));
        }
    }
}
