using k8s.Models;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Facts about the Kubernetes types that the KubernetesClient model classes do not carry: which fields are
/// required, which structs are atomic maps, which timestamps are MicroTime, which <c>object</c>-typed
/// properties are named Kubernetes types (RawExtension, FieldsV1, JSON…). From the Go types in k8s.io/api,
/// k8s.io/apimachinery and k8s.io/apiextensions-apiserver (Kubernetes 1.33).
/// </summary>
/// <remarks>
/// <c>required</c> matters beyond <c>kubectl explain</c>'s "-required-" marker: clients that validate against the
/// schema reject objects that lack a required field, so this table lists only fields Kubernetes itself requires.
/// </remarks>
internal static class SchemaFacts
{
    private static readonly Dictionary<Type, string[]> RequiredTable = BuildRequired();

    /// <summary>JSON names of the required properties of a model type, in Kubernetes' order; empty when none.</summary>
    public static IReadOnlyList<string> Required(Type modelType)
    {
        if (RequiredTable.TryGetValue(modelType, out var fields))
        {
            return fields;
        }
        // Every list kind requires its items.
        return modelType.Name.EndsWith("List", StringComparison.Ordinal) && modelType.GetProperty("Items") is not null
            ? ItemsOnly
            : [];
    }

    private static readonly string[] ItemsOnly = ["items"];

    /// <summary>Structs marked <c>+structType=atomic</c> (<c>x-kubernetes-map-type: atomic</c>).</summary>
    public static bool IsAtomicStruct(Type modelType) => AtomicStructs.Contains(modelType);

    private static readonly HashSet<Type> AtomicStructs =
    [
        typeof(V1LabelSelector), typeof(V1LocalObjectReference), typeof(V1ObjectReference), typeof(V1TypedLocalObjectReference),
        typeof(V1ConfigMapKeySelector), typeof(V1SecretKeySelector), typeof(V1ObjectFieldSelector), typeof(V1ResourceFieldSelector),
        typeof(V1NodeSelector), typeof(V1NodeSelectorTerm), typeof(V1TopologySelectorTerm), typeof(V1SecretReference),
    ];

    /// <summary>Timestamps that are <c>metav1.MicroTime</c> rather than <c>metav1.Time</c>.</summary>
    public static bool IsMicroTime(Type declaringType, string jsonName) => MicroTimes.Contains((declaringType, jsonName));

    private static readonly HashSet<(Type, string)> MicroTimes =
    [
        (typeof(V1LeaseSpec), "acquireTime"), (typeof(V1LeaseSpec), "renewTime"),
        (typeof(Corev1Event), "eventTime"), (typeof(Eventsv1Event), "eventTime"),
        (typeof(V1alpha2LeaseCandidateSpec), "pingTime"), (typeof(V1alpha2LeaseCandidateSpec), "renewTime"),
        (typeof(V1beta1LeaseCandidateSpec), "pingTime"), (typeof(V1beta1LeaseCandidateSpec), "renewTime"),
    ];

    /// <summary>The named Kubernetes type behind an <c>object</c>-typed property (or its list/map elements), or null.</summary>
    public static string? NamedAny(Type declaringType, string jsonName) => NamedAnys.GetValueOrDefault((declaringType, jsonName));

    private static readonly Dictionary<(Type, string), string> NamedAnys = new()
    {
        [(typeof(V1ManagedFieldsEntry), "fieldsV1")] = DefinitionNames.FieldsV1,
        [(typeof(V1ControllerRevision), "data")] = DefinitionNames.RawExtension,
        [(typeof(V1WatchEvent), "object")] = DefinitionNames.RawExtension,
        [(typeof(V1AllocatedDeviceStatus), "data")] = DefinitionNames.RawExtension,
        [(typeof(V1OpaqueDeviceConfiguration), "parameters")] = DefinitionNames.RawExtension,
        [(typeof(V1CustomResourceSubresources), "status")] = DefinitionNames.CustomResourceSubresourceStatus,
        [(typeof(V1JSONSchemaProps), "additionalItems")] = DefinitionNames.JsonSchemaPropsOrBool,
        [(typeof(V1JSONSchemaProps), "additionalProperties")] = DefinitionNames.JsonSchemaPropsOrBool,
        [(typeof(V1JSONSchemaProps), "default")] = DefinitionNames.Json,
        [(typeof(V1JSONSchemaProps), "example")] = DefinitionNames.Json,
        [(typeof(V1JSONSchemaProps), "enum")] = DefinitionNames.Json,
        [(typeof(V1JSONSchemaProps), "items")] = DefinitionNames.JsonSchemaPropsOrArray,
        [(typeof(V1JSONSchemaProps), "dependencies")] = DefinitionNames.JsonSchemaPropsOrStringArray,
    };

