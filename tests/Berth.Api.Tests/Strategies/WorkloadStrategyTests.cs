using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class WorkloadStrategyTests
{
    private const string StatefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: "postgres:16"}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """;

    [Fact]
    public void Create_StatefulSet_GetsKubeDefaults()
    {
        var sts = StrategyHarness.Created(StatefulSet);
        var spec = sts["spec"]!;
        Assert.Equal("\"OrderedReady\"", spec["podManagementPolicy"]!.ToJsonString());
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"type":"RollingUpdate","rollingUpdate":{"partition":0}}"""), spec["updateStrategy"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"whenDeleted":"Retain","whenScaled":"Retain"}"""), spec["persistentVolumeClaimRetentionPolicy"]);
        Assert.Equal("1", spec["replicas"]!.ToJsonString());
        Assert.Equal("10", spec["revisionHistoryLimit"]!.ToJsonString());
        var claim = spec["volumeClaimTemplates"]![0]!;
        Assert.Equal("\"Filesystem\"", claim["spec"]!["volumeMode"]!.ToJsonString());
        Assert.Equal("\"Pending\"", claim["status"]!["phase"]!.ToJsonString());
    }

    [Fact]
    public void Update_StatefulSetServiceName_IsForbidden()
    {
        var old = StrategyHarness.Created(StatefulSet);
        var sts = (JsonObject)old.DeepClone();
        sts["spec"]!["serviceName"] = "db2";
        sts["spec"]!["replicas"] = 3;
        Assert.Equal(
        [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ], StrategyHarness.Update(sts, old));
    }

    [Fact]
    public void Create_InvalidStatefulSet_ReportsKubeErrors()
    {
        var sts = StrategyHarness.Yaml1(StatefulSet);
        sts["spec"]!["podManagementPolicy"] = "Random";
        sts["spec"]!["updateStrategy"] = StrategyHarness.Json("""{"type":"RollingUpdate","rollingUpdate":{"partition":-1,"maxUnavailable":0}}""");
        sts["spec"]!["template"]!["spec"]!["restartPolicy"] = "Never";
        Assert.Equal(
        [
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ], StrategyHarness.Create(sts));
    }

    private const string DaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              containers: [{name: agent, image: "agent:1"}]
        """;

    [Fact]
    public void Create_DaemonSet_GetsDefaultsAndTemplateGeneration()
    {
        var ds = StrategyHarness.Created(DaemonSet);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}"""), ds["spec"]!["updateStrategy"]);
        Assert.Equal("10", ds["spec"]!["revisionHistoryLimit"]!.ToJsonString());
        Assert.Equal("1", ds["metadata"]!["annotations"]!["deprecated.daemonset.template.generation"]!.GetValue<string>());
    }

    [Fact]
    public void Update_DaemonSetTemplate_IncrementsTemplateGeneration()
    {
        var old = StrategyHarness.Created(DaemonSet);
        var ds = (JsonObject)old.DeepClone();
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "agent:2";
        Assert.Empty(StrategyHarness.Update(ds, old));
        Assert.Equal("2", ds["metadata"]!["annotations"]!["deprecated.daemonset.template.generation"]!.GetValue<string>());

        var same = (JsonObject)ds.DeepClone();
        same["metadata"]!["labels"] = new JsonObject { ["x"] = "y" };
        Assert.Empty(StrategyHarness.Update(same, ds));
        Assert.Equal("2", same["metadata"]!["annotations"]!["deprecated.daemonset.template.generation"]!.GetValue<string>());
    }

    [Fact]
    public void Create_DaemonSetWithZeroSurgeAndUnavailable_IsRejected()
    {
        var ds = StrategyHarness.Yaml1(DaemonSet);
        ds["spec"]!["updateStrategy"] = StrategyHarness.Json("""{"rollingUpdate":{"maxUnavailable":0,"maxSurge":0}}""");
        Assert.Equal(["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"], StrategyHarness.Create(ds));
    }

    [Fact]
    public void Update_ReplicaSetSpecError_IsReportedTwiceAsKubeDoes()
    {
        var old = StrategyHarness.Created("""
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.25"}]
            """);
        var rs = (JsonObject)old.DeepClone();
        rs["spec"]!["replicas"] = -2;
        Assert.Equal(
        [
            "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
            "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
        ], StrategyHarness.Update(rs, old));
    }

    [Fact]
    public void Create_ReplicationController_DefaultsSelectorAndLabelsFromTemplate()
    {
        var rc = StrategyHarness.Created("""
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: web}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.25"}]
            """);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"app":"web"}"""), rc["spec"]!["selector"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"app":"web"}"""), rc["metadata"]!["labels"]);
        Assert.Equal("1", rc["spec"]!["replicas"]!.ToJsonString());
    }
}
