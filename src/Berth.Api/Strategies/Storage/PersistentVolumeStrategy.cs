using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Storage;

/// <summary>PersistentVolumes: reclaim policy Retain, volumeMode Filesystem, phase Pending; the volume source is immutable.</summary>
public sealed class PersistentVolumeStrategy : KindStrategy
{
    public static readonly PersistentVolumeStrategy Instance = new(TimeProvider.System);

    private static readonly string[] SupportedAccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    private static readonly string[] Sources =
    [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cephfs",
        "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
        "azureDisk", "scaleIO", "local", "storageos", "csi",
    ];

    private readonly TimeProvider _time;

    /// <param name="time">Source of <c>status.lastPhaseTransitionTime</c> on create.</param>
    public PersistentVolumeStrategy(TimeProvider time)
        : base(typeof(V1PersistentVolume))
    {
        _time = time;
    }

    protected override void SetDefaults(JsonObject obj)
    {
        obj.Ensure("status").Default("phase", "Pending");
        var spec = obj.Ensure("spec");
        spec.Default("persistentVolumeReclaimPolicy", "Retain");
        spec.DefaultPtr("volumeMode", "Filesystem");
    }

    protected override void BeforeCreate(JsonObject obj)
    {
        obj["status"] = new JsonObject
        {
            ["phase"] = "Pending",
            ["lastPhaseTransitionTime"] = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    internal static void AccessModes(List<string> modes, FieldPath path, List<FieldError> errs)
    {
        bool rwop = false, other = false;
        foreach (var mode in modes)
        {
            if (Array.IndexOf(SupportedAccessModes, mode) < 0)
            {
                errs.Add(FieldError.NotSupported(path, mode, SupportedAccessModes));
            }
            if (mode == "ReadWriteOncePod")
            {
                rwop = true;
            }
            else if (Array.IndexOf(SupportedAccessModes, mode) >= 0)
            {
                other = true;
            }
        }
        if (rwop && other)
        {
            errs.Add(FieldError.Forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec") ?? new JsonObject();
        var path = FieldPath.New("spec");
        var modes = spec.Arr("accessModes").Strings();
        if (modes.Count == 0)
        {
            errs.Add(FieldError.Required(path.Child("accessModes")));
        }
        AccessModes(modes, path.Child("accessModes"), errs);
        var capacity = spec.Obj("capacity");
        if (capacity is not { Count: > 0 })
        {
            errs.Add(FieldError.Required(path.Child("capacity")));
        }
        if (capacity?.ContainsKey("storage") != true || capacity.Count > 1)
        {
            errs.Add(FieldError.NotSupported(path.Child("capacity"), Check.Map(capacity), ["storage"]));
        }
        foreach (var (name, q) in ResourceNames.Read(capacity))
        {
            var p = path.Child("capacity").Key(name);
            if (q.Value() < 0)
            {
                errs.Add(FieldError.Invalid(p, q.Value(), "must be a valid resource quantity"));
            }
            if (q.Sign <= 0)
            {
                errs.Add(FieldError.Invalid(p, q.ToString(), Check.IsNotPositiveErrorMsg));
            }
        }
        var reclaim = spec.S("persistentVolumeReclaimPolicy");
        if (reclaim.Length > 0 && reclaim is not ("Delete" or "Recycle" or "Retain"))
        {
            errs.Add(FieldError.NotSupported(path.Child("persistentVolumeReclaimPolicy"), reclaim, ["Delete", "Recycle", "Retain"]));
        }
        var nodeAffinitySet = false;
        if (spec.Obj("nodeAffinity") is { } na)
        {
            nodeAffinitySet = true;
            if (na.Obj("required") is { } required)
            {
                PodValidation.NodeSelector(required, path.Child("nodeAffinity", "required"), allowInvalidValues: false, errs);
            }
            else
            {
                errs.Add(FieldError.Required(path.Child("nodeAffinity", "required"), "must specify required node constraints"));
            }
        }
        var count = 0;
        foreach (var source in Sources)
        {
            if (spec.Obj(source) is not { } src)
            {
                continue;
            }
            if (count > 0 && source != "flexVolume")
            {
                errs.Add(FieldError.Forbidden(path.Child(source == "cephfs" ? "cephFS" : source), "may not specify more than 1 volume type"));
                continue;
            }
            count++;
            var sp = path.Child(source);
            switch (source)
            {
                case "hostPath" or "local":
                    var hp = src.S("path");
                    if (hp.Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("path")));
                    }
                    else
                    {
                        VolumeValidation.PathNoBacksteps(hp, sp.Child("path"), errs);
                    }
                    if (source == "local" && !nodeAffinitySet)
                    {
                        errs.Add(FieldError.Required(path.Child("nodeAffinity"), "Local volume requires node affinity"));
                    }
                    break;
                case "nfs":
                    if (src.S("server").Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("server")));
                    }
                    if (src.S("path").Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("path")));
                    }
                    if (!src.S("path").StartsWith('/'))
                    {
                        errs.Add(FieldError.Invalid(sp.Child("path"), src.S("path"), "must be an absolute path"));
                    }
                    break;
                case "csi":
                    if (src.S("driver").Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("driver")));
                    }
                    if (src.S("volumeHandle").Length == 0)
                    {
                        errs.Add(FieldError.Required(sp.Child("volumeHandle")));
                    }
                    break;
            }
        }
        if (count == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a volume type"));
        }
        if (spec.Obj("hostPath") is { } hostPath && Path.TrimEndingDirectorySeparator(hostPath.S("path")) is "/" or "" && reclaim == "Recycle" && hostPath.S("path").Length > 0)
        {
            errs.Add(FieldError.Forbidden(path.Child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"));
        }
        if (spec.S("storageClassName").Length > 0)
        {
            Check.Dns1123Subdomain(spec.S("storageClassName"), path.Child("storageClassName"), errs);
        }
        if (spec.Str("volumeMode") is { } vm && vm is not ("Block" or "Filesystem"))
        {
            errs.Add(FieldError.NotSupported(path.Child("volumeMode"), vm, ["Block", "Filesystem"]));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        var spec = obj.Obj("spec") ?? new JsonObject();
        var oldSpec = old.Obj("spec") ?? new JsonObject();
        var changed = false;
        foreach (var source in Sources)
        {
            changed |= !JsonAccess.SemanticEquals(spec[source], oldSpec[source]);
        }
        if (changed)
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec", "persistentvolumesource"), "spec.persistentvolumesource is immutable after creation"));
        }
        Check.Immutable(spec["volumeMode"], oldSpec["volumeMode"], FieldPath.New("volumeMode"), errs);
        if (oldSpec.Has("nodeAffinity") && !JsonAccess.SemanticEquals(spec["nodeAffinity"], oldSpec["nodeAffinity"]))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("nodeAffinity"), Check.Json(spec["nodeAffinity"]), Check.FieldImmutableErrorMsg + ", except for updating from beta label to GA"));
        }
    }
}
