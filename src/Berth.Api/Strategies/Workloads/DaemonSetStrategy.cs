using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>
/// DaemonSets (apps/v1). The internal templateGeneration lives in the
/// <c>deprecated.daemonset.template.generation</c> annotation, as apps/v1 conversion keeps it: 1 on
/// create, incremented whenever the pod template changes.
/// </summary>
public sealed class DaemonSetStrategy : KindStrategy
{
    public static readonly DaemonSetStrategy Instance = new();

    /// <summary>The annotation that carries the template generation.</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    private DaemonSetStrategy()
        : base(typeof(V1DaemonSet))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        var us = spec.Ensure("updateStrategy");
        us.Default("type", "RollingUpdate");
        if (us.S("type") == "RollingUpdate")
        {
            var ru = us.Ensure("rollingUpdate");
            ru.DefaultPtr("maxUnavailable", 1);
            ru.DefaultPtr("maxSurge", 0);
        }
        spec.DefaultPtr("revisionHistoryLimit", 10);
        PodDefaults.Template(spec.Obj("template"));
    }

    protected override void BeforeCreate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ClearStatus(obj);
        if (TemplateGeneration(obj) < 1)
        {
            SetTemplateGeneration(obj, 1);
        }
    }

    protected override void BeforeUpdate(JsonObject obj, JsonObject old)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(old);
        var oldGeneration = TemplateGeneration(old);
        if (!JsonAccess.SemanticEquals(obj.Obj("spec")?["template"], old.Obj("spec")?["template"]))
        {
            SetTemplateGeneration(obj, oldGeneration + 1);
        }
        else if (oldGeneration > 0)
        {
            SetTemplateGeneration(obj, oldGeneration);
        }
    }

    private static long TemplateGeneration(JsonObject obj) =>
        long.TryParse(obj.Obj("metadata").Obj("annotations").Str(TemplateGenerationAnnotation), NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out var g) ? g : 0;

    private static void SetTemplateGeneration(JsonObject obj, long generation) =>
        obj.Ensure("metadata").Ensure("annotations")[TemplateGenerationAnnotation] = generation.ToString(CultureInfo.InvariantCulture);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj, FieldPath.New("spec"), errs);

    /// <remarks>As kube, the spec is validated twice on update (ValidateDaemonSet and ValidateDaemonSetUpdate).</remarks>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        ValidateSpec(obj, FieldPath.New("spec"), errs);
        var now = TemplateGeneration(obj);
        var before = TemplateGeneration(old);
        var path = FieldPath.New("spec", "templateGeneration");
        var templateChanged = !JsonAccess.SemanticEquals(obj.Obj("spec")?["template"], old.Obj("spec")?["template"]);
        if (now < before)
        {
            errs.Add(FieldError.Invalid(path, now, "must not be decremented"));
        }
        if (now == before && templateChanged)
        {
            errs.Add(FieldError.Invalid(path, now, "must be incremented upon template update"));
        }
        else if (now > before && !templateChanged)
        {
            errs.Add(FieldError.Invalid(path, now, "must not be incremented without template update"));
        }
        ValidateSpec(obj, FieldPath.New("spec"), errs);
        WorkloadValidation.ImmutableSelector(obj, old, errs);
    }

    private static void ValidateSpec(JsonObject obj, FieldPath path, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var selector = spec.Obj("selector");
        LabelSelectorValidation.Validate(selector, path.Child("selector"), errs);
        var template = spec.Obj("template");
        if (LabelSelectorValidation.ToSelector(selector) is { } parsed && !parsed.Matches(template.Obj("metadata").StringMap("labels")))
        {
            errs.Add(FieldError.Invalid(path.Child("template", "metadata", "labels"), Check.Map(template.Obj("metadata").Obj("labels")),
                "`selector` does not match template `labels`"));
        }
        if (selector is not null && LabelSelectorValidation.IsEmpty(selector))
        {
            errs.Add(FieldError.Invalid(path.Child("selector"), WorkloadValidation.RenderSelector(selector), "empty selector is invalid for daemonset"));
        }
        PodValidation.TemplateSpec(template, path.Child("template"), errs);
        WorkloadValidation.RestartAlwaysNoDeadline(template, path.Child("template"), "DaemonSet", errs);
        Check.Nonnegative(spec.Int("minReadySeconds") ?? 0, path.Child("minReadySeconds"), errs);
        Check.Nonnegative(TemplateGeneration(obj), path.Child("templateGeneration"), errs);
        var us = spec.Obj("updateStrategy");
        var up = path.Child("updateStrategy");
        switch (us.S("type"))
        {
            case "OnDelete":
                break;
            case "RollingUpdate":
                if (us.Obj("rollingUpdate") is not { } ru)
                {
                    errs.Add(FieldError.Required(up.Child("rollingUpdate")));
                    break;
                }
                var rp = up.Child("rollingUpdate");
                WorkloadValidation.PositiveIntOrPercent(ru["maxUnavailable"], rp.Child("maxUnavailable"), errs);
                WorkloadValidation.PositiveIntOrPercent(ru["maxSurge"], rp.Child("maxSurge"), errs);
                WorkloadValidation.NotMoreThan100Percent(ru["maxUnavailable"], rp.Child("maxUnavailable"), errs);
                WorkloadValidation.NotMoreThan100Percent(ru["maxSurge"], rp.Child("maxSurge"), errs);
                var hasUnavailable = WorkloadValidation.IntOrPercentValue(ru["maxUnavailable"]) != 0;
                var hasSurge = WorkloadValidation.IntOrPercentValue(ru["maxSurge"]) != 0;
                if (hasUnavailable && hasSurge)
                {
                    errs.Add(FieldError.Invalid(rp.Child("maxSurge"), Check.Render(ru["maxSurge"]), "may not be set when maxUnavailable is non-zero"));
                }
                else if (!hasUnavailable && !hasSurge)
                {
                    errs.Add(FieldError.Required(rp.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
                }
                break;
            default:
                errs.Add(FieldError.NotSupported(up, Check.Json(us), ["RollingUpdate", "OnDelete"]));
                break;
        }
        if (spec.Int("revisionHistoryLimit") is { } rhl)
        {
            Check.Nonnegative(rhl, path.Child("revisionHistoryLimit"), errs);
        }
    }
}
