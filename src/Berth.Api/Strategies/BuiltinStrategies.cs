using Berth.Api.Strategies.ApiExtensions;
using Berth.Api.Strategies.Autoscaling;
using Berth.Api.Strategies.Batch;
using Berth.Api.Strategies.Coordination;
using Berth.Api.Strategies.Core;
using Berth.Api.Strategies.Discovery;
using Berth.Api.Strategies.Events;
using Berth.Api.Strategies.Networking;
using Berth.Api.Strategies.Pods;
using Berth.Api.Strategies.Policy;
using Berth.Api.Strategies.Quota;
using Berth.Api.Strategies.Rbac;
using Berth.Api.Strategies.Scheduling;
using Berth.Api.Strategies.Services;
using Berth.Api.Strategies.Storage;
using Berth.Api.Strategies.Workloads;

namespace Berth.Api.Strategies;

/// <summary>Registers the strategies of the built-in kinds.</summary>
public static class BuiltinStrategies
{
    /// <summary>
    /// Registers every built-in strategy by (group, resource). Both autoscaling versions share one
    /// HorizontalPodAutoscaler strategy, which tells the shapes apart by <c>apiVersion</c>.
    /// </summary>
    public static void Register(KindStrategies strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        // core/v1
        strategies.Register("", "namespaces", NamespaceStrategy.Instance);
        strategies.Register("", "nodes", NodeStrategy.Instance);
        strategies.Register("", "pods", PodStrategy.Instance);
        strategies.Register("", "services", ServiceStrategy.Instance);
        strategies.Register("", "endpoints", EndpointsStrategy.Instance);
        strategies.Register("", "configmaps", ConfigMapStrategy.Instance);
        strategies.Register("", "secrets", SecretStrategy.Instance);
        strategies.Register("", "serviceaccounts", ServiceAccountStrategy.Instance);
        strategies.Register("", "events", EventStrategy.Core);
        strategies.Register("", "resourcequotas", ResourceQuotaStrategy.Instance);
        strategies.Register("", "limitranges", LimitRangeStrategy.Instance);
        strategies.Register("", "persistentvolumes", PersistentVolumeStrategy.Instance);
        strategies.Register("", "persistentvolumeclaims", PersistentVolumeClaimStrategy.Instance);
        strategies.Register("", "replicationcontrollers", ReplicationControllerStrategy.Instance);
        strategies.Register("", "podtemplates", PodTemplateStrategy.Instance);
        strategies.Register("", "bindings", BindingStrategy.Instance);
        // apps/v1
        strategies.Register("apps", "deployments", DeploymentStrategy.Instance);
        strategies.Register("apps", "replicasets", ReplicaSetStrategy.Instance);
        strategies.Register("apps", "statefulsets", StatefulSetStrategy.Instance);
        strategies.Register("apps", "daemonsets", DaemonSetStrategy.Instance);
        strategies.Register("apps", "controllerrevisions", ControllerRevisionStrategy.Instance);
        // batch/v1
        strategies.Register("batch", "jobs", JobStrategy.Instance);
        strategies.Register("batch", "cronjobs", CronJobStrategy.Instance);
        // autoscaling/v1 and v2
        strategies.Register("autoscaling", "horizontalpodautoscalers", HorizontalPodAutoscalerStrategy.Instance);
        // networking.k8s.io/v1
        strategies.Register("networking.k8s.io", "ingresses", IngressStrategy.Instance);
        strategies.Register("networking.k8s.io", "ingressclasses", IngressClassStrategy.Instance);
        strategies.Register("networking.k8s.io", "networkpolicies", NetworkPolicyStrategy.Instance);
        // the other groups
        strategies.Register("coordination.k8s.io", "leases", LeaseStrategy.Instance);
        strategies.Register("discovery.k8s.io", "endpointslices", EndpointSliceStrategy.Instance);
        strategies.Register("policy", "poddisruptionbudgets", PodDisruptionBudgetStrategy.Instance);
        strategies.Register("events.k8s.io", "events", EventStrategy.EventsApi);
        strategies.Register("scheduling.k8s.io", "priorityclasses", PriorityClassStrategy.Instance);
        strategies.Register("rbac.authorization.k8s.io", "roles", RbacRoleStrategy.Role);
        strategies.Register("rbac.authorization.k8s.io", "clusterroles", RbacRoleStrategy.ClusterRole);
        strategies.Register("rbac.authorization.k8s.io", "rolebindings", RbacBindingStrategy.RoleBinding);
        strategies.Register("rbac.authorization.k8s.io", "clusterrolebindings", RbacBindingStrategy.ClusterRoleBinding);
        strategies.Register("storage.k8s.io", "storageclasses", StorageClassStrategy.Instance);
        strategies.Register("apiextensions.k8s.io", "customresourcedefinitions", CustomResourceDefinitionStrategy.Instance);
    }
}
