using System.Text.Json.Nodes;
using k8s.Models;

namespace Berth.ApiServer.Apply;

/// <summary>
/// Server-side-apply facts about the built-in API types that neither the KubernetesClient models nor
/// <see cref="Berth.Api.Schema.PatchMetadata"/> carry: <c>+structType=atomic</c> types, <c>+mapType=atomic</c>
/// fields, non-pointer struct fields (always present in kube's typed objects) and <c>+default</c> values of
/// list-map key fields. Taken from the k8s.io/api Go types.
/// </summary>
internal static class BuiltinApplySemantics
{
    /// <summary>Types marked <c>+structType=atomic</c>: replaced and owned as a unit.</summary>
    private static readonly HashSet<Type> AtomicStructs =
    [
        typeof(V1LabelSelector),
        typeof(V1LocalObjectReference),
        typeof(V1ObjectReference),
        typeof(V1TypedLocalObjectReference),
        typeof(V1NodeSelector),
        typeof(V1NodeSelectorTerm),
        typeof(V1TopologySelectorTerm),
        typeof(V1ConfigMapKeySelector),
        typeof(V1SecretKeySelector),
        typeof(V1ObjectFieldSelector),
        typeof(V1ResourceFieldSelector),
        typeof(V1SecretReference),
    ];

    /// <summary>String maps marked <c>+mapType=atomic</c>.</summary>
    private static readonly HashSet<(Type, string)> AtomicMaps =
    [
        (typeof(V1PodSpec), "nodeSelector"),
        (typeof(V1ServiceSpec), "selector"),
        (typeof(V1ReplicationControllerSpec), "selector"),
    ];

    /// <summary>
    /// Fields a typed Go object always has: non-pointer structs (present as <c>{}</c>), and slices without
    /// <c>omitempty</c> (present as null).
    /// </summary>
    private static readonly HashSet<(Type, string)> ImplicitFields =
    [
        (typeof(V1PodSpec), "containers"),
        (typeof(V1Role), "rules"),
        (typeof(V1ClusterRole), "rules"),
        (typeof(V1EndpointSlice), "endpoints"),
        (typeof(V1PodTemplateSpec), "metadata"),
        (typeof(V1PodTemplateSpec), "spec"),
        (typeof(V1PodTemplate), "template"),
        (typeof(V1DeploymentSpec), "template"),
        (typeof(V1DeploymentSpec), "strategy"),
        (typeof(V1ReplicaSetSpec), "template"),
        (typeof(V1DaemonSetSpec), "template"),
        (typeof(V1DaemonSetSpec), "updateStrategy"),
        (typeof(V1StatefulSetSpec), "template"),
        (typeof(V1StatefulSetSpec), "updateStrategy"),
        (typeof(V1JobSpec), "template"),
        (typeof(V1CronJobSpec), "jobTemplate"),
        (typeof(V1JobTemplateSpec), "metadata"),
        (typeof(V1JobTemplateSpec), "spec"),
        (typeof(V1Container), "resources"),
        (typeof(V1EphemeralContainer), "resources"),
        (typeof(V1PersistentVolumeClaimSpec), "resources"),
        (typeof(V1ServiceStatus), "loadBalancer"),
        (typeof(V1IngressStatus), "loadBalancer"),
        (typeof(V1NodeStatus), "daemonEndpoints"),
        (typeof(V1NodeStatus), "nodeInfo"),
        (typeof(V1NodeDaemonEndpoints), "kubeletEndpoint"),
        (typeof(V1ContainerStatus), "state"),
        (typeof(V1ContainerStatus), "lastState"),
        (typeof(V1HorizontalPodAutoscalerSpec), "scaleTargetRef"),
        (typeof(V2HorizontalPodAutoscalerSpec), "scaleTargetRef"),
        (typeof(V1NetworkPolicySpec), "podSelector"),
        (typeof(V1RoleBinding), "roleRef"),
        (typeof(V1ClusterRoleBinding), "roleRef"),
        (typeof(Corev1Event), "involvedObject"),
        (typeof(Corev1Event), "source"),
        (typeof(Eventsv1Event), "regarding"),
        (typeof(V1ValidatingWebhook), "clientConfig"),
        (typeof(V1MutatingWebhook), "clientConfig"),
        (typeof(V1CustomResourceDefinitionSpec), "names"),
        (typeof(V1CustomResourceDefinitionStatus), "acceptedNames"),
        (typeof(V1Endpoint), "conditions"),
        (typeof(V1IngressServiceBackend), "port"),
        (typeof(V1HTTPIngressPath), "backend"),
    ];

    /// <summary>Top-level fields that every built-in kind declares as non-pointer structs.</summary>
    private static readonly HashSet<string> ImplicitRootFields = ["metadata", "spec", "status"];

    private static readonly Dictionary<(Type, string), string> KeyDefaults = new()
    {
        [(typeof(V1ContainerPort), "protocol")] = "TCP",
        [(typeof(V1ServicePort), "protocol")] = "TCP",
    };

    public static bool IsAtomicStruct(Type type) => AtomicStructs.Contains(type);

    public static bool IsAtomicMap(Type declaringType, string field) => AtomicMaps.Contains((declaringType, field));

    public static bool IsImplicit(Type declaringType, string field, bool root) =>
        (root && ImplicitRootFields.Contains(field)) || ImplicitFields.Contains((declaringType, field));

    public static JsonNode? KeyDefault(Type declaringType, string field) =>
        KeyDefaults.TryGetValue((declaringType, field), out var v) ? JsonValue.Create(v) : null;
}
