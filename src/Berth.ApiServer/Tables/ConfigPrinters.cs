using System.Text;

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
        ], (obj, ctx) => [PrintContext.Name(obj), (long)(obj["data"].Length + obj["binaryData"].Length), ctx.Age(obj)]);

        printers[("", "Secret")] = new(
        [
            Columns.Name,
            Columns.Str("Type", ColumnDescriptions.SecretType),
            Columns.Str("Data", ColumnDescriptions.SecretData),
            Columns.Age,
        ], (obj, ctx) => [PrintContext.Name(obj), obj["type"].Str ?? "Opaque", (long)obj["data"].Length, ctx.Age(obj)]);

        printers[("", "ServiceAccount")] = new(
        [
            Columns.Name,
            Columns.Str("Secrets", ColumnDescriptions.ServiceAccountSecrets),
            Columns.Age,
        ], (obj, ctx) => [PrintContext.Name(obj), (long)obj["secrets"].Length, ctx.Age(obj)]);

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
            var spec = obj["spec"];
            return
            [
                PrintContext.Name(obj),
                spec["minAvailable"].IntOrString ?? "N/A",
                spec["maxUnavailable"].IntOrString ?? "N/A",
                obj["status"]["disruptionsAllowed"].L,
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
    private static object?[] ResourceQuota(JsonView obj, PrintContext ctx)
    {
        var status = obj["status"];
        var used = status["used"];
        var request = new StringBuilder();
        var limit = new StringBuilder();
        var hard = status["hard"].Properties();
        hard.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, hardValue) in hard)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var w = dot > 0 && name.AsSpan(0, dot).SequenceEqual("limits") ? limit : request;
            if (w.Length > 0)
            {
                w.Append(", ");
            }
            w.Append(name).Append(": ").Append(Formats.Quantity(used[name])).Append('/').Append(Formats.Quantity(hardValue));
        }
        return [PrintContext.Name(obj), request.ToString(), limit.ToString(), ctx.Age(obj)];
    }

    private static object?[] PersistentVolume(JsonView obj, PrintContext ctx)
    {
        var metadata = obj["metadata"];
        var spec = obj["spec"];
        var status = obj["status"];
        var claim = "";
        var claimRef = spec["claimRef"];
        if (claimRef.IsObject)
        {
            claim = claimRef["namespace"].S + "/" + claimRef["name"].S;
        }
        var phase = metadata["deletionTimestamp"].Exists ? "Terminating" : status["phase"].S;
        return
        [
            PrintContext.Name(obj),
            Formats.Quantity(spec["capacity"]["storage"]),
            Formats.AccessModes(spec["accessModes"]),
            spec["persistentVolumeReclaimPolicy"].S,
            phase,
            claim,
            StorageClassOf(metadata, spec),
            spec["volumeAttributesClassName"].Str ?? "<unset>",
            status["reason"].S,
            ctx.Age(obj),
            spec["volumeMode"].Str ?? "<unset>",
        ];
    }

    private static object?[] PersistentVolumeClaim(JsonView obj, PrintContext ctx)
    {
        var metadata = obj["metadata"];
        var spec = obj["spec"];
        var status = obj["status"];
        var phase = metadata["deletionTimestamp"].Exists ? "Terminating" : status["phase"].S;
        var volumeName = spec["volumeName"].S;
        var capacity = "";
        var accessModes = "";
        // Capacity and access modes are only shown once the claim is bound to a volume.
        if (volumeName.Length > 0)
        {
            accessModes = Formats.AccessModes(status["accessModes"]);
            capacity = Formats.Quantity(status["capacity"]["storage"]);
        }
        return
        [
            PrintContext.Name(obj),
            phase,
            volumeName,
            capacity,
            accessModes,
            StorageClassOf(metadata, spec),
            spec["volumeAttributesClassName"].Str ?? "<unset>",
            ctx.Age(obj),
            spec["volumeMode"].Str ?? "<unset>",
        ];
    }

    private static string StorageClassOf(JsonView metadata, JsonView spec) =>
        metadata["annotations"][BetaStorageClassAnnotation].Str ?? spec["storageClassName"].S;

    private static object?[] StorageClass(JsonView obj, PrintContext ctx)
    {
        var annotations = obj["metadata"]["annotations"];
        var name = PrintContext.Name(obj);
        if (annotations["storageclass.kubernetes.io/is-default-class"].Is("true")
            || annotations["storageclass.beta.kubernetes.io/is-default-class"].Is("true"))
        {
            name += " (default)";
        }
        return
        [
            name,
            obj["provisioner"].S,
            obj["reclaimPolicy"].Str ?? "Delete",
            obj["volumeBindingMode"].Str ?? "Immediate",
            obj["allowVolumeExpansion"].Bool ?? false,
            ctx.Age(obj),
        ];
    }

    private static object?[] Binding(JsonView obj, PrintContext ctx)
    {
        var roleRef = obj["roleRef"];
        var users = new List<string>();
        var groups = new List<string>();
        var serviceAccounts = new List<string>();
        foreach (var subject in Formats.Items(obj["subjects"]))
        {
            var name = subject["name"].S;
            switch (subject["kind"].S)
            {
                case "ServiceAccount":
                    serviceAccounts.Add(subject["namespace"].S + "/" + name);
                    break;
                case "User":
                    users.Add(name);
                    break;
                case "Group":
                    groups.Add(name);
                    break;
            }
        }
        return
        [
            PrintContext.Name(obj),
            roleRef["kind"].S + "/" + roleRef["name"].S,
            ctx.Age(obj),
            string.Join(", ", users),
            string.Join(", ", groups),
            string.Join(", ", serviceAccounts),
        ];
    }
}
