using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Batch;

/// <summary>batch/validation's validateJobSpec, shared by Jobs and CronJob job templates.</summary>
internal static class JobValidation
{
    private static readonly string[] PodFailurePolicyActions = ["Count", "FailIndex", "FailJob", "Ignore"];
    private static readonly string[] ConditionStatuses = ["False", "True", "Unknown"];

    public static void Spec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        spec ??= new JsonObject();
        if (spec.Int("parallelism") is { } parallelism)
        {
            Check.Nonnegative(parallelism, path.Child("parallelism"), errs);
        }
        if (spec.Int("completions") is { } completions0)
        {
            Check.Nonnegative(completions0, path.Child("completions"), errs);
        }
        foreach (var f in (ReadOnlySpan<string>)["activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex"])
        {
            if (spec.Int(f) is { } v)
            {
                Check.Nonnegative(v, path.Child(f), errs);
            }
        }
        if (spec.Int("maxFailedIndexes") is { } mfi)
        {
            Check.Nonnegative(mfi, path.Child("maxFailedIndexes"), errs);
            if (!spec.Has("backoffLimitPerIndex"))
            {
                errs.Add(FieldError.Required(path.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
            }
        }
        if (spec.Str("managedBy") is { } managedBy)
        {
            DomainPrefixedPath(managedBy, path.Child("managedBy"), errs);
            if (managedBy.Length > 63)
            {
                errs.Add(FieldError.TooLong(path.Child("managedBy"), 63));
            }
        }
        var mode = spec.Str("completionMode");
        var completions = spec.Int("completions");
        if (mode is not null)
        {
            if (mode is not ("NonIndexed" or "Indexed"))
            {
                errs.Add(FieldError.NotSupported(path.Child("completionMode"), mode, ["NonIndexed", "Indexed"]));
            }
            if (mode == "Indexed")
            {
                if (completions is null)
                {
                    errs.Add(FieldError.Required(path.Child("completions"), "when completion mode is Indexed"));
                }
                if (spec.Int("parallelism") is > 100000 and var p)
                {
                    errs.Add(FieldError.Invalid(path.Child("parallelism"), p, "must be less than or equal to 100000 when completion mode is Indexed"));
                }
                if (completions is { } c && spec.Int("maxFailedIndexes") is { } m && m > c)
                {
                    errs.Add(FieldError.Invalid(path.Child("maxFailedIndexes"), m, "must be less than or equal to completions"));
                }
                if (spec.Int("maxFailedIndexes") is > 100000 and var m2)
                {
                    errs.Add(FieldError.Invalid(path.Child("maxFailedIndexes"), m2, "must be less than or equal to 100000"));
                }
            }
        }
        if (mode is null or "NonIndexed")
        {
            if (spec.Int("backoffLimitPerIndex") is { } blpi)
            {
                errs.Add(FieldError.Invalid(path.Child("backoffLimitPerIndex"), blpi, "requires indexed completion mode"));
            }
            if (spec.Int("maxFailedIndexes") is { } mf)
            {
                errs.Add(FieldError.Invalid(path.Child("maxFailedIndexes"), mf, "requires indexed completion mode"));
            }
        }
        var pfp = spec.Obj("podFailurePolicy");
        if (pfp is not null)
        {
            PodFailurePolicy(spec, pfp, path.Child("podFailurePolicy"), errs);
        }
        if (spec.Obj("successPolicy") is { } sp)
        {
            if (mode != "Indexed")
            {
                errs.Add(FieldError.Invalid(path.Child("successPolicy"), Check.Json(sp), "requires indexed completion mode"));
            }
            else
            {
                var rules = sp.Arr("rules");
                if (rules.Count() == 0)
                {
                    errs.Add(FieldError.Required(path.Child("successPolicy", "rules"), "at least one rules must be specified when the successPolicy is specified"));
                }
                if (rules.Count() > 20)
                {
                    errs.Add(FieldError.TooMany(path.Child("successPolicy", "rules"), rules!.Count, 20));
                }
            }
        }
        if (spec.Str("podReplacementPolicy") is { } prp)
        {
            if (pfp is not null)
            {
                if (prp != "Failed")
                {
                    errs.Add(FieldError.NotSupported(path.Child("podReplacementPolicy"), prp, ["Failed"]));
                }
            }
            else if (prp is not ("Failed" or "TerminatingOrFailed"))
            {
                errs.Add(FieldError.NotSupported(path.Child("podReplacementPolicy"), prp, ["Failed", "TerminatingOrFailed"]));
            }
        }
        var template = spec.Obj("template");
        PodValidation.TemplateSpec(template, path.Child("template"), errs);
        // The pod template's restartPolicy defaults to Always, which a Job cannot use.
        var restartPolicy = template.Obj("spec").S("restartPolicy");
        var rpPath = path.Child("template", "spec", "restartPolicy");
        if (restartPolicy is "Always" or "")
        {
            errs.Add(FieldError.Required(rpPath, "valid values: \"OnFailure\", \"Never\""));
        }
        else if (restartPolicy is not ("OnFailure" or "Never"))
        {
            errs.Add(FieldError.NotSupported(rpPath, restartPolicy, ["OnFailure", "Never"]));
        }
        else if (pfp is not null && restartPolicy != "Never")
        {
            errs.Add(FieldError.Invalid(rpPath, restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified"));
        }
    }

    private static void PodFailurePolicy(JsonObject spec, JsonObject pfp, FieldPath path, List<FieldError> errs)
    {
        var rules = pfp.Arr("rules");
        var rulesPath = path.Child("rules");
        if (rules.Count() > 20)
        {
            errs.Add(FieldError.TooMany(rulesPath, rules!.Count, 20));
        }
        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            var cs = spec.Obj("template").Obj("spec").Arr(list);
            for (var i = 0; i < cs.Count(); i++)
            {
                containerNames.Add(cs.At(i).S("name"));
            }
        }
        for (var i = 0; i < rules.Count(); i++)
        {
            var rule = rules.At(i);
            var rp = rulesPath.Index(i);
            var action = rule.S("action");
            if (action.Length == 0)
            {
                errs.Add(FieldError.Required(rp.Child("action"), "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"));
            }
            else if (action == "FailIndex")
            {
                if (!spec.Has("backoffLimitPerIndex"))
                {
                    errs.Add(FieldError.Invalid(rp.Child("action"), action, "requires the backoffLimitPerIndex to be set"));
                }
            }
            else if (Array.IndexOf(PodFailurePolicyActions, action) < 0)
            {
                errs.Add(FieldError.NotSupported(rp.Child("action"), action, PodFailurePolicyActions));
            }
            var onExitCodes = rule.Obj("onExitCodes");
            var onPodConditions = rule.Arr("onPodConditions");
            if (onExitCodes is not null)
            {
                OnExitCodes(onExitCodes, rp.Child("onExitCodes"), containerNames, errs);
            }
            if (onPodConditions.Count() > 0)
            {
                var cp = rp.Child("onPodConditions");
                if (onPodConditions!.Count > 20)
                {
                    errs.Add(FieldError.TooMany(cp, onPodConditions.Count, 20));
                }
                for (var j = 0; j < onPodConditions.Count; j++)
                {
                    var pattern = onPodConditions.At(j);
                    Check.QualifiedName(pattern.S("type"), cp.Index(j).Child("type"), errs);
                    var status = pattern.S("status");
                    if (status.Length == 0)
                    {
                        errs.Add(FieldError.Required(cp.Index(j).Child("status"), "valid values: [\"False\" \"True\" \"Unknown\"]"));
                    }
                    else if (Array.IndexOf(ConditionStatuses, status) < 0)
                    {
                        errs.Add(FieldError.NotSupported(cp.Index(j).Child("status"), status, ConditionStatuses));
                    }
                }
            }
            if (onExitCodes is not null && onPodConditions.Count() > 0)
            {
                errs.Add(FieldError.Invalid(rp, FieldError.Omitted, "specifying both OnExitCodes and OnPodConditions is not supported"));
            }
            if (onExitCodes is null && onPodConditions.Count() == 0)
            {
                errs.Add(FieldError.Invalid(rp, FieldError.Omitted, "specifying one of OnExitCodes and OnPodConditions is required"));
            }
        }
    }

    private static void OnExitCodes(JsonObject req, FieldPath path, HashSet<string> containerNames, List<FieldError> errs)
    {
        var op = req.S("operator");
        if (op.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("operator"), "valid values: [\"In\" \"NotIn\"]"));
        }
        else if (op is not ("In" or "NotIn"))
        {
            errs.Add(FieldError.NotSupported(path.Child("operator"), op, ["In", "NotIn"]));
        }
        if (req.Str("containerName") is { } cn && !containerNames.Contains(cn))
        {
            errs.Add(FieldError.Invalid(path.Child("containerName"), cn, "must be one of the container or initContainer names in the pod template"));
        }
        var values = req.Arr("values");
        var vp = path.Child("values");
        if (values.Count() == 0)
        {
            errs.Add(FieldError.Invalid(vp, Check.Json(values), "at least one value is required"));
        }
        else if (values!.Count > 255)
        {
            errs.Add(FieldError.TooMany(vp, values.Count, 255));
        }
        var seen = new HashSet<long>();
        var ordered = true;
        long? prev = null;
        for (var j = 0; j < values.Count(); j++)
        {
            var v = JsonAccess.AsLong(values![j]) ?? 0;
            if (op == "In" && v == 0)
            {
                errs.Add(FieldError.Invalid(vp.Index(j), v, "must not be 0 for the In operator"));
            }
            if (!seen.Add(v))
            {
                errs.Add(FieldError.Duplicate(vp.Index(j), v));
            }
            if (prev > v)
            {
                ordered = false;
            }
            prev = v;
        }
        if (!ordered)
        {
            errs.Add(FieldError.Invalid(vp, Check.Json(values), "must be ordered"));
        }
    }

    /// <summary>IsDomainPrefixedPath (apimachinery util/validation).</summary>
    public static void DomainPrefixedPath(string value, FieldPath path, List<FieldError> errs)
    {
        if (value.Length == 0)
        {
            errs.Add(FieldError.Required(path));
            return;
        }
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            errs.Add(FieldError.Invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }
        var host = value[..slash];
        foreach (var m in NameRules.Dns1123Subdomain(host))
        {
            errs.Add(FieldError.Invalid(path, host, m));
        }
        var rest = value[(slash + 1)..];
        foreach (var c in rest)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "/-._~%!$&'()*+,;=:".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                errs.Add(FieldError.Invalid(path, rest, NameRules.RegexError("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")));
                return;
            }
        }
    }

    public static string Format(long v) => v.ToString(CultureInfo.InvariantCulture);
}
