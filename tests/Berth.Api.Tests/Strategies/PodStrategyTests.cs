using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class PodStrategyTests
{
    [Fact]
    public void Create_MinimalPod_GetsKubeDefaultsPendingPhaseAndQos()
    {
        var pod = StrategyHarness.Created("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: web
                image: nginx
                ports: [{containerPort: 80}]
                resources: {limits: {cpu: 500m, memory: 128Mi}}
                readinessProbe: {httpGet: {port: 80}}
                env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
              volumes:
              - name: cfg
                configMap: {name: cfg}
              - name: scratch
              - name: host
                hostPath: {path: /var/log}
            """);
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "containers": [ {
                "name": "web",
                "image": "nginx",
                "ports": [ { "containerPort": 80, "protocol": "TCP" } ],
                "resources": { "limits": { "cpu": "500m", "memory": "128Mi" }, "requests": { "cpu": "500m", "memory": "128Mi" } },
                "readinessProbe": {
                  "httpGet": { "port": 80, "path": "/", "scheme": "HTTP" },
                  "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3
                },
                "env": [ { "name": "POD", "valueFrom": { "fieldRef": { "fieldPath": "metadata.name", "apiVersion": "v1" } } } ],
                "imagePullPolicy": "Always",
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File"
              } ],
              "volumes": [
                { "name": "cfg", "configMap": { "name": "cfg", "defaultMode": 420 } },
                { "name": "scratch", "emptyDir": {} },
                { "name": "host", "hostPath": { "path": "/var/log", "type": "" } }
              ],
              "enableServiceLinks": true,
              "dnsPolicy": "ClusterFirst",
              "restartPolicy": "Always",
              "securityContext": {},
              "terminationGracePeriodSeconds": 30,
              "schedulerName": "default-scheduler"
            }
            """), pod["spec"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{ "phase": "Pending", "qosClass": "Guaranteed" }"""), pod["status"]);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.25", "IfNotPresent")]
    [InlineData("registry.local:5000/team/app", "Always")]
    [InlineData("registry.local:5000/team/app:v2", "IfNotPresent")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    public void Create_ImageWithoutPullPolicy_DefaultsByTag(string image, string expected)
    {
        var pod = StrategyHarness.Created($"""
            apiVersion: v1
            kind: Pod
            metadata: {"{"}name: web{"}"}
            spec:
              containers: [{"{"}name: web, image: "{image}"{"}"}]
            """);
        Assert.Equal(expected, pod["spec"]!["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}", "BestEffort")]
    [InlineData("{requests: {cpu: 100m}}", "Burstable")]
    [InlineData("{requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 64Mi}}", "Burstable")]
    [InlineData("{limits: {cpu: 1, memory: 1Gi}}", "Guaranteed")]
    [InlineData("{requests: {cpu: 1000m, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}", "Guaranteed")]
    public void Create_Resources_ComputesQosClassAsKube(string resources, string qos)
    {
        var pod = StrategyHarness.Created($"""
            apiVersion: v1
            kind: Pod
            metadata: {"{"}name: web{"}"}
            spec:
              containers:
              - name: web
                image: nginx:1.25
                resources: {resources}
            """);
        Assert.Equal(qos, pod["status"]!["qosClass"]!.GetValue<string>());
    }

    [Fact]
    public void Create_InvalidPod_ReportsEveryErrorInKubeOrder()
    {
        var pod = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec:
              restartPolicy: Sometimes
              containers:
              - name: web
                image: nginx
                ports: [{containerPort: 70000, protocol: HTTP}]
                resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}
                volumeMounts: [{name: missing, mountPath: /data}]
              - name: web
                livenessProbe: {exec: {command: ["true"]}, httpGet: {port: 80}}
            """);
        Assert.Equal(
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
            "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
            "spec.containers[1].image: Required value",
            "spec.containers[1].name: Duplicate value: \"web\"",
            "spec.containers[1].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type",
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
        ], StrategyHarness.Create(pod));
    }

    [Fact]
    public void Create_NoContainersBadNamesAndEnv_ReportsKubeMessages()
    {
        var pod = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec:
              dnsPolicy: Google
              volumes: [{name: Data, emptyDir: {}}, {name: data, emptyDir: {}}, {name: data, emptyDir: {}}]
              initContainers:
              - name: init
                image: busybox
                env: [{name: "A=B", value: x}, {name: "", value: y}]
                readinessProbe: {tcpSocket: {port: 1}}
            """);
        Assert.Equal(
        [
            "spec.volumes[0].name: Invalid value: \"Data\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.volumes[2].name: Duplicate value: \"data\"",
            "spec.containers: Required value",
            "spec.initContainers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
            "spec.initContainers[0].env[1].name: Required value",
            "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            "spec.dnsPolicy: Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
        ], StrategyHarness.Create(pod));
    }

    [Fact]
    public void Create_ProbeWithoutHandlerAndNegativeValues_IsRejected()
    {
        var pod = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: c
                image: busybox
                livenessProbe: {initialDelaySeconds: -5, successThreshold: 2}
                startupProbe: {grpc: {port: 0}}
            """);
        Assert.Equal(
        [
            "spec.containers[0].livenessProbe: Required value: must specify a handler type",
            "spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0",
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
            "spec.containers[0].startupProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive",
        ], StrategyHarness.Create(pod));
    }

    [Fact]
    public void Create_EphemeralContainersAndGatedNode_AreForbidden()
    {
        var pod = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              nodeName: node-1
              schedulingGates: [{name: example.com/wait}]
              containers: [{name: c, image: busybox}]
              ephemeralContainers: [{name: debug, image: busybox}]
            """);
        Assert.Equal(
        [
            "spec.ephemeralContainers: Forbidden: cannot be set on create",
            "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared",
        ], StrategyHarness.Create(pod));
    }

    [Fact]
    public void Create_SchedulingGates_AddsSchedulingGatedCondition()
    {
        var pod = StrategyHarness.Created("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              schedulingGates: [{name: example.com/wait}]
              containers: [{name: c, image: busybox}]
            """);
        Assert.Equal("SchedulingGated", pod["status"]!["conditions"]![0]!["reason"]!.GetValue<string>());
    }

    private static JsonObject StoredPod() => StrategyHarness.Created("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web, resourceVersion: "5"}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
          tolerations: [{key: a, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]
        """);

    [Fact]
    public void Update_ImageAndTolerationSeconds_AreAllowed()
    {
        var old = StoredPod();
        var pod = (JsonObject)old.DeepClone();
        pod["spec"]!["containers"]![0]!["image"] = "nginx:1.27";
        pod["spec"]!["tolerations"]![0]!["tolerationSeconds"] = 60;
        pod["spec"]!["tolerations"]!.AsArray().Add(new JsonObject { ["key"] = "b", ["operator"] = "Exists" });
        Assert.Empty(StrategyHarness.Update(pod, old));
    }

    [Fact]
    public void Update_OtherSpecField_IsForbiddenWithKubeMessage()
    {
        var old = StoredPod();
        var pod = (JsonObject)old.DeepClone();
        pod["spec"]!["containers"]![0]!["workingDir"] = "/srv";
        var errs = StrategyHarness.Update(pod, old);
        var err = Assert.Single(errs);
        Assert.StartsWith(
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
            err);
    }

    [Fact]
    public void Update_AddedContainerOrRemovedToleration_IsForbidden()
    {
        var old = StoredPod();
        var pod = (JsonObject)old.DeepClone();
        pod["spec"]!["containers"]!.AsArray().Add(new JsonObject { ["name"] = "side", ["image"] = "busybox" });
        Assert.Equal(["spec.containers: Forbidden: pod updates may not add or remove containers"], StrategyHarness.Update(pod, old));

        pod = (JsonObject)old.DeepClone();
        pod["spec"]!["tolerations"] = new JsonArray();
        Assert.Equal(["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"], StrategyHarness.Update(pod, old));
    }
}
