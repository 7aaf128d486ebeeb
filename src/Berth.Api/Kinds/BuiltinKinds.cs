using k8s.Models;

namespace Berth.Api.Kinds;

/// <summary>
/// The built-in resources Berth serves, with the short names, categories and subresources that
/// kube-apiserver 1.33 advertises for them.
/// </summary>
public static class BuiltinKinds
{
    private static readonly string[] All = ["all"];
    private static readonly string[] CreateOnly = ["create"];

    /// <summary>All built-in resources, preferred versions first within a group.</summary>
    public static IReadOnlyList<ResourceInfo> Resources { get; } = Build();

    private static ResourceInfo R<T>(string group, string version, string resource, string kind, bool namespaced,
        string[]? shortNames = null, string[]? categories = null, string[]? subresources = null, bool preferred = true) =>
        new()
        {
            Group = group,
            Version = version,
            Resource = resource,
            Kind = kind,
            Namespaced = namespaced,
            Singular = kind.ToLowerInvariant(),
            ShortNames = shortNames ?? [],
            Categories = categories ?? [],
            Subresources = subresources ?? [],
            ModelType = typeof(T),
            Preferred = preferred,
        };

    private static List<ResourceInfo> Build() =>
    [
        // core/v1
        R<V1Namespace>("", "v1", "namespaces", "Namespace", false, ["ns"], subresources: ["status", "finalize"]),
        R<V1Node>("", "v1", "nodes", "Node", false, ["no"], subresources: ["status", "proxy"]),
        R<V1Pod>("", "v1", "pods", "Pod", true, ["po"], All,
            ["status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "resize"]),
        R<V1Service>("", "v1", "services", "Service", true, ["svc"], All, ["status", "proxy"]),
        R<V1Endpoints>("", "v1", "endpoints", "Endpoints", true, ["ep"]),
        R<V1ConfigMap>("", "v1", "configmaps", "ConfigMap", true, ["cm"]),
        R<V1Secret>("", "v1", "secrets", "Secret", true),
        R<V1ServiceAccount>("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"], subresources: ["token"]),
        R<Corev1Event>("", "v1", "events", "Event", true, ["ev"]),
        R<V1ResourceQuota>("", "v1", "resourcequotas", "ResourceQuota", true, ["quota"], subresources: ["status"]),
        R<V1LimitRange>("", "v1", "limitranges", "LimitRange", true, ["limits"]),
        R<V1PersistentVolume>("", "v1", "persistentvolumes", "PersistentVolume", false, ["pv"], subresources: ["status"]),
        R<V1PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], subresources: ["status"]),
        R<V1ReplicationController>("", "v1", "replicationcontrollers", "ReplicationController", true, ["rc"], All, ["status", "scale"]),
        R<V1PodTemplate>("", "v1", "podtemplates", "PodTemplate", true),
        R<V1Binding>("", "v1", "bindings", "Binding", true) with { Verbs = CreateOnly },
        // apps/v1
        R<V1Deployment>("apps", "v1", "deployments", "Deployment", true, ["deploy"], All, ["status", "scale"]),
        R<V1ReplicaSet>("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], All, ["status", "scale"]),
        R<V1StatefulSet>("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"], All, ["status", "scale"]),
        R<V1DaemonSet>("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"], All, ["status"]),
        R<V1ControllerRevision>("apps", "v1", "controllerrevisions", "ControllerRevision", true),
        // batch/v1
        R<V1Job>("batch", "v1", "jobs", "Job", true, categories: All, subresources: ["status"]),
        R<V1CronJob>("batch", "v1", "cronjobs", "CronJob", true, ["cj"], All, ["status"]),
        // autoscaling: v2 is preferred (as in Kubernetes 1.33); v1 is served from the same storage.
        R<V2HorizontalPodAutoscaler>("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"], All, ["status"]),
        R<V1HorizontalPodAutoscaler>("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"], All, ["status"], preferred: false),
        // networking.k8s.io/v1
        R<V1Ingress>("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"], subresources: ["status"]),
        R<V1IngressClass>("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
        R<V1NetworkPolicy>("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, ["netpol"]),
        // coordination, discovery, policy, events, scheduling
        R<V1Lease>("coordination.k8s.io", "v1", "leases", "Lease", true),
        R<V1EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
        R<V1PodDisruptionBudget>("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"], subresources: ["status"]),
        R<Eventsv1Event>("events.k8s.io", "v1", "events", "Event", true, ["ev"]),
        R<V1PriorityClass>("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, ["pc"]),
        // rbac: stored and served so manifests that carry RBAC objects apply (Berth's authorizer is admin-or-read-only).
        R<V1Role>("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
        R<V1RoleBinding>("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        R<V1ClusterRole>("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
        R<V1ClusterRoleBinding>("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
        R<V1StorageClass>("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ["sc"]),
        // apiextensions
        R<V1CustomResourceDefinition>("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false,
            ["crd", "crds"], ["api-extensions"], ["status"]),
    ];
}
