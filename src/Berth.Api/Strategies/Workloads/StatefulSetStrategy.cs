using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Workloads;

/// <summary>StatefulSets (apps/v1).</summary>
public sealed class StatefulSetStrategy : KindStrategy
{
    public static readonly StatefulSetStrategy Instance = new();

    private StatefulSetStrategy()
        : base(typeof(V1StatefulSet))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.Default("podManagementPolicy", "OrderedReady");
        var us = spec.Ensure("updateStrategy");
        if (us.S("type").Length == 0)
        {
            us["type"] = "RollingUpdate";
            us.DefaultPtr("rollingUpdate", new JsonObject());
        }
        if (us.S("type") == "RollingUpdate" && us.Obj("rollingUpdate") is { } ru)
        {
            ru.DefaultPtr("partition", 0);
        }
        var retention = spec.Ensure("persistentVolumeClaimRetentionPolicy");
        retention.Default("whenDeleted", "Retain");
        retention.Default("whenScaled", "Retain");
        spec.DefaultPtr("replicas", 1);
        spec.DefaultPtr("revisionHistoryLimit", 10);
        PodDefaults.Template(spec.Obj("template"));
        var claims = spec.Arr("volumeClaimTemplates");
        for (var i = 0; i < claims.Count(); i++)
        {
            if (claims.At(i) is { } pvc)
            {
                pvc.Ensure("spec").DefaultPtr("volumeMode", "Filesystem");
                pvc.Ensure("status").Default("phase", "Pending");
            }
        }
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);
        var now = (JsonObject?)obj.Obj("spec")?.DeepClone() ?? new JsonObject();
        var before = old.Obj("spec") ?? new JsonObject();
        foreach (var f in (ReadOnlySpan<string>)["replicas", "template", "updateStrategy", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy"])
        {
            now[f] = before[f]?.DeepClone();
        }
        if (!JsonAccess.SemanticEquals(now, before))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec"),
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
    }

    /// <summary>ValidateStatefulSetSpec (the pod template gets only label and annotation checks, as in kube).</summary>
    private static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        var pmp = spec.S("podManagementPolicy");
        if (pmp.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("podManagementPolicy")));
        }
        else if (pmp is not ("OrderedReady" or "Parallel"))
        {
            errs.Add(FieldError.Invalid(path.Child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
        }
        var us = spec.Obj("updateStrategy");
        switch (us.S("type"))
        {
            case "":
                errs.Add(FieldError.Required(path.Child("updateStrategy")));
                break;
            case "OnDelete":
                if (us.Obj("rollingUpdate") is { } ru0)
                {
                    errs.Add(FieldError.Invalid(path.Child("updateStrategy", "rollingUpdate"), Check.Json(ru0), "only allowed for updateStrategy 'RollingUpdate'"));
                }
                break;
            case "RollingUpdate":
                if (us.Obj("rollingUpdate") is { } ru)
                {
                    var rp = path.Child("updateStrategy", "rollingUpdate");
                    Check.Nonnegative(ru.Int("partition") ?? 0, rp.Child("partition"), errs);
                    if (ru.Has("maxUnavailable"))
                    {
                        var mu = ru["maxUnavailable"];
                        WorkloadValidation.PositiveIntOrPercent(mu, rp.Child("maxUnavailable"), errs);
                        if (WorkloadValidation.IntOrPercentValue(mu) == 0)
                        {
                            errs.Add(FieldError.Invalid(rp.Child("maxUnavailable"), Check.Render(mu), "cannot be 0"));
                        }
                        WorkloadValidation.NotMoreThan100Percent(mu, rp.Child("maxUnavailable"), errs);
                    }
                }
                break;
            default:
                errs.Add(FieldError.Invalid(path.Child("updateStrategy"), Check.Json(us), "must be 'RollingUpdate' or 'OnDelete'"));
                break;
        }
        if (spec.Obj("persistentVolumeClaimRetentionPolicy") is { } retention)
        {
            foreach (var f in (ReadOnlySpan<string>)["whenDeleted", "whenScaled"])
            {
                var v = retention.S(f);
                if (v is not ("Retain" or "Delete"))
                {
                    errs.Add(FieldError.NotSupported(path.Child("persistentVolumeClaimRetentionPolicy", f), v, ["Retain", "Delete"]));
                }
            }
        }
        Check.Nonnegative(spec.Int("replicas") ?? 0, path.Child("replicas"), errs);
        Check.Nonnegative(spec.Int("minReadySeconds") ?? 0, path.Child("minReadySeconds"), errs);
        if (spec.Obj("ordinals") is { } ordinals)
        {
            Check.Nonnegative(ordinals.Int("start") ?? 0, path.Child("ordinals.start"), errs);
        }
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
                errs.Add(FieldError.Invalid(path.Child("selector"), WorkloadValidation.RenderSelector(selector), "empty selector is invalid for statefulset"));
            }
        }
        var parsed = LabelSelectorValidation.ToSelector(selector);
        var template = spec.Obj("template");
        if (parsed is null)
        {
            errs.Add(FieldError.Invalid(path.Child("selector"), WorkloadValidation.RenderSelector(selector), ""));
        }
        else
        {
            var tp = path.Child("template");
            if (!parsed.IsEverything && !parsed.Matches(template.Obj("metadata").StringMap("labels")))
            {
                errs.Add(FieldError.Invalid(tp.Child("metadata", "labels"), Check.Map(template.Obj("metadata").Obj("labels")),
                    "`selector` does not match template `labels`"));
            }
            var meta = template.Obj("metadata");
            Check.Labels(meta.Obj("labels"), tp.Child("labels"), errs);
            Check.Annotations(meta.Obj("annotations"), tp.Child("annotations"), errs);
            PodValidation.PodSpecificAnnotations(meta.Obj("annotations"), template.Obj("spec"), tp.Child("annotations"), errs);
        }
        var restartPolicy = template.Obj("spec").S("restartPolicy");
        if (restartPolicy != "Always")
        {
            errs.Add(FieldError.NotSupported(path.Child("template", "spec", "restartPolicy"), restartPolicy, ["Always"]));
        }
        if (template.Obj("spec").Has("activeDeadlineSeconds"))
        {
            errs.Add(FieldError.Forbidden(path.Child("template", "spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"));
        }
    }
}
