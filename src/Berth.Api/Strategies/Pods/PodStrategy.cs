using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Pods;

/// <summary>Pods (pkg/registry/core/pod/strategy.go): defaults, Pending phase and QoS class on create, and the pod update rules.</summary>
public sealed class PodStrategy : KindStrategy
{
    public static readonly PodStrategy Instance = new();

    private const string UpdatableFields =
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private PodStrategy()
        : base(typeof(V1Pod))
    {
    }

    protected override void SetDefaults(JsonObject obj) => PodDefaults.Pod(obj);

    /// <summary>Status starts as Pending with the computed QoS class; gated pods get a PodScheduled=False condition.</summary>
    protected override void BeforeCreate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var spec = obj.Obj("spec");
        var status = new JsonObject
        {
            ["phase"] = "Pending",
            ["qosClass"] = PodQos.Compute(spec),
        };
        if (spec.Arr("schedulingGates").Count() > 0)
        {
            status["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "False",
                ["reason"] = "SchedulingGated",
                ["message"] = "Scheduling is blocked due to non-empty scheduling gates",
            });
        }
        obj["status"] = status;
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        ValidateMetadataAndSpec(obj, errs);
        var spec = obj.Obj("spec");
        var specPath = FieldPath.New("spec");
        if (spec.Arr("ephemeralContainers").Count() > 0)
        {
            errs.Add(FieldError.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"));
        }
        if (spec.S("nodeName").Length > 0 && spec.Arr("schedulingGates").Count() > 0)
        {
            errs.Add(FieldError.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
        }
    }

    private static void ValidateMetadataAndSpec(JsonObject obj, List<FieldError> errs)
    {
        var meta = obj.Obj("metadata");
        var spec = obj.Obj("spec");
        var specPath = FieldPath.New("spec");
        PodValidation.PodSpecificAnnotations(meta.Obj("annotations"), spec, FieldPath.New("metadata", "annotations"), errs);
        PodValidation.PodSpec(spec, meta.S("name"), specPath, resourceIsPod: true, errs);
        if (spec.S("serviceAccountName").Length == 0)
        {
            var volumes = spec.Arr("volumes");
            for (var vi = 0; vi < volumes.Count(); vi++)
            {
                var sources = volumes.At(vi).Obj("projected").Arr("sources");
                for (var si = 0; si < sources.Count(); si++)
                {
                    if (sources.At(si).Has("serviceAccountToken"))
                    {
                        errs.Add(FieldError.Forbidden(specPath.Child("volumes").Index(vi).Child("projected", "sources").Index(si).Child("serviceAccountToken"),
                            "must not be specified when serviceAccountName is not set"));
                    }
                }
            }
        }
        PodValidation.ContainersOnlyForPod(spec.Arr("containers"), specPath.Child("containers"), errs);
        PodValidation.ContainersOnlyForPod(spec.Arr("initContainers"), specPath.Child("initContainers"), errs);
    }

    /// <summary>ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed scheduling gates may change.</summary>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        ValidateMetadataAndSpec(obj, errs);
        ValidateAnnotationUpdates(obj.Obj("metadata").Obj("annotations"), old.Obj("metadata").Obj("annotations"), errs);
        var spec = obj.Obj("spec") ?? new JsonObject();
        var oldSpec = old.Obj("spec") ?? new JsonObject();
        var specPath = FieldPath.New("spec");
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            var now = spec.Arr(list);
            var before = oldSpec.Arr(list);
            if (now.Count() != before.Count())
            {
                errs.Add(FieldError.Forbidden(specPath.Child(list), "pod updates may not add or remove containers"));
                return;
            }
            for (var i = 0; i < now.Count(); i++)
            {
                var image = now.At(i).S("image");
                if (image.Length == 0)
                {
                    errs.Add(FieldError.Required(specPath.Child(list).Index(i).Child("image")));
                }
                if (image.Trim().Length != image.Length)
                {
                    errs.Add(FieldError.Invalid(specPath.Child(list).Index(i).Child("image"), image, "must not have leading or trailing whitespace"));
                }
            }
        }
        if (spec.Int("activeDeadlineSeconds") is { } ads)
        {
            if (ads < 0 || ads > int.MaxValue)
            {
                errs.Add(FieldError.Invalid(specPath.Child("activeDeadlineSeconds"), ads, NameRules.InclusiveRangeError(0, int.MaxValue)));
                return;
            }
            if (oldSpec.Int("activeDeadlineSeconds") is { } oldAds && oldAds < ads)
            {
                errs.Add(FieldError.Invalid(specPath.Child("activeDeadlineSeconds"), ads, "must be less than or equal to previous value"));
                return;
            }
        }
        else if (oldSpec.Has("activeDeadlineSeconds"))
        {
            errs.Add(FieldError.Invalid(specPath.Child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
        }
        ValidateOnlyAddedTolerations(spec.Arr("tolerations"), oldSpec.Arr("tolerations"), specPath.Child("tolerations"), errs);
        ValidateOnlyDeletedSchedulingGates(spec.Arr("schedulingGates"), oldSpec.Arr("schedulingGates"), specPath.Child("schedulingGates"), errs);

        if (JsonAccess.SemanticEquals(spec, oldSpec))
        {
            return;
        }
        // Mask the fields that may change, then any remaining difference is forbidden.
        var munged = (JsonObject)spec.DeepClone();
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            var now = munged.Arr(list);
            var before = oldSpec.Arr(list);
            for (var i = 0; i < now.Count(); i++)
            {
                if (now.At(i) is { } c)
                {
                    c["image"] = before.At(i)?["image"]?.DeepClone();
                }
            }
        }
        munged["activeDeadlineSeconds"] = oldSpec["activeDeadlineSeconds"]?.DeepClone();
        munged["schedulingGates"] = oldSpec["schedulingGates"]?.DeepClone();
        munged["tolerations"] = oldSpec["tolerations"]?.DeepClone();
        if (oldSpec.Int("terminationGracePeriodSeconds") is < 0 && munged.Int("terminationGracePeriodSeconds") == 1)
        {
            munged["terminationGracePeriodSeconds"] = oldSpec["terminationGracePeriodSeconds"]?.DeepClone();
        }
        if (oldSpec.Arr("schedulingGates").Count() > 0)
        {
            // Gated pods may add node selector entries and node affinity requirements.
            munged["nodeSelector"] = oldSpec["nodeSelector"]?.DeepClone();
            if (munged.Obj("affinity") is { } aff)
            {
                aff["nodeAffinity"] = oldSpec.Obj("affinity")?["nodeAffinity"]?.DeepClone();
            }
        }
        if (!JsonAccess.SemanticEquals(munged, oldSpec))
        {
            errs.Add(FieldError.Forbidden(specPath, "pod updates may not change fields other than " + UpdatableFields + "\n" + Diff(oldSpec, munged)));
        }
    }

    private static void ValidateAnnotationUpdates(JsonObject? annotations, JsonObject? oldAnnotations, List<FieldError> errs)
    {
        var path = FieldPath.New("metadata", "annotations");
        const string Mirror = "kubernetes.io/config.mirror";
        var now = annotations?.Str(Mirror);
        var before = oldAnnotations?.Str(Mirror);
        if (before is not null && now != before)
        {
            errs.Add(FieldError.Forbidden(path.Key(Mirror), "may not remove or update mirror pod annotation"));
        }
        if (before is null && now is not null)
        {
            errs.Add(FieldError.Forbidden(path.Key(Mirror), "may not add mirror pod annotation"));
        }
    }

    private static void ValidateOnlyAddedTolerations(JsonArray? now, JsonArray? before, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < before.Count(); i++)
        {
            var old = before.At(i);
            var found = false;
            for (var j = 0; j < now.Count() && !found; j++)
            {
                var clone = (JsonObject?)old?.DeepClone() ?? new JsonObject();
                clone["tolerationSeconds"] = now.At(j)?["tolerationSeconds"]?.DeepClone();
                found = JsonAccess.SemanticEquals(clone, now.At(j));
            }
            if (!found)
            {
                errs.Add(FieldError.Forbidden(path, "existing toleration can not be modified except its tolerationSeconds"));
                return;
            }
        }
        PodValidation.Tolerations(now, path, errs);
    }

    private static void ValidateOnlyDeletedSchedulingGates(JsonArray? now, JsonArray? before, FieldPath path, List<FieldError> errs)
    {
        var old = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < before.Count(); i++)
        {
            old.Add(before.At(i).S("name"));
        }
        for (var i = 0; i < now.Count(); i++)
        {
            var name = now.At(i).S("name");
            if (!old.Contains(name))
            {
                errs.Add(FieldError.Forbidden(path.Index(i).Child("name"), $"only deletion is allowed, but found new scheduling gate '{name}'"));
            }
        }
    }

    // A compact stand-in for the cmp.Diff kube appends: one -/+ pair per changed top-level field.
    private static string Diff(JsonObject before, JsonObject after)
    {
        var sb = new StringBuilder("  core.PodSpec{\n");
        foreach (var key in before.Select(kv => kv.Key).Union(after.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            if (JsonAccess.SemanticEquals(before[key], after[key]))
            {
                continue;
            }
            sb.Append("- \t").Append(key).Append(": ").Append(before[key]?.ToJsonString() ?? "nil").Append(",\n");
            sb.Append("+ \t").Append(key).Append(": ").Append(after[key]?.ToJsonString() ?? "nil").Append(",\n");
        }
        return sb.Append("  }\n").ToString();
    }
}
