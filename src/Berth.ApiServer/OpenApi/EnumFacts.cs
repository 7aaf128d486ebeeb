using System.Text;
using k8s.Models;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// The <c>enum</c> values (and the "Possible enum values" text kube-apiserver appends to the description) of the
/// string fields users most often look up with <c>kubectl explain</c>. The KubernetesClient docs drop both; this
/// table restores them for those fields (from the <c>+enum</c> types in k8s.io/api, Kubernetes 1.33).
/// </summary>
internal static class EnumFacts
{
    private static readonly (string Value, string? Doc)[] Protocols =
        [("SCTP", "is the SCTP protocol."), ("TCP", "is the TCP protocol."), ("UDP", "is the UDP protocol.")];

    private static readonly (string Value, string? Doc)[] ImagePullPolicies =
    [
        ("Always", "means that kubelet always attempts to pull the latest image. Container will fail If the pull fails."),
        ("IfNotPresent", "means that kubelet pulls if the image isn't present on disk. Container will fail if the image isn't present and the pull fails."),
        ("Never", "means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn't present"),
    ];

    private static readonly (string Value, string? Doc)[] TerminationMessagePolicies =
    [
        ("FallbackToLogsOnError", "will read the most recent contents of the container logs for the container status message when the container exits with an error and the terminationMessagePath has no contents."),
        ("File", "is the default behavior and will set the container status message to the contents of the container's terminationMessagePath when the container exits."),
    ];

    private static readonly (string Value, string? Doc)[] TrafficPolicies =
    [
        ("Cluster", "routes traffic to all endpoints."),
        ("Local", "preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on (dropping the traffic if there are no local endpoints)."),
    ];

    private static readonly (string Value, string? Doc)[] TaintEffects =
    [
        ("NoExecute", "Evict any already-running pods that do not tolerate the taint. Currently enforced by NodeController."),
        ("NoSchedule", "Do not allow new pods to schedule onto the node unless they tolerate the taint, but allow all pods submitted to Kubelet without going through the scheduler to start, and allow all already-running pods to continue running. Enforced by the scheduler."),
        ("PreferNoSchedule", "Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced by the scheduler."),
    ];

    private static readonly Dictionary<(Type, string), (string Value, string? Doc)[]> Table = new()
    {
        [(typeof(V1DeploymentStrategy), "type")] =
        [
            ("Recreate", "Kill all existing pods before creating new ones."),
            ("RollingUpdate", "Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one."),
        ],
        [(typeof(V1DaemonSetUpdateStrategy), "type")] =
        [
            ("OnDelete", "Replace the old daemons only when it's killed"),
            ("RollingUpdate", "Replace the old daemons by new ones using rolling update i.e replace them on each node one after the other."),
        ],
        [(typeof(V1StatefulSetSpec), "podManagementPolicy")] =
        [
            ("OrderedReady", "will create pods in strictly increasing order on scale up and strictly decreasing order on scale down, progressing only when the previous pod is ready or terminated. At most one pod will be changed at any time."),
            ("Parallel", "will create and delete pods as soon as the stateful set replica count is changed, and will not wait for pods to be ready or complete termination."),
        ],
        [(typeof(V1Container), "imagePullPolicy")] = ImagePullPolicies,
        [(typeof(V1EphemeralContainer), "imagePullPolicy")] = ImagePullPolicies,
        [(typeof(V1Container), "terminationMessagePolicy")] = TerminationMessagePolicies,
        [(typeof(V1EphemeralContainer), "terminationMessagePolicy")] = TerminationMessagePolicies,
        [(typeof(V1ContainerPort), "protocol")] = Protocols,
        [(typeof(V1ServicePort), "protocol")] = Protocols,
        [(typeof(Corev1EndpointPort), "protocol")] = Protocols,
        [(typeof(V1PodSpec), "restartPolicy")] = [("Always", null), ("Never", null), ("OnFailure", null)],
        [(typeof(V1PodSpec), "dnsPolicy")] =
        [
            ("ClusterFirst", "indicates that the pod should use cluster DNS first unless hostNetwork is true, if it is available, then fall back on the default (as determined by kubelet) DNS settings."),
            ("ClusterFirstWithHostNet", "indicates that the pod should use cluster DNS first, if it is available, then fall back on the default (as determined by kubelet) DNS settings."),
            ("Default", "indicates that the pod should use the default (as determined by kubelet) DNS settings."),
            ("None", "indicates that the pod should use empty DNS settings. DNS parameters such as nameservers and search paths should be defined via DNSConfig."),
        ],
        [(typeof(V1PodSpec), "preemptionPolicy")] =
        [
            ("Never", "means that pod never preempts other pods with lower priority."),
            ("PreemptLowerPriority", "means that pod can preempt other pods with lower priority."),
        ],
        [(typeof(V1ServiceSpec), "type")] =
        [
            ("ClusterIP", "means a service will only be accessible inside the cluster, via the cluster IP."),
            ("ExternalName", "means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or proxying of any pods involved."),
            ("LoadBalancer", "means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type."),
            ("NodePort", "means a service will be exposed on one port of every node, in addition to 'ClusterIP' type."),
        ],
        [(typeof(V1ServiceSpec), "sessionAffinity")] = [("ClientIP", "is the Client IP based."), ("None", "- no session affinity.")],
        [(typeof(V1ServiceSpec), "externalTrafficPolicy")] = TrafficPolicies,
        [(typeof(V1ServiceSpec), "internalTrafficPolicy")] = TrafficPolicies,
        [(typeof(V1HTTPGetAction), "scheme")] =
        [
            ("HTTP", "means that the scheme used will be http://"),
            ("HTTPS", "means that the scheme used will be https://"),
        ],
        [(typeof(V1Toleration), "operator")] = [("Equal", null), ("Exists", null)],
        [(typeof(V1Toleration), "effect")] = TaintEffects,
        [(typeof(V1Taint), "effect")] = TaintEffects,
        [(typeof(V1NodeSelectorRequirement), "operator")] =
            [("DoesNotExist", null), ("Exists", null), ("Gt", null), ("In", null), ("Lt", null), ("NotIn", null)],
        [(typeof(V1TopologySpreadConstraint), "whenUnsatisfiable")] =
        [
            ("DoNotSchedule", "instructs the scheduler not to schedule the pod when constraints are not satisfied."),
            ("ScheduleAnyway", "instructs the scheduler to schedule the pod even if constraints are not satisfied."),
        ],
        [(typeof(V1CronJobSpec), "concurrencyPolicy")] =
        [
            ("Allow", "allows CronJobs to run concurrently."),
            ("Forbid", "forbids concurrent runs, skipping next run if previous hasn't finished yet."),
            ("Replace", "cancels currently running job and replaces it with a new one."),
        ],
    };

    /// <summary>The enum of a string property, or null when the table does not know one.</summary>
    public static (string Value, string? Doc)[]? For(Type declaringType, string jsonName) =>
        Table.GetValueOrDefault((declaringType, jsonName));

    /// <summary>The description with kube's "Possible enum values" section appended.</summary>
    public static string Describe(string? description, (string Value, string? Doc)[] values)
    {
        var sb = new StringBuilder(description ?? "");
        if (sb.Length > 0)
        {
            sb.Append("\n\n");
        }
        sb.Append("Possible enum values:");
        foreach (var (value, doc) in values)
        {
            sb.Append("\n - `\"").Append(value).Append("\"`");
            if (doc is not null)
            {
                sb.Append(' ').Append(doc);
            }
        }
        return sb.ToString();
    }
}
