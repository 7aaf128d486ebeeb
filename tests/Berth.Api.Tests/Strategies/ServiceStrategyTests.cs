using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Strategies;

public sealed class ServiceStrategyTests
{
    [Fact]
    public void Create_InvalidService_ReportsAllErrorsInKubeOrder()
    {
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: Bogus
              sessionAffinity: Sticky
              ports:
              - {port: 0}
              - {name: http, port: 80}
            """);
        Assert.Equal(
        [
            "spec.ports[0].name: Required value",
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
            "spec.type: Unsupported value: \"Bogus\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
        ], StrategyHarness.Create(svc));
    }

    [Fact]
    public void Create_ServiceName_MustBeDns1035Label()
    {
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: 1web}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            """);
        Assert.Equal(
        [
            "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        ], StrategyHarness.Create(svc));
    }

    [Fact]
    public void Create_ClusterIpWithNodePortAndDuplicates_IsRejected()
    {
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              ports:
              - {name: a, port: 80, nodePort: 30080}
              - {name: a, port: 80}
            """);
        Assert.Equal(
        [
            "spec.ports[1].name: Duplicate value: \"a\"",
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
            "spec.ports[1]: Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\",\"AppProtocol\":null,\"Port\":80,\"TargetPort\":0,\"NodePort\":0}",
        ], StrategyHarness.Create(svc));
    }

    [Fact]
    public void Create_WithoutPorts_RequiresThemUnlessHeadlessOrExternalName()
    {
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}}
            """);
        Assert.Equal(["spec.ports: Required value"], StrategyHarness.Create(svc));

        var headless = StrategyHarness.Created("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {clusterIP: None}
            """);
        Assert.Equal("RequireDualStack", headless["spec"]!["ipFamilyPolicy"]!.GetValue<string>());
        StrategyHarness.AssertJson(new JsonArray("IPv4", "IPv6"), headless["spec"]!["ipFamilies"]);

        var external = StrategyHarness.Created("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {type: ExternalName, externalName: db.example.com.}
            """);
        Assert.Null(external["spec"]!["ipFamilies"]);
        Assert.Null(external["spec"]!["internalTrafficPolicy"]);
    }

    [Fact]
    public void Create_NodePortService_DefaultsTrafficPolicies()
    {
        var svc = StrategyHarness.Created("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443, targetPort: https}]}
            """);
        var spec = svc["spec"]!;
        Assert.Equal("Cluster", spec["externalTrafficPolicy"]!.GetValue<string>());
        Assert.Equal("Cluster", spec["internalTrafficPolicy"]!.GetValue<string>());
        Assert.True(spec["allocateLoadBalancerNodePorts"]!.GetValue<bool>());
        Assert.Equal("https", spec["ports"]![0]!["targetPort"]!.GetValue<string>());
    }

    private static JsonObject Stored() => StrategyHarness.Created("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {clusterIP: 10.96.0.10, selector: {app: web}, ports: [{port: 80}]}
        """);

    [Fact]
    public void Update_ClusterIpChange_MayNotChangeOnceSet()
    {
        var old = Stored();
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {clusterIP: 10.96.0.11, selector: {app: web}, ports: [{port: 80}]}
            """);
        Assert.Equal(["spec.clusterIPs[0]: Invalid value: [\"10.96.0.11\"]: may not change once set"], StrategyHarness.Update(svc, old));
    }

    [Fact]
    public void Update_WithoutClusterIp_KeepsTheAllocatedOne()
    {
        var old = Stored();
        var svc = StrategyHarness.Yaml1("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}, ports: [{port: 80}, {name: b, port: 81}]}
            """);
        svc["spec"]!["ports"]![0]!["name"] = "a";
        Assert.Empty(StrategyHarness.Update(svc, old));
        Assert.Equal("10.96.0.10", svc["spec"]!["clusterIP"]!.GetValue<string>());
        StrategyHarness.AssertJson(new JsonArray("10.96.0.10"), svc["spec"]!["clusterIPs"]);
        StrategyHarness.AssertJson(new JsonArray("IPv4"), svc["spec"]!["ipFamilies"]);
    }

    [Fact]
    public void Update_ToExternalName_DropsClusterIps()
    {
        var old = Stored();
        var svc = (JsonObject)old.DeepClone();
        svc["spec"]!["type"] = "ExternalName";
        svc["spec"]!["externalName"] = "db.example.com";
        Assert.Empty(StrategyHarness.Update(svc, old));
        Assert.Null(svc["spec"]!["clusterIP"]);
        Assert.Null(svc["spec"]!["clusterIPs"]);
        Assert.Null(svc["spec"]!["ipFamilies"]);
    }
}
