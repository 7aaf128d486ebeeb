using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

/// <summary>The smaller kinds: policy, scheduling, coordination, discovery, storage, RBAC, events, nodes, CRDs.</summary>
public sealed class ClusterStrategyTests
{
    [Fact]
    public void Create_PdbWithBothBounds_IsRejected()
    {
        var pdb = StrategyHarness.Yaml1("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web}
            spec: {minAvailable: "50%", maxUnavailable: 120%, selector: {matchLabels: {app: web}}}
            """);
        Assert.Equal(
        [
            "spec: Invalid value: {\"minAvailable\":\"50%\",\"maxUnavailable\":\"120%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}: minAvailable and maxUnavailable cannot be both set",
            "spec.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%",
        ], StrategyHarness.Create(pdb));
    }

    [Fact]
    public void Create_PriorityClass_DefaultsPolicyAndLimitsUserValues()
    {
        var pc = StrategyHarness.Created("""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 1000000
            """);
        Assert.Equal("PreemptLowerPriority", pc["preemptionPolicy"]!.GetValue<string>());

        var tooHigh = StrategyHarness.Yaml1("""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: top}
            value: 2000000000
            preemptionPolicy: Always
            """);
        Assert.Equal(
        [
            "value: Forbidden: maximum allowed value of a user defined priority is 1000000000",
            "preemptionPolicy: Unsupported value: \"Always\": supported values: \"PreemptLowerPriority\", \"Never\"",
        ], StrategyHarness.Create(tooHigh));

        var system = StrategyHarness.Yaml1("""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: system-mine}
            value: 5
            """);
        Assert.Equal(["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
            StrategyHarness.Create(system));
    }

    [Fact]
    public void Update_PriorityClassValue_CannotChange()
    {
        var old = StrategyHarness.Created("""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 100
            """);
        var pc = (JsonObject)old.DeepClone();
        pc["value"] = 200;
        Assert.Equal(["value: Forbidden: may not be changed in an update."], StrategyHarness.Update(pc, old));
    }

    [Fact]
    public void Create_LeaseWithBadDurations_IsRejected()
    {
        var lease = StrategyHarness.Yaml1("""
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: node-1, namespace: kube-node-lease}
            spec: {holderIdentity: node-1, leaseDurationSeconds: 0, leaseTransitions: -1, renewTime: "2025-05-01T10:00:00.000000Z"}
            """);
        Assert.Equal(
        [
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
        ], StrategyHarness.Create(lease));
        Assert.Equal("2025-05-01T10:00:00.000000Z", lease["spec"]!["renewTime"]!.GetValue<string>());
    }

    [Fact]
    public void Create_EndpointSlice_DefaultsPortsAndChecksAddresses()
    {
        var slice = StrategyHarness.Created("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            endpoints: [{addresses: [10.1.0.5], conditions: {ready: true}}]
            ports: [{port: 8080}]
            """);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"port":8080,"name":"","protocol":"TCP"}"""), slice["ports"]![0]);

        var bad = StrategyHarness.Yaml1("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-abc}
            addressType: IPv4
            endpoints: [{addresses: ["fe80::1", 127.0.0.1]}, {addresses: []}]
            """);
        Assert.Equal(
        [
            "endpoints[0].addresses[0]: Invalid value: \"fe80::1\": must be a valid IPv4 address",
            "endpoints[0].addresses[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "endpoints[1].addresses: Required value: must contain at least 1 address",
        ], StrategyHarness.Create(bad));
    }

    [Fact]
    public void Create_Endpoints_DefaultsProtocolAndNeedsAddresses()
    {
        var ep = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Endpoints
            metadata: {name: web}
            subsets:
            - ports: [{port: 80}]
            - addresses: [{ip: 10.1.0.7}]
              ports: [{port: 80}, {port: 81}]
            """);
        Assert.Equal(
        [
            "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
            "subsets[1].ports[0].name: Required value",
            "subsets[1].ports[1].name: Required value",
        ], StrategyHarness.Create(ep));
        Assert.Equal("TCP", ep["subsets"]![0]!["ports"]![0]!["protocol"]!.GetValue<string>());
    }

    [Fact]
    public void Create_PersistentVolumeAndClaim_GetStorageDefaults()
    {
        var pv = StrategyHarness.Created("""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: pv1}
            spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /srv/pv1}}
            """);
        Assert.Equal("Retain", pv["spec"]!["persistentVolumeReclaimPolicy"]!.GetValue<string>());
        Assert.Equal("Filesystem", pv["spec"]!["volumeMode"]!.GetValue<string>());
        Assert.Equal("Pending", pv["status"]!["phase"]!.GetValue<string>());

        var pvc = StrategyHarness.Created("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            """);
        Assert.Equal("Filesystem", pvc["spec"]!["volumeMode"]!.GetValue<string>());
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"phase":"Pending"}"""), pvc["status"]);

        var bad = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOncePod, ReadOnlyMany, WriteSometimes]}
            """);
        Assert.Equal(
        [
            "spec.accessModes: Unsupported value: \"WriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            "spec.resources[storage]: Required value",
        ], StrategyHarness.Create(bad));
    }

    [Fact]
    public void Create_RbacObjects_ValidateRulesAndSubjects()
    {
        var role = StrategyHarness.Yaml1("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: "system:reader"}
            rules: [{apiGroups: [""], resources: [pods]}, {verbs: [get], nonResourceURLs: [/healthz]}]
            """);
        Assert.Equal(
        [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[1].nonResourceURLs: Invalid value: [\"/healthz\"]: namespaced rules cannot apply to non-resource URLs",
        ], StrategyHarness.Create(role));

        var binding = StrategyHarness.Created("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: admins}
            roleRef: {kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: admins}, {kind: ServiceAccount, name: ci, namespace: ci}]
            """);
        Assert.Equal("rbac.authorization.k8s.io", binding["roleRef"]!["apiGroup"]!.GetValue<string>());
        Assert.Equal("rbac.authorization.k8s.io", binding["subjects"]![0]!["apiGroup"]!.GetValue<string>());
        Assert.Null(binding["subjects"]![1]!["apiGroup"]);

        var changed = (JsonObject)binding.DeepClone();
        changed["roleRef"]!["name"] = "view";
        Assert.Equal(["roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"ClusterRole\",\"Name\":\"view\"}: cannot change roleRef"],
            StrategyHarness.Update(changed, binding));
    }

    [Fact]
    public void Create_CoreEventInAnotherNamespace_IsRejected()
    {
        var ev = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Event
            metadata: {name: web.17a, namespace: default}
            involvedObject: {kind: Pod, name: web, namespace: other}
            reason: Started
            """);
        Assert.Equal(["involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"], StrategyHarness.Create(ev));
    }

    [Fact]
    public void Create_Node_DefaultsAllocatableFromCapacity()
    {
        var node = StrategyHarness.Created("""
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}
            status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}
            """);
        StrategyHarness.AssertJson(node["status"]!["capacity"], node["status"]!["allocatable"]);

        var bad = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            spec: {taints: [{key: a, effect: Sometimes}, {key: b}]}
            """);
        Assert.Equal(
        [
            "metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
            "metadata.taints[1].effect: Required value",
        ], StrategyHarness.Create(bad));
    }

    [Fact]
    public void Create_Crd_DefaultsNamesAndNeedsOneStorageVersion()
    {
        var crd = StrategyHarness.Created("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, kind: Widget}
              versions:
              - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
            """);
        Assert.Equal("widget", crd["spec"]!["names"]!["singular"]!.GetValue<string>());
        Assert.Equal("WidgetList", crd["spec"]!["names"]!["listKind"]!.GetValue<string>());
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"strategy":"None"}"""), crd["spec"]!["conversion"]);
        StrategyHarness.AssertJson(StrategyHarness.Node("""["v1"]"""), crd["status"]!["storedVersions"]);

        var bad = StrategyHarness.Yaml1("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example}
            spec:
              group: example
              scope: Global
              names: {plural: widgets, kind: Widget}
              versions: [{name: v1, served: true, storage: false}, {name: V2, served: true, storage: false}]
            """);
        Assert.Equal(
        [
            "spec.group: Invalid value: \"example\": should be a domain with at least one dot",
            "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"",
            "spec.versions[1].name: Invalid value: \"V2\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "spec.versions: Invalid value: [{\"name\":\"v1\",\"served\":true,\"storage\":false},{\"name\":\"V2\",\"served\":true,\"storage\":false}]: must have exactly one version marked as storage version",
        ], StrategyHarness.Create(bad));
    }

    [Fact]
    public void Create_StorageAndIngressClasses_GetDefaults()
    {
        var sc = StrategyHarness.Created("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: local}
            provisioner: kubernetes.io/no-provisioner
            """);
        Assert.Equal("Delete", sc["reclaimPolicy"]!.GetValue<string>());
        Assert.Equal("Immediate", sc["volumeBindingMode"]!.GetValue<string>());

        var ic = StrategyHarness.Created("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: berth}
            spec: {controller: berth.dev/ingress, parameters: {kind: Config, name: default}}
            """);
        Assert.Equal("Cluster", ic["spec"]!["parameters"]!["scope"]!.GetValue<string>());
    }
}
