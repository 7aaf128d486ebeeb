using k8s.Models;

namespace Berth.Api.Schema;

/// <summary>
/// Strategic-merge-patch and server-side-apply semantics of one field: the <c>patchStrategy</c> and
/// <c>patchMergeKey</c> struct tags and the <c>+listType</c>, <c>+listMapKey</c>, <c>+mapType</c> markers of
/// the Kubernetes Go types, which the KubernetesClient model classes do not carry.
/// </summary>
/// <param name="Strategy">"merge", "retainKeys", "merge,retainKeys" or "replace"; null for none.</param>
/// <param name="MergeKey">For lists of objects merged by key: the key field.</param>
/// <param name="ListType">"atomic", "set" or "map"; null when unspecified (treated as atomic).</param>
/// <param name="ListMapKeys">For <c>listType=map</c>: the key fields.</param>
public sealed record PatchMeta(string? Strategy, string? MergeKey, string? ListType, IReadOnlyList<string>? ListMapKeys)
{
    public bool MergesList => Strategy?.Contains("merge", StringComparison.Ordinal) == true;
    public bool RetainKeys => Strategy?.Contains("retainKeys", StringComparison.Ordinal) == true;

    /// <summary>A list merged by key (SMP <c>merge</c> strategy with a merge key; SSA <c>listType=map</c>).</summary>
    public static PatchMeta MapList(params string[] keys) => new("merge", keys[0], "map", keys);

    /// <summary>A list of scalars merged as a set.</summary>
    public static readonly PatchMeta Set = new("merge", null, "set", null);

    /// <summary>An explicitly atomic list.</summary>
    public static readonly PatchMeta Atomic = new(null, null, "atomic", null);
}

/// <summary>The table of <see cref="PatchMeta"/> for the built-in model types (from k8s.io/api's types.go).</summary>
public static class PatchMetadata
{
    private static readonly Dictionary<(Type, string), PatchMeta> Table = Build();

    /// <summary>The semantics of <paramref name="jsonName"/> on <paramref name="declaringType"/>, or null for defaults.</summary>
    public static PatchMeta? Lookup(Type declaringType, string jsonName)
    {
        if (Table.TryGetValue((declaringType, jsonName), out var meta))
        {
            return meta;
        }
        // Every status condition list in the built-in APIs is merged by type.
        if (jsonName == "conditions" && declaringType.Name.EndsWith("Status", StringComparison.Ordinal))
        {
            return PatchMeta.MapList("type");
        }
        return null;
    }

    private static Dictionary<(Type, string), PatchMeta> Build()
    {
        var t = new Dictionary<(Type, string), PatchMeta>();
        void Add<T>(string field, PatchMeta meta) => t[(typeof(T), field)] = meta;

        Add<V1ObjectMeta>("finalizers", PatchMeta.Set);
        Add<V1ObjectMeta>("ownerReferences", PatchMeta.MapList("uid"));
        Add<V1ObjectMeta>("managedFields", PatchMeta.Atomic);

        Add<V1PodSpec>("volumes", new PatchMeta("merge,retainKeys", "name", "map", ["name"]));
        Add<V1PodSpec>("initContainers", PatchMeta.MapList("name"));
        Add<V1PodSpec>("containers", PatchMeta.MapList("name"));
        Add<V1PodSpec>("ephemeralContainers", PatchMeta.MapList("name"));
        Add<V1PodSpec>("imagePullSecrets", PatchMeta.MapList("name"));
        Add<V1PodSpec>("hostAliases", PatchMeta.MapList("ip"));
        Add<V1PodSpec>("topologySpreadConstraints", new PatchMeta("merge", "topologyKey", "map", ["topologyKey", "whenUnsatisfiable"]));
        Add<V1PodSpec>("resourceClaims", new PatchMeta("merge,retainKeys", "name", "map", ["name"]));
        Add<V1PodSpec>("schedulingGates", PatchMeta.MapList("name"));
        Add<V1PodSpec>("tolerations", PatchMeta.Atomic);
        Add<V1PodSpec>("readinessGates", PatchMeta.Atomic);

        foreach (var c in new[] { typeof(V1Container), typeof(V1EphemeralContainer) })
        {
            t[(c, "ports")] = new PatchMeta("merge", "containerPort", "map", ["containerPort", "protocol"]);
            t[(c, "env")] = PatchMeta.MapList("name");
            t[(c, "volumeMounts")] = PatchMeta.MapList("mountPath");
            t[(c, "volumeDevices")] = PatchMeta.MapList("devicePath");
            t[(c, "resizePolicy")] = PatchMeta.Atomic;
            t[(c, "envFrom")] = PatchMeta.Atomic;
            t[(c, "command")] = PatchMeta.Atomic;
            t[(c, "args")] = PatchMeta.Atomic;
        }
        Add<V1ResourceRequirements>("claims", new PatchMeta(null, null, "map", ["name"]));

        Add<V1PodStatus>("podIPs", PatchMeta.MapList("ip"));
        Add<V1PodStatus>("hostIPs", new PatchMeta("merge", "ip", "atomic", null));
        Add<V1PodStatus>("resourceClaimStatuses", new PatchMeta("merge,retainKeys", "name", "map", ["name"]));
        Add<V1ContainerStatus>("volumeMounts", PatchMeta.MapList("mountPath"));
        Add<V1ContainerStatus>("allocatedResourcesStatus", PatchMeta.MapList("name"));

        Add<V1NodeSpec>("podCIDRs", PatchMeta.Set);
        Add<V1NodeSpec>("taints", PatchMeta.Atomic);
        Add<V1NodeStatus>("addresses", PatchMeta.MapList("type"));

        Add<V1ServiceSpec>("ports", new PatchMeta("merge", "port", "map", ["port", "protocol"]));
        Add<V1ServiceSpec>("clusterIPs", PatchMeta.Atomic);
        Add<V1ServiceSpec>("externalIPs", PatchMeta.Atomic);
        Add<V1ServiceSpec>("ipFamilies", PatchMeta.Atomic);

        Add<V1ServiceAccount>("secrets", PatchMeta.MapList("name"));
        Add<V1ServiceAccount>("imagePullSecrets", PatchMeta.Atomic);

        Add<V1DeploymentSpec>("strategy", new PatchMeta("retainKeys", null, null, null));

        Add<V1JobStatus>("conditions", new PatchMeta("merge", "type", "atomic", null));
        Add<V2HorizontalPodAutoscalerStatus>("conditions", PatchMeta.MapList("type"));
        Add<V2HorizontalPodAutoscalerSpec>("metrics", PatchMeta.Atomic);
        return t;
    }
}
