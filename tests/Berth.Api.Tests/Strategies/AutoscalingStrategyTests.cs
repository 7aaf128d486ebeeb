namespace Berth.Api.Tests.Strategies;

public sealed class AutoscalingStrategyTests
{
    [Fact]
    public void Create_V2WithoutMetricsOrMinReplicas_GetsCpuTargetAndMinOne()
    {
        var hpa = StrategyHarness.Created("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 5
              behavior: {scaleDown: {stabilizationWindowSeconds: 60}}
            """);
        Assert.Equal("1", hpa["spec"]!["minReplicas"]!.ToJsonString());
        StrategyHarness.AssertJson(StrategyHarness.Node("""
            [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]
            """), hpa["spec"]!["metrics"]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "scaleDown": { "stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [ { "type": "Percent", "value": 100, "periodSeconds": 15 } ] },
              "scaleUp": {
                "stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                "policies": [ { "type": "Pods", "value": 4, "periodSeconds": 15 }, { "type": "Percent", "value": 100, "periodSeconds": 15 } ]
              }
            }
            """), hpa["spec"]!["behavior"]);
    }

    [Fact]
    public void Create_V1_ReadsBackWithDefaultCpuTarget()
    {
        var hpa = StrategyHarness.Created("""
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 5
            """);
        Assert.Equal("80", hpa["spec"]!["targetCPUUtilizationPercentage"]!.ToJsonString());
        Assert.Equal("1", hpa["spec"]!["minReplicas"]!.ToJsonString());
        Assert.Null(hpa["spec"]!["metrics"]);
    }

    [Fact]
    public void Create_InvalidHpa_ReportsEveryError()
    {
        var hpa = StrategyHarness.Yaml1("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {kind: Deployment}
              minReplicas: 0
              maxReplicas: 0
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}
              behavior:
                scaleUp: {policies: [{type: Pods, value: 0, periodSeconds: 15}]}
            """);
        Assert.Equal(
        [
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
            "spec.maxReplicas: Invalid value: 0: must be greater than 0",
            "spec.scaleTargetRef.name: Required value",
            "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
            "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
            "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
        ], StrategyHarness.Create(hpa));
    }

    [Fact]
    public void Create_MaxBelowMin_IsRejected()
    {
        var hpa = StrategyHarness.Yaml1("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {kind: Deployment, name: web}
              minReplicas: 5
              maxReplicas: 2
            """);
        Assert.Equal(["spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"], StrategyHarness.Create(hpa));
    }
}