    private static Dictionary<Type, string[]> BuildRequired()
    {
        var t = new Dictionary<Type, string[]>();
        void R<T>(params string[] fields) => t[typeof(T)] = fields;

        // meta/v1 and version
        R<V1LabelSelectorRequirement>("key", "operator");
        R<V1OwnerReference>("apiVersion", "kind", "name", "uid");
        R<V1Condition>("type", "status", "lastTransitionTime", "reason", "message");
        R<V1APIResource>("name", "singularName", "namespaced", "kind", "verbs");
        R<V1APIResourceList>("groupVersion", "resources");
        R<V1APIGroup>("name", "versions");
        R<V1APIGroupList>("groups");
        R<V1APIVersions>("versions", "serverAddressByClientCIDRs");
        R<V1GroupVersionForDiscovery>("groupVersion", "version");
        R<V1ServerAddressByClientCIDR>("clientCIDR", "serverAddress");
        R<V1WatchEvent>("type", "object");
        R<VersionInfo>("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform");

        // core/v1: pods and their parts
        R<V1PodSpec>("containers");
        R<V1Container>("name");
        R<V1EphemeralContainer>("name");
        R<V1ContainerPort>("containerPort");
        R<V1EnvVar>("name");
        R<V1VolumeMount>("name", "mountPath");
        R<V1VolumeDevice>("name", "devicePath");
        R<V1Volume>("name");
        R<V1ConfigMapKeySelector>("key");
        R<V1SecretKeySelector>("key");
        R<V1ObjectFieldSelector>("fieldPath");
        R<V1ResourceFieldSelector>("resource");
        R<V1FileKeySelector>("volumeName", "path", "key");
        R<V1KeyToPath>("key", "path");
        R<V1DownwardAPIVolumeFile>("path");
        R<V1ServiceAccountTokenProjection>("path");
        R<V1ClusterTrustBundleProjection>("path");
        R<V1PodCertificateProjection>("signerName", "keyType");
        R<V1PersistentVolumeClaimTemplate>("spec");
        R<V1HTTPGetAction>("port");
        R<V1HTTPHeader>("name", "value");
        R<V1TCPSocketAction>("port");
        R<V1GRPCAction>("port");
        R<V1SleepAction>("seconds");
        R<V1NodeSelector>("nodeSelectorTerms");
        R<V1NodeSelectorRequirement>("key", "operator");
        R<V1PreferredSchedulingTerm>("weight", "preference");
        R<V1WeightedPodAffinityTerm>("weight", "podAffinityTerm");
        R<V1PodAffinityTerm>("topologyKey");
        R<V1TopologySpreadConstraint>("maxSkew", "topologyKey", "whenUnsatisfiable");
        R<V1HostAlias>("ip");
        R<V1PodReadinessGate>("conditionType");
        R<V1PodSchedulingGate>("name");
        R<V1PodResourceClaim>("name");
        R<V1Sysctl>("name", "value");
        R<V1PodOS>("name");
        R<V1SeccompProfile>("type");
        R<V1AppArmorProfile>("type");
        R<V1ContainerResizePolicy>("resourceName", "restartPolicy");
        R<V1ContainerRestartRule>("action");
        R<V1ContainerRestartRuleOnExitCodes>("operator");
        R<Corev1ResourceClaim>("name");
        R<V1LinuxContainerUser>("uid", "gid");
        R<V1PodCondition>("type", "status");
        R<V1ContainerStatus>("name", "ready", "restartCount", "image", "imageID");
        R<V1ContainerStateTerminated>("exitCode");
        R<V1VolumeMountStatus>("name", "mountPath");
        R<V1PodIP>("ip");
        R<V1HostIP>("ip");
        R<V1ResourceStatus>("name");
        R<V1ResourceHealth>("resourceID");
        R<V1PodResourceClaimStatus>("name");
        // core/v1: volume sources
        R<V1AWSElasticBlockStoreVolumeSource>("volumeID");
        R<V1AzureDiskVolumeSource>("diskName", "diskURI");
        R<V1AzureFileVolumeSource>("secretName", "shareName");
        R<V1AzureFilePersistentVolumeSource>("secretName", "shareName");
        R<V1CephFSVolumeSource>("monitors");
        R<V1CephFSPersistentVolumeSource>("monitors");
        R<V1CinderVolumeSource>("volumeID");
        R<V1CinderPersistentVolumeSource>("volumeID");
        R<V1CSIVolumeSource>("driver");
        R<V1CSIPersistentVolumeSource>("driver", "volumeHandle");
        R<V1FlexVolumeSource>("driver");
        R<V1FlexPersistentVolumeSource>("driver");
        R<V1GCEPersistentDiskVolumeSource>("pdName");
        R<V1GitRepoVolumeSource>("repository");
        R<V1GlusterfsVolumeSource>("endpoints", "path");
        R<V1GlusterfsPersistentVolumeSource>("endpoints", "path");
        R<V1HostPathVolumeSource>("path");
        R<V1ISCSIVolumeSource>("targetPortal", "iqn", "lun");
        R<V1ISCSIPersistentVolumeSource>("targetPortal", "iqn", "lun");
        R<V1LocalVolumeSource>("path");
        R<V1NFSVolumeSource>("server", "path");
        R<V1PersistentVolumeClaimVolumeSource>("claimName");
        R<V1PhotonPersistentDiskVolumeSource>("pdID");
        R<V1PortworxVolumeSource>("volumeID");
        R<V1QuobyteVolumeSource>("registry", "volume");
        R<V1RBDVolumeSource>("monitors", "image");
        R<V1RBDPersistentVolumeSource>("monitors", "image");
        R<V1ScaleIOVolumeSource>("gateway", "system", "secretRef");
        R<V1ScaleIOPersistentVolumeSource>("gateway", "system", "secretRef");
        R<V1VsphereVirtualDiskVolumeSource>("volumePath");
        // core/v1: other kinds
        R<V1TypedLocalObjectReference>("kind", "name");
        R<V1TypedObjectReference>("kind", "name");
        R<V1PersistentVolumeClaimCondition>("type", "status");
        R<V1ModifyVolumeStatus>("status");
        R<V1TopologySelectorLabelRequirement>("key", "values");
        R<V1ServicePort>("port");
        R<V1PortStatus>("port", "protocol");
        R<V1Binding>("target");
        R<V1EndpointAddress>("ip");
        R<Corev1EndpointPort>("port");
        R<Corev1Event>("metadata", "involvedObject");
        R<V1NamespaceCondition>("type", "status");
        R<V1NodeCondition>("type", "status");
        R<V1NodeAddress>("type", "address");
        R<V1NodeSystemInfo>("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
            "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture");
        R<V1Taint>("key", "effect");
        R<V1DaemonEndpoint>("Port");
        R<V1AttachedVolume>("name", "devicePath");
        R<V1ConfigMapNodeConfigSource>("namespace", "name", "kubeletConfigKey");
        R<V1LimitRangeItem>("type");
        R<V1LimitRangeSpec>("limits");
        R<V1ScopedResourceSelectorRequirement>("scopeName", "operator");
        R<V1ReplicationControllerCondition>("type", "status");
        R<V1ReplicationControllerStatus>("replicas");

        // apps/v1
        R<V1DeploymentSpec>("selector", "template");
        R<V1DeploymentCondition>("type", "status");
        R<V1ReplicaSetSpec>("selector");
        R<V1ReplicaSetStatus>("replicas");
        R<V1ReplicaSetCondition>("type", "status");
        R<V1StatefulSetSpec>("selector", "template");
        R<V1StatefulSetStatus>("replicas");
        R<V1StatefulSetCondition>("type", "status");
        R<V1DaemonSetSpec>("selector", "template");
        R<V1DaemonSetStatus>("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady");
        R<V1DaemonSetCondition>("type", "status");
        R<V1ControllerRevision>("revision");

        // batch/v1
        R<V1JobSpec>("template");
        R<V1JobCondition>("type", "status");
        R<V1CronJobSpec>("schedule", "jobTemplate");
        R<V1PodFailurePolicy>("rules");
        R<V1PodFailurePolicyRule>("action");
        R<V1PodFailurePolicyOnExitCodesRequirement>("operator", "values");
        R<V1PodFailurePolicyOnPodConditionsPattern>("type");
        R<V1SuccessPolicy>("rules");

        // autoscaling/v1 and v2
        R<V1HorizontalPodAutoscalerSpec>("scaleTargetRef", "maxReplicas");
        R<V1HorizontalPodAutoscalerStatus>("currentReplicas", "desiredReplicas");
        R<V1CrossVersionObjectReference>("kind", "name");
        R<V1ScaleStatus>("replicas");
        R<V2HorizontalPodAutoscalerSpec>("scaleTargetRef", "maxReplicas");
        R<V2HorizontalPodAutoscalerStatus>("desiredReplicas");
        R<V2HorizontalPodAutoscalerCondition>("type", "status");
        R<V2CrossVersionObjectReference>("kind", "name");
        R<V2MetricSpec>("type");
        R<V2MetricStatus>("type");
        R<V2MetricTarget>("type");
        R<V2MetricIdentifier>("name");
        R<V2ResourceMetricSource>("name", "target");
        R<V2ContainerResourceMetricSource>("name", "target", "container");
        R<V2PodsMetricSource>("metric", "target");
        R<V2ObjectMetricSource>("describedObject", "target", "metric");
        R<V2ExternalMetricSource>("metric", "target");
        R<V2ResourceMetricStatus>("name", "current");
        R<V2ContainerResourceMetricStatus>("name", "current", "container");
        R<V2PodsMetricStatus>("metric", "current");
        R<V2ObjectMetricStatus>("metric", "current", "describedObject");
        R<V2ExternalMetricStatus>("metric", "current");
        R<V2HPAScalingPolicy>("type", "value", "periodSeconds");

        // networking, discovery, events, scheduling, rbac, storage
        R<V1HTTPIngressRuleValue>("paths");
        R<V1HTTPIngressPath>("pathType", "backend");
        R<V1IngressServiceBackend>("name");
        R<V1IngressClassParametersReference>("kind", "name");
        R<V1IngressPortStatus>("port", "protocol");
        R<V1IPBlock>("cidr");
        R<V1EndpointSlice>("addressType", "endpoints");
        R<V1Endpoint>("addresses");
        R<V1ForZone>("name");
        R<V1ForNode>("name");
        R<Eventsv1Event>("eventTime");
        R<Eventsv1EventSeries>("count", "lastObservedTime");
        R<V1PriorityClass>("value");
        R<V1PolicyRule>("verbs");
        R<V1RoleRef>("apiGroup", "kind", "name");
        R<Rbacv1Subject>("kind", "name");
        R<V1RoleBinding>("roleRef");
        R<V1ClusterRoleBinding>("roleRef");
        R<V1StorageClass>("provisioner");

        // apiextensions.k8s.io/v1
        R<V1CustomResourceDefinition>("spec");
        R<V1CustomResourceDefinitionSpec>("group", "names", "scope", "versions");
        R<V1CustomResourceDefinitionNames>("plural", "kind");
        R<V1CustomResourceDefinitionVersion>("name", "served", "storage");
        R<V1CustomResourceDefinitionCondition>("type", "status");
        R<V1CustomResourceColumnDefinition>("name", "type", "jsonPath");
        R<V1CustomResourceConversion>("strategy");
        R<V1WebhookConversion>("conversionReviewVersions");
        R<V1CustomResourceSubresourceScale>("specReplicasPath", "statusReplicasPath");
        R<V1ValidationRule>("rule");
        R<V1SelectableField>("jsonPath");
        R<Apiextensionsv1ServiceReference>("namespace", "name");
        return t;
    }
}
