namespace Berth.Api.Tests.Strategies;

public sealed class QuotaStrategyTests
{
    [Fact]
    public void Create_LimitRangeWithOnlyMax_DefaultsLimitsAndRequestsFromIt()
    {
        var lr = StrategyHarness.Created("""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: limits}
            spec:
              limits:
              - type: Container
                max: {cpu: "2", memory: 1Gi}
                min: {memory: 64Mi}
              - type: Pod
                max: {cpu: "4"}
            """);
        StrategyHarness.AssertJson(StrategyHarness.Json("""
            {
              "type": "Container",
              "max": { "cpu": "2", "memory": "1Gi" },
              "min": { "memory": "64Mi" },
              "default": { "cpu": "2", "memory": "1Gi" },
              "defaultRequest": { "cpu": "2", "memory": "1Gi" }
            }
            """), lr["spec"]!["limits"]![0]);
        StrategyHarness.AssertJson(StrategyHarness.Json("""{ "type": "Pod", "max": { "cpu": "4" } }"""), lr["spec"]!["limits"]![1]);
    }

    [Fact]
    public void Create_LimitRangeOutOfOrder_ReportsKubeErrors()
    {
        var lr = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: limits}
            spec:
              limits:
              - type: Container
                max: {cpu: 500m}
                min: {cpu: "1"}
                default: {cpu: 250m}
                defaultRequest: {cpu: 300m}
              - type: Node
            """);
        Assert.Equal(
        [
            "spec.limits[0].min[cpu]: Invalid value: \"1\": min value 1 is greater than max value 500m",
            "spec.limits[0].defaultRequest[cpu]: Invalid value: \"300m\": min value 1 is greater than default request value 300m",
            "spec.limits[0].defaultRequest[cpu]: Invalid value: \"300m\": default request value 300m is greater than default limit value 250m",
            "spec.limits[0].default[cpu]: Invalid value: \"1\": min value 1 is greater than default value 250m",
            "spec.limits[1].type: Invalid value: \"Node\": must be a standard limit type or fully qualified",
        ], StrategyHarness.Create(lr));
    }

    [Fact]
    public void Create_ResourceQuotaWithBadNamesAndFractions_IsRejected()
    {
        var quota = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: q}
            spec:
              hard: {foo: "1", pods: "1.5", requests.cpu: "-1", count/deployments.apps: "3"}
            """);
        Assert.Equal(
        [
            "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified",
            "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource for quota",
            "spec.hard[pods]: Invalid value: \"1500m\": must be an integer",
            "spec.hard[requests.cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        ], StrategyHarness.Create(quota));
    }

    [Fact]
    public void Update_QuotaScopes_AreImmutable()
    {
        var old = StrategyHarness.Created("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: q}
            spec: {hard: {pods: "10"}, scopes: [BestEffort]}
            """);
        var quota = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: q}
            spec: {hard: {pods: "10"}, scopes: [NotBestEffort]}
            """);
        Assert.Equal(["spec.scopes: Invalid value: [\"NotBestEffort\"]: field is immutable"], StrategyHarness.Update(quota, old));
    }
}
