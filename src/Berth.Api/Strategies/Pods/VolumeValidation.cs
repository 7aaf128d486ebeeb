using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Pods;

/// <summary>core/validation ValidateVolumes and the volume sources Berth's node agent can mount (others are checked for exclusivity only).</summary>
internal static class VolumeValidation
{
    private const string FileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive";

    // Volume source fields in the order core/validation checks them.
    private static readonly string[] Sources =
    [
        "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs",
        "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flexVolume", "configMap",
        "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO",
        "csi", "ephemeral", "image",
    ];

    private static readonly string[] HostPathTypes =
        ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

    /// <summary>ValidateVolumes: returns the valid volumes by name for volumeMount checks.</summary>
    public static Dictionary<string, JsonObject> Validate(JsonArray? volumes, string? podName, FieldPath path, List<FieldError> errs)
    {
        var valid = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var createdPvcs = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(podName))
        {
            for (var i = 0; i < volumes.Count(); i++)
            {
                if (volumes.At(i).Has("ephemeral"))
                {
                    createdPvcs.Add(podName + "-" + volumes.At(i).S("name"));
                }
            }
        }
        for (var i = 0; i < volumes.Count(); i++)
        {
            var vol = volumes.At(i) ?? new JsonObject();
            var idx = path.Index(i);
            var name = vol.S("name");
            var el = new List<FieldError>();
            ValidateSource(vol, idx, name, podName, el);
            if (name.Length == 0)
            {
                el.Add(FieldError.Required(idx.Child("name")));
            }
            else
            {
                Check.Dns1123Label(name, idx.Child("name"), el);
            }
            if (valid.ContainsKey(name))
            {
                el.Add(FieldError.Duplicate(idx.Child("name"), name));
            }
            if (el.Count == 0)
            {
                valid[name] = vol;
            }
            else
            {
                errs.AddRange(el);
            }
            var claim = vol.Obj("persistentVolumeClaim").Str("claimName");
            if (claim is not null && createdPvcs.Contains(claim))
            {
                errs.Add(FieldError.Invalid(idx.Child("persistentVolumeClaim", "claimName"), claim,
                    "must not reference a PVC that gets created for an ephemeral volume"));
            }
        }
        return valid;
    }

    private static void ValidateSource(JsonObject vol, FieldPath path, string volName, string? podName, List<FieldError> errs)
    {
        var count = 0;
        foreach (var source in Sources)
        {
            if (vol[source] is not JsonObject src)
            {
                continue;
            }
            if (count > 0)
            {
                // emptyDir is counted first and never errors as the "second" type.
                // kube reports two of these under misspelled names; kept for identical messages.
                var name = source switch { "downwardAPI" => "downwarAPI", "cephfs" => "cephFS", _ => source };
                errs.Add(FieldError.Forbidden(path.Child(name), "may not specify more than 1 volume type"));
                continue;
            }
            count++;
            var p = path.Child(source);
            switch (source)
            {
                case "emptyDir":
                    if (src.Has("sizeLimit") && Check.ReadQuantity(src["sizeLimit"]) is { Sign: < 0 })
                    {
                        errs.Add(FieldError.Forbidden(p.Child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
                    }
                    break;
                case "hostPath":
                    HostPath(src, p, errs);
                    break;
                case "secret":
                    if (src.S("secretName").Length == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("secretName")));
                    }
                    Mode(src.Int("defaultMode"), p.Child("defaultMode"), errs);
                    KeyToPaths(src.Arr("items"), p.Child("items"), errs);
                    break;
                case "configMap":
                    if (src.S("name").Length == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("name")));
                    }
                    Mode(src.Int("defaultMode"), p.Child("defaultMode"), errs);
                    KeyToPaths(src.Arr("items"), p.Child("items"), errs);
                    break;
                case "nfs":
                    if (src.S("server").Length == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("server")));
                    }
                    if (src.S("path").Length == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("path")));
                    }
                    if (!src.S("path").StartsWith('/'))
                    {
                        errs.Add(FieldError.Invalid(p.Child("path"), src.S("path"), "must be an absolute path"));
                    }
                    break;
                case "persistentVolumeClaim":
                    if (src.S("claimName").Length == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("claimName")));
                    }
                    break;
                case "downwardAPI":
                    Mode(src.Int("defaultMode"), p.Child("defaultMode"), errs);
                    DownwardApiItems(src.Arr("items"), p.Child("items"), errs);
                    break;
                case "projected":
                    Projected(src, p, errs);
                    break;
                case "csi":
                    CsiDriver(src.S("driver"), p.Child("driver"), errs);
                    break;
                case "ephemeral":
                    if (!src.Has("volumeClaimTemplate"))
                    {
                        errs.Add(FieldError.Required(p.Child("volumeClaimTemplate")));
                    }
                    else if (!string.IsNullOrEmpty(podName) && volName.Length > 0)
                    {
                        var pvcName = podName + "-" + volName;
                        foreach (var msg in NameRules.Dns1123Subdomain(pvcName))
                        {
                            errs.Add(FieldError.Invalid(path.Child("name"), volName, $"PVC name \"{pvcName}\": {msg}"));
                        }
                    }
                    break;
                case "image":
                    if (src.S("reference").Length == 0)
                    {
                        // Image volumes need a reference; the pull policy is validated with the container's.
                        errs.Add(FieldError.Required(p.Child("reference")));
                    }
                    break;
            }
        }
        if (count == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a volume type"));
        }
    }

    private static void HostPath(JsonObject src, FieldPath p, List<FieldError> errs)
    {
        var hp = src.S("path");
        if (hp.Length == 0)
        {
            errs.Add(FieldError.Required(p.Child("path")));
            return;
        }
        PathNoBacksteps(hp, p.Child("path"), errs);
        if (src.Has("type") && Array.IndexOf(HostPathTypes, src.S("type")) < 0)
        {
            errs.Add(FieldError.NotSupported(p.Child("type"), src.S("type"), HostPathTypes));
        }
    }

    private static void CsiDriver(string driver, FieldPath p, List<FieldError> errs)
    {
        if (driver.Length == 0)
        {
            errs.Add(FieldError.Required(p));
        }
        if (driver.Length > 63)
        {
            errs.Add(FieldError.TooLong(p, 63));
        }
        foreach (var msg in NameRules.Dns1123Subdomain(driver.ToLowerInvariant()))
        {
            errs.Add(FieldError.Invalid(p, driver, msg));
        }
    }

    private static void Mode(long? mode, FieldPath p, List<FieldError> errs)
    {
        if (mode is { } m && (m > 511 || m < 0))
        {
            errs.Add(FieldError.Invalid(p, m, FileModeErrorMsg));
        }
    }

    private static void KeyToPaths(JsonArray? items, FieldPath p, List<FieldError> errs)
    {
        for (var i = 0; i < items.Count(); i++)
        {
            var kp = items.At(i);
            var ip = p.Index(i);
            if (kp.S("key").Length == 0)
            {
                errs.Add(FieldError.Required(ip.Child("key")));
            }
            if (kp.S("path").Length == 0)
            {
                errs.Add(FieldError.Required(ip.Child("path")));
            }
            LocalNonReservedPath(kp.S("path"), ip.Child("path"), errs);
            Mode(kp.Int("mode"), ip.Child("mode"), errs);
        }
    }

    private static readonly HashSet<string> VolumeFieldPaths = new(StringComparer.Ordinal)
    {
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
    };

    private static void DownwardApiItems(JsonArray? items, FieldPath p, List<FieldError> errs)
    {
        for (var i = 0; i < items.Count(); i++)
        {
            var item = items.At(i);
            var ip = p.Index(i);
            if (item.S("path").Length == 0)
            {
                errs.Add(FieldError.Required(ip.Child("path")));
            }
            LocalNonReservedPath(item.S("path"), ip.Child("path"), errs);
            Mode(item.Int("mode"), ip.Child("mode"), errs);
            if (item.Obj("fieldRef") is { } fr)
            {
                PodValidation.ObjectFieldSelector(fr, VolumeFieldPaths, ip.Child("fieldRef"), errs);
                if (item.Has("resourceFieldRef"))
                {
                    errs.Add(FieldError.Invalid(ip, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
                }
            }
            else if (item.Obj("resourceFieldRef") is { } rf)
            {
                PodValidation.ResourceFieldSelector(rf, ip.Child("resourceFieldRef"), volume: true, errs);
            }
            else
            {
                errs.Add(FieldError.Required(ip, "one of fieldRef and resourceFieldRef is required"));
            }
        }
    }

    private static void Projected(JsonObject src, FieldPath p, List<FieldError> errs)
    {
        var allPaths = new HashSet<string>(StringComparer.Ordinal);
        var sources = src.Arr("sources");
        for (var i = 0; i < sources.Count(); i++)
        {
            var s = sources.At(i);
            var sp = p.Child("sources").Index(i);
            var n = 0;
            foreach (var kind in (ReadOnlySpan<string>)["secret", "configMap"])
            {
                if (s.Obj(kind) is not { } ref_)
                {
                    continue;
                }
                n++;
                var kp = sp.Child(kind);
                if (ref_.S("name").Length == 0)
                {
                    errs.Add(FieldError.Required(kp.Child("name")));
                }
                var items = ref_.Arr("items");
                KeyToPaths(items, kp.Child("items"), errs);
                for (var j = 0; j < items.Count(); j++)
                {
                    var itemPath = items.At(j).S("path");
                    if (itemPath.Length > 0 && !allPaths.Add(itemPath))
                    {
                        errs.Add(FieldError.Invalid(p, ref_.S("name"), "conflicting duplicate paths"));
                    }
                }
            }
            if (s.Obj("downwardAPI") is { } dapi)
            {
                n++;
                DownwardApiItems(dapi.Arr("items"), sp.Child("downwardAPI", "items"), errs);
            }
            if (s.Obj("serviceAccountToken") is { } sat)
            {
                n++;
                var tp = sp.Child("serviceAccountToken");
                var exp = sat.Int("expirationSeconds") ?? 0;
                if (exp < 600)
                {
                    errs.Add(FieldError.Invalid(tp.Child("expirationSeconds"), exp, "may not specify a duration less than 10 minutes"));
                }
                if (exp > 1L << 32)
                {
                    errs.Add(FieldError.Invalid(tp.Child("expirationSeconds"), exp, "may not specify a duration larger than 2^32 seconds"));
                }
                if (sat.S("path").Length == 0)
                {
                    errs.Add(FieldError.Required(p.Child("path")));
                }
                else
                {
                    LocalNonReservedPath(sat.S("path"), p.Child("path"), errs);
                }
            }
            if (s.Has("clusterTrustBundle"))
            {
                n++;
            }
            if (n > 1)
            {
                errs.Add(FieldError.Forbidden(sp, "may not specify more than 1 volume type per source"));
            }
        }
    }

    /// <summary>validatePathNoBacksteps.</summary>
    public static void PathNoBacksteps(string target, FieldPath p, List<FieldError> errs)
    {
        foreach (var part in target.Replace('\\', '/').Split('/'))
        {
            if (part == "..")
            {
                errs.Add(FieldError.Invalid(p, target, "must not contain '..'"));
                return;
            }
        }
    }

    /// <summary>validateLocalDescendingPath.</summary>
    public static void LocalDescendingPath(string target, FieldPath p, List<FieldError> errs)
    {
        if (target.StartsWith('/'))
        {
            errs.Add(FieldError.Invalid(p, target, "must be a relative path"));
        }
        PathNoBacksteps(target, p, errs);
    }

    /// <summary>ValidateLocalNonReservedPath.</summary>
    public static void LocalNonReservedPath(string target, FieldPath p, List<FieldError> errs)
    {
        LocalDescendingPath(target, p, errs);
        if (target.StartsWith("..", StringComparison.Ordinal) && !target.StartsWith("../", StringComparison.Ordinal))
        {
            errs.Add(FieldError.Invalid(p, target, "must not start with '..'"));
        }
    }
}
