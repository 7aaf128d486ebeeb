using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Storage;

/// <summary>PersistentVolumeClaims: volumeMode Filesystem, phase Pending; the spec is immutable except storage requests of bound claims.</summary>
public sealed class PersistentVolumeClaimStrategy : KindStrategy
{
    public static readonly PersistentVolumeClaimStrategy Instance = new();

    private PersistentVolumeClaimStrategy()
        : base(typeof(V1PersistentVolumeClaim))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        obj.Ensure("spec").DefaultPtr("volumeMode", "Filesystem");
        obj.Ensure("status").Default("phase", "Pending");
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), errs);

    /// <summary>ValidatePersistentVolumeClaimSpec (also used for StatefulSet and ephemeral volume claim templates).</summary>
    internal static void ValidateSpec(JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        var modes = spec.Arr("accessModes").Strings();
        if (modes.Count == 0)
        {
            errs.Add(FieldError.Required(path.Child("accessModes"), "at least 1 access mode is required"));
        }
        if (spec.Obj("selector") is { } selector)
        {
            LabelSelectorValidation.Validate(selector, path.Child("selector"), errs);
        }
        PersistentVolumeStrategy.AccessModes(modes, path.Child("accessModes"), errs);
        var storagePath = path.Child("resources").Key("storage");
        if (ResourceNames.Get(spec.Obj("resources").Obj("requests"), "storage") is not { } storage)
        {
            errs.Add(FieldError.Required(storagePath));
        }
        else if (storage.Sign <= 0)
        {
            errs.Add(FieldError.Invalid(storagePath, storage.ToString(), Check.IsNotPositiveErrorMsg));
        }
        else
        {
            ResourceNames.ValidateQuantityValue("storage", storage, storagePath, errs);
        }
        if (spec.Str("storageClassName") is { Length: > 0 } sc)
        {
            Check.Dns1123Subdomain(sc, path.Child("storageClassName"), errs);
        }
        if (spec.Str("volumeMode") is { } vm && vm is not ("Block" or "Filesystem"))
        {
            errs.Add(FieldError.NotSupported(path.Child("volumeMode"), vm, ["Block", "Filesystem"]));
        }
        foreach (var f in (ReadOnlySpan<string>)["dataSource", "dataSourceRef"])
        {
            if (spec.Obj(f) is not { } ds)
            {
                continue;
            }
            var dp = path.Child(f);
            if (ds.S("name").Length == 0)
            {
                errs.Add(FieldError.Required(dp.Child("name")));
            }
            if (ds.S("kind").Length == 0)
            {
                errs.Add(FieldError.Required(dp.Child("kind")));
            }
            var group = ds.S("apiGroup");
            if (group.Length == 0 && ds.S("kind") != "PersistentVolumeClaim")
            {
                errs.Add(FieldError.Invalid(dp, ds.S("kind"), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
            }
            if (group.Length > 0)
            {
                Check.Dns1123Subdomain(group, dp.Child("apiGroup"), errs);
            }
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        var spec = (JsonObject?)obj.Obj("spec")?.DeepClone() ?? new JsonObject();
        var oldSpec = (JsonObject?)old.Obj("spec")?.DeepClone() ?? new JsonObject();
        if (oldSpec.S("volumeName").Length == 0)
        {
            // The volume name may be set once, by the binder.
            oldSpec["volumeName"] = spec["volumeName"]?.DeepClone();
        }
        if (!oldSpec.Has("storageClassName") && spec.Has("storageClassName"))
        {
            oldSpec["storageClassName"] = spec["storageClassName"]?.DeepClone();
        }
        if (obj.Obj("status").S("phase") == "Bound" && spec.Obj("resources").Obj("requests") is { } requests)
        {
            requests["storage"] = old.Obj("spec").Obj("resources").Obj("requests")?["storage"]?.DeepClone();
            spec["volumeAttributesClassName"] = oldSpec["volumeAttributesClassName"]?.DeepClone();
        }
        if (!JsonAccess.SemanticEquals(spec, oldSpec))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
        }
        var newSize = ResourceNames.Get(obj.Obj("spec").Obj("resources").Obj("requests"), "storage");
        var oldSize = ResourceNames.Get(old.Obj("spec").Obj("resources").Obj("requests"), "storage");
        if (newSize is { } n && oldSize is { } o && n < o)
        {
            var capacity = ResourceNames.Get(old.Obj("status").Obj("capacity"), "storage");
            if (capacity is { } c && n <= c)
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("spec", "resources", "requests", "storage"), "field can not be less than status.capacity"));
            }
        }
        Check.Immutable(obj.Obj("spec")?["volumeMode"], old.Obj("spec")?["volumeMode"], FieldPath.New("volumeMode"), errs);
    }
}
