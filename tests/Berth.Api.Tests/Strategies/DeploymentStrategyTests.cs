using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class DeploymentStrategyTests
{
    private const string Valid = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.25"}]
        """;

    [Fact]
    public void Create_WithoutStrategy_DefaultsLikeKube()
    {
        var d = StrategyHarness.Created(Valid);
        var spec = d["spec"]!;
        Assert.Equal(1, (long)spec["replicas"]!.AsValue().GetValue<int>());
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}"""), spec["strategy"]);
        Assert.Equal(10, (long)spec["revisionHistoryLimit"]!.AsValue().GetValue<int>());
        Assert.Equal(600, (long)spec["progressDeadlineSeconds"]!.AsValue().GetValue<int>());
        Assert.Null(spec["template"]!["spec"]!["enableServiceLinks"]);
        Assert.Equal("Always", spec["template"]!["spec"]!["restartPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void Create_RecreateStrategy_GetsNoRollingUpdate()
    {
        var d = StrategyHarness.Yaml1(Valid);
        d["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };
        Assert.Empty(StrategyHarness.Create(d));
        StrategyHarness.AssertJson(StrategyHarness.Json("""{"type":"Recreate"}"""), d["spec"]!["strategy"]);
    }

    [Fact]
    public void Create_InvalidDeployment_ReportsAllErrors()
    {
        var d = StrategyHarness.Yaml1("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: -1
              selector: {matchLabels: {app: web}}
              strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}
              template:
                metadata: {labels: {app: other}}
                spec:
                  containers: [{name: web, image: nginx}]
            """);
        Assert.Equal(
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
        ], StrategyHarness.Create(d));
    }

    [Fact]
    public void Create_WithoutSelector_RequiresItAndReportsTheMismatch()
    {
        var d = StrategyHarness.Yaml1(Valid);
        d["spec"]!.AsObject().Remove("selector");
        Assert.Equal(
        [
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
        ], StrategyHarness.Create(d));
    }

    [Fact]
    public void Create_BadPercentagesAndDeadline_AreRejected()
    {
        var d = StrategyHarness.Yaml1(Valid);
        d["spec"]!["strategy"] = StrategyHarness.Json("""{"rollingUpdate":{"maxSurge":"25x","maxUnavailable":"150%"}}""");
        d["spec"]!["minReadySeconds"] = 30;
        d["spec"]!["progressDeadlineSeconds"] = 30;
        d["spec"]!["selector"] = StrategyHarness.Json("""{}""");
        Assert.Equal(
        [
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment",
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"25x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%",
            "spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds",
        ], StrategyHarness.Create(d));
    }

    [Fact]
    public void Update_SelectorChange_IsImmutable()
    {
        var old = StrategyHarness.Created(Valid);
        var d = (JsonObject)old.DeepClone();
        d["spec"]!["selector"] = StrategyHarness.Json("""{"matchLabels":{"app":"web2"}}""");
        d["spec"]!["template"]!["metadata"]!["labels"] = StrategyHarness.Json("""{"app":"web2"}""");
        Assert.Equal(["spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web2\"}}: field is immutable"], StrategyHarness.Update(d, old));
    }

    [Fact]
    public void Update_ScaleAndNewImage_AreAccepted()
    {
        var old = StrategyHarness.Created(Valid);
        var d = (JsonObject)old.DeepClone();
        d["spec"]!["replicas"] = 5;
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.27";
        Assert.Empty(StrategyHarness.Update(d, old));
    }

    [Fact]
    public void PrepareForCreate_ClearsStatus()
    {
        var d = StrategyHarness.Yaml1(Valid);
        d["status"] = StrategyHarness.Json("""{"replicas":3}""");
        Assert.Empty(StrategyHarness.Create(d));
        Assert.Null(d["status"]);
    }
}
