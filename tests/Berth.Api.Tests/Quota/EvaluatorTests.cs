using System.Text.Json.Nodes;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using k8s.Models;

namespace Berth.Api.Tests.Quota;

public sealed class EvaluatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static string Usage(IQuotaEvaluator e, string json) =>
        ResourceLists.PrettyPrint(e.Usage(e.Decode(JsonNode.Parse(json)!.AsObject()), Now));

    [Theory]
    [InlineData("ClusterIP", "", "count/services=1,services=1,services.loadbalancers=0,services.nodeports=0")]
    [InlineData("NodePort", "", "count/services=1,services=1,services.loadbalancers=0,services.nodeports=2")]
    [InlineData("LoadBalancer", "", "count/services=1,services=1,services.loadbalancers=1,services.nodeports=2")]
    [InlineData("LoadBalancer", ",\"allocateLoadBalancerNodePorts\":false", "count/services=1,services=1,services.loadbalancers=1,services.nodeports=1")]
    public void ServiceUsage_ByType_CountsNodePortsAndLoadBalancers(string type, string extra, string expected) =>
        Assert.Equal(expected, Usage(new ServiceEvaluator(), $$$"""
            {"metadata":{"name":"s"},"spec":{"type":"{{{type}}}"{{{extra}}},"ports":[{"port":80,"nodePort":30080},{"port":443}]}}
            """));

    [Fact]
    public void ClaimUsage_WithStorageClass_ChargesClassResourcesRoundedUp() =>
        Assert.Equal(
            "count/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,"
            + "gold.storageclass.storage.k8s.io/requests.storage=2,persistentvolumeclaims=1,requests.storage=2",
            Usage(new PersistentVolumeClaimEvaluator(), """
                {"metadata":{"name":"c"},"spec":{"storageClassName":"gold","resources":{"requests":{"storage":"1500m"}}}}
                """));

    [Fact]
    public void ClaimUsage_BetaAnnotationAndLargerAllocation_Win() =>
        Assert.Equal(
            "bronze.storageclass.storage.k8s.io/persistentvolumeclaims=1,bronze.storageclass.storage.k8s.io/requests.storage=20Gi,"
            + "count/persistentvolumeclaims=1,persistentvolumeclaims=1,requests.storage=20Gi",
            Usage(new PersistentVolumeClaimEvaluator(), """
                {"metadata":{"name":"c","annotations":{"volume.beta.kubernetes.io/storage-class":"bronze"}},
                 "spec":{"storageClassName":"gold","resources":{"requests":{"storage":"10Gi"}}},
                 "status":{"allocatedResources":{"storage":"20Gi"}}}
                """));

    [Theory]
    [InlineData("Exists", "", true)]
    [InlineData("In", "fast", true)]
    [InlineData("In", "slow", false)]
    [InlineData("NotIn", "fast", true)]
    [InlineData("NotIn", "fast,gold", false)]
    [InlineData("DoesNotExist", "", false)]
    public void ClaimScope_VolumeAttributesClass_MatchesAnyOfTheClaimsClasses(string op, string values, bool expected)
    {
        var e = new PersistentVolumeClaimEvaluator();
        var pvc = e.Decode(JsonNode.Parse("""
            {"metadata":{"name":"c"},"spec":{"volumeAttributesClassName":"fast"},"status":{"currentVolumeAttributesClassName":"gold"}}
            """)!.AsObject());
        var scope = new V1ScopedResourceSelectorRequirement
        {
            ScopeName = "VolumeAttributesClass",
            OperatorProperty = op,
            Values = values.Length == 0 ? null : values.Split(','),
        };
        Assert.Equal(expected, e.MatchesScope(scope, pvc));
    }

    [Fact]
    public void ClaimMatchingResources_StorageClassNames_Match() =>
        Assert.Equal(["gold.storageclass.storage.k8s.io/requests.storage", "requests.storage", "count/persistentvolumeclaims"],
            new PersistentVolumeClaimEvaluator().MatchingResources(
                ["gold.storageclass.storage.k8s.io/requests.storage", "requests.storage", "count/persistentvolumeclaims", "pods", "gold.storageclass.storage.k8s.io/other"]));

    [Fact]
    public void Registry_CountNames_GetObjectCountersWithLegacyAliases()
    {
        var registry = new QuotaRegistry();
        var evaluators = registry.For(["count/deployments.apps", "configmaps", "count/pods", "pods", "count/widgets.example.com"]);
        Assert.Contains(evaluators, e => e is ObjectCountEvaluator { Group: "apps", Resource: "deployments" });
        Assert.Contains(evaluators, e => e is ObjectCountEvaluator { Group: "", Resource: "configmaps" });
        Assert.Contains(evaluators, e => e is ObjectCountEvaluator { Group: "example.com", Resource: "widgets" });
        Assert.Single(evaluators, e => e is PodEvaluator);
        var configmaps = registry.Get("", "configmaps");
        Assert.Equal("configmaps=1,count/configmaps=1", ResourceLists.PrettyPrint(configmaps.Usage(new JsonObject(), Now)));
        Assert.True(configmaps.Handles("CREATE", "", null, null));
        Assert.False(configmaps.Handles("UPDATE", "", null, null));
    }

    [Fact]
    public void Calculate_ScopedQuota_CountsOnlyObjectsInScope()
    {
        var registry = new QuotaRegistry();
        var pods = registry.Get("", "pods");
        var items = new[]
        {
            """{"metadata":{"name":"a"},"spec":{"containers":[{"name":"c","image":"x"}]}}""",
            """{"metadata":{"name":"b"},"spec":{"containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":"1"}}}]}}""",
            """{"metadata":{"name":"c"},"spec":{"containers":[{"name":"c","image":"x"}]},"status":{"phase":"Succeeded"}}""",
        }.Select(j => pods.Decode(JsonNode.Parse(j)!.AsObject())).ToList();
        IEnumerable<object> List(IQuotaEvaluator e) => e == pods ? items : [];

        var all = QuotaUsage.Calculate(["pods", "count/pods", "requests.cpu", "services"], [], registry, List, Now);
        Assert.Equal("count/pods=3,pods=2,requests.cpu=1,services=0", ResourceLists.PrettyPrint(all));

        var bestEffort = QuotaUsage.Calculate(["pods"], QuotaUsage.Scopes(new V1ResourceQuotaSpec { Scopes = ["BestEffort"] }), registry, List, Now);
        Assert.Equal("pods=1", ResourceLists.PrettyPrint(bestEffort));
    }
}
