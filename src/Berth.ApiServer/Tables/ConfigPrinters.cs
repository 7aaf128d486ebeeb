using System.Text;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>
/// ConfigMaps, Secrets, ServiceAccounts, ResourceQuotas, PersistentVolumes, PersistentVolumeClaims, StorageClasses,
/// PodDisruptionBudgets and RBAC bindings, as kube's printers show them.
/// </summary>
internal static class ConfigPrinters
{
    // The legacy annotation that, when present, overrides storageClassName (helper.GetPersistentVolumeClass).
    private const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    public static void Register(Dictionary<(string Group, string Kind), KindPrinter> printers)
    {
        printers[("", "ConfigMap")] = new(
        [
            Columns.Name,
            Columns.Str("Data", ColumnDescriptions.ConfigMapData),
            Columns.Age,
        ], (obj, ctx) => [Fields.Name(obj), (long)(Fields.Count(obj, "data") + Fields.Count(obj, "binaryData")), ctx.Age(obj)]);

        printers[("", "Secret")] = new(
        [
            Columns.Name,
            Columns.Str("Type", ColumnDescriptions.SecretType),
            Columns.Str("Data", ColumnDescriptions.SecretData),
            Columns.Age,
        ], (obj, ctx) => [Fields.Name(obj), Fields.Str(obj, "type") ?? "Opaque", (long)Fields.Count(obj, "data"), ctx.Age(obj)]);

        printers[("", "ServiceAccount")] = new(
        [
            Columns.Name,
            Columns.Str("Secrets", ColumnDescriptions.ServiceAccountSecrets),
            Columns.Age,
        ], (obj, ctx) => [Fields.Name(obj), (long)Fields.Count(obj, "secrets"), ctx.Age(obj)]);

        printers[("", "ResourceQuota")] = new(
        [
            Columns.Name,
            Columns.Str("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
            Columns.Str("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            Columns.Age,
        ], ResourceQuota);

        printers[("", "PersistentVolume")] = new(
        [
            Columns.Name,
            Columns.Str("Capacity", ColumnDescriptions.PvCapacity),
            Columns.Str("Access Modes", ColumnDescriptions.PvAccessModes),
            Columns.Str("Reclaim Policy", ColumnDescriptions.PvReclaimPolicy),
            Columns.Str("Status", ColumnDescriptions.PvPhase),
            Columns.Str("Claim", ColumnDescriptions.PvClaimRef),
            Columns.Str("StorageClass", "StorageClass of the pv"),
            Columns.Str("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
            Columns.Str("Reason", ColumnDescriptions.PvReason),
            Columns.Age,
            Columns.Wide("VolumeMode", ColumnDescriptions.PvVolumeMode),
        ], PersistentVolume);

        printers[("", "PersistentVolumeClaim")] = new(
        [
            Columns.Name,
            Columns.Str("Status", ColumnDescriptions.PvcPhase),
            Columns.Str("Volume", ColumnDescriptions.PvcVolumeName),
            Columns.Str("Capacity", ColumnDescriptions.PvcCapacity),
            Columns.Str("Access Modes", ColumnDescriptions.PvcAccessModes),
            Columns.Str("StorageClass", "StorageClass of the pvc"),
            Columns.Str("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            Columns.Age,
            Columns.Wide("VolumeMode", ColumnDescriptions.PvcVolumeMode),
        ], PersistentVolumeClaim);

        printers[("storage.k8s.io", "StorageClass")] = new(
        [
            Columns.Name,
            Columns.Str("Provisioner", ColumnDescriptions.Provisioner),
            Columns.Str("ReclaimPolicy", ColumnDescriptions.StorageClassReclaimPolicy),
            Columns.Str("VolumeBindingMode", ColumnDescriptions.VolumeBindingMode),
            Columns.Str("AllowVolumeExpansion", ColumnDescriptions.AllowVolumeExpansion),
            Columns.Age,
        ], StorageClass);

        printers[("policy", "PodDisruptionBudget")] = new(
        [
            Columns.Name,
            Columns.Str("Min Available", "The minimum number of pods that must be available."),
            Columns.Str("Max Unavailable", "The maximum number of pods that may be unavailable."),
            Columns.Int("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            Columns.Age,
        ], (obj, ctx) =>
        {
            var spec = Fields.Obj(obj, "spec");
            return
            [
                Fields.Name(obj),
                Fields.IntOrString(spec, "minAvailable") ?? "N/A",
                Fields.IntOrString(spec, "maxUnavailable") ?? "N/A",
                Fields.L(Fields.Obj(obj, "status"), "disruptionsAllowed"),
                ctx.Age(obj),
            ];
        });

        printers[("rbac.authorization.k8s.io", "RoleBinding")] = new(
        [
            Columns.Name,
            Columns.Str("Role", ColumnDescriptions.RoleBindingRoleRef),
            Columns.Age,
            Columns.Wide("Users", "Users in the roleBinding"),
            Columns.Wide("Groups", "Groups in the roleBinding"),
            Columns.Wide("ServiceAccounts", "ServiceAccounts in the roleBinding"),
        ], Binding);

        printers[("rbac.authorization.k8s.io", "ClusterRoleBinding")] = new(
        [
            Columns.Name,
            Columns.Str("Role", ColumnDescriptions.ClusterRoleBindingRoleRef),
            Columns.Age,
            Columns.Wide("Users", "Users in the clusterRoleBinding"),
            Columns.Wide("Groups", "Groups in the clusterRoleBinding"),
            Columns.Wide("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding"),
        ], Binding);
    }

    /// <summary>
    /// kube's <c>printResourceQuota</c>: every resource of <c>status.hard</c>, sorted, as <c>used/hard</c>; those named
    /// <c>limits.*</c> go to LIMIT, the rest to REQUEST.
    /// </summary>
    private static object?[] ResourceQuota(JsonObject obj, PrintContext ctx)
    {
        var status = Fields.Obj(obj, "status");
        var hard = Fields.Obj(status, "hard");
        var used = Fields.Obj(status, "used");
        var request = new StringBuilder();
        var limit = new StringBuilder();
        if (hard is not null)
        {
            var names = new List<string>(hard.Count);
            foreach (var (name, _) in hard)
            {
                names.Add(name);
            }
            names.Sort(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var dot = name.IndexOf('.', StringComparison.Ordinal);
                var w = dot > 0 && name.AsSpan(0, dot).SequenceEqual("limits") ? limit : request;
                if (w.Length > 0)
                {
                    w.Append(", ");
                }
                w.Append(name).Append(": ").Append(Formats.Quantity(used?[name])).Append('/').Append(Formats.Quantity(hard[name]));
            }
        }
        return [Fields.Name(obj), request.ToString(), limit.ToString(), ctx.Age(obj)];
    }

    private static object?[] PersistentVolume(JsonObject obj, PrintContext ctx)
    {
        var metadata = Fields.Obj(obj, "metadata");
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var claim = "";
        if (Fields.Obj(spec, "claimRef") is { } claimRef)
        {
            claim = Fields.S(claimRef, "namespace") + "/" + Fields.S(claimRef, "name");
        }
        var phase = Fields.Str(metadata, "deletionTimestamp") is not null ? "Terminating" : Fields.S(status, "phase");
        return
        [
            Fields.Name(obj),
            Formats.Quantity(Fields.Obj(spec, "capacity")?["storage"]),
            Formats.AccessModes(Fields.Arr(spec, "accessModes")),
            Fields.S(spec, "persistentVolumeReclaimPolicy"),
            phase,
            claim,
            StorageClassOf(metadata, spec),
            Fields.Str(spec, "volumeAttributesClassName") ?? "<unset>",
            Fields.S(status, "reason"),
            ctx.Age(obj),
            Fields.Str(spec, "volumeMode") ?? "<unset>",
        ];
    }

    private static object?[] PersistentVolumeClaim(JsonObject obj, PrintContext ctx)
    {
        var metadata = Fields.Obj(obj, "metadata");
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var phase = Fields.Str(metadata, "deletionTimestamp") is not null ? "Terminating" : Fields.S(status, "phase");
        var volumeName = Fields.S(spec, "volumeName");
        var capacity = "";
        var accessModes = "";
        // Capacity and access modes are only shown once the claim is bound to a volume.
        if (volumeName.Length > 0)
        {
            accessModes = Formats.AccessModes(Fields.Arr(status, "accessModes"));
            capacity = Formats.Quantity(Fields.Obj(status, "capacity")?["storage"]);
        }
        return
        [
            Fields.Name(obj),
            phase,
            volumeName,
            capacity,
            accessModes,
            StorageClassOf(metadata, spec),
            Fields.Str(spec, "volumeAttributesClassName") ?? "<unset>",
            ctx.Age(obj),
            Fields.Str(spec, "volumeMode") ?? "<unset>",
        ];
    }

    private static string StorageClassOf(JsonObject? metadata, JsonObject? spec) =>
        Fields.Str(Fields.Obj(metadata, "annotations"), BetaStorageClassAnnotation) ?? Fields.S(spec, "storageClassName");

    private static object?[] StorageClass(JsonObject obj, PrintContext ctx)
    {
        var annotations = Fields.Obj(Fields.Obj(obj, "metadata"), "annotations");
        var name = Fields.Name(obj);
        if (Fields.Str(annotations, "storageclass.kubernetes.io/is-default-class") == "true"
            || Fields.Str(annotations, "storageclass.beta.kubernetes.io/is-default-class") == "true")
        {
            name += " (default)";
        }
        return
        [
            name,
            Fields.S(obj, "provisioner"),
            Fields.Str(obj, "reclaimPolicy") ?? "Delete",
            Fields.Str(obj, "volumeBindingMode") ?? "Immediate",
            Fields.Bool(obj, "allowVolumeExpansion") ?? false,
            ctx.Age(obj),
        ];
    }

    private static object?[] Binding(JsonObject obj, PrintContext ctx)
    {
        var roleRef = Fields.Obj(obj, "roleRef");
        var users = new List<string>();
        var groups = new List<string>();
        var serviceAccounts = new List<string>();
        if (Fields.Arr(obj, "subjects") is { } subjects)
        {
            foreach (var s in subjects)
            {
                var subject = s as JsonObject;
                var name = Fields.S(subject, "name");
                switch (Fields.S(subject, "kind"))
                {
                    case "ServiceAccount":
                        serviceAccounts.Add(Fields.S(subject, "namespace") + "/" + name);
                        break;
                    case "User":
                        users.Add(name);
                        break;
                    case "Group":
                        groups.Add(name);
                        break;
                }
            }
        }
        return
        [
            Fields.Name(obj),
            Fields.S(roleRef, "kind") + "/" + Fields.S(roleRef, "name"),
            ctx.Age(obj),
            string.Join(", ", users),
            string.Join(", ", groups),
            string.Join(", ", serviceAccounts),
        ];
    }
}
