using System.Text.Json.Nodes;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using k8s.Models;

namespace Berth.Api.Tests.Quota;

public sealed class PodEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PodEvaluator _e = new();

    private object Pod(string spec, string extra = "") =>
        _e.Decode(JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"{{{extra}}}},"spec":{{{spec}}}}""")!.AsObject());

    private static string C(string name, string requests = "", string limits = "", string more = "") =>
        "{\"name\":\"" + name + "\",\"image\":\"x\",\"resources\":{\"requests\":{" + requests + "},\"limits\":{" + limits + "}}" + more + "}";

    private string Usage(object pod) => ResourceLists.PrettyPrint(_e.Usage(pod, Now));

    [Fact]
    public void Usage_ContainersAndInitContainers_SumAndTakeLargestInitPlusOverhead()
    {
        var pod = Pod($$$"""
            {"containers":[{{{C("a", "\"cpu\":\"100m\",\"memory\":\"64Mi\"", "\"cpu\":\"200m\"")}}},{{{C("b", "\"cpu\":\"200m\",\"memory\":\"64Mi\"")}}}],
             "initContainers":[{{{C("init", "\"cpu\":\"500m\",\"memory\":\"32Mi\"")}}}],
             "overhead":{"cpu":"10m","memory":"1Mi"}}
            """);
        Assert.Equal("count/pods=1,cpu=510m,limits.cpu=210m,memory=129Mi,pods=1,requests.cpu=510m,requests.memory=129Mi", Usage(pod));
    }

    [Fact]
    public void Usage_SidecarInitContainer_AddsToContainersAndLaterInitContainers()
    {
        var pod = Pod($$$"""
            {"containers":[{{{C("app", "\"cpu\":\"1\"")}}}],
             "initContainers":[{{{C("sidecar", "\"cpu\":\"500m\"", "", ",\"restartPolicy\":\"Always\"")}}},{{{C("setup", "\"cpu\":\"1200m\"")}}}]}
            """);
        // containers 1 + sidecar 500m = 1500m; the setup init container runs beside the sidecar: 1700m.
        Assert.Equal("1700m", QuantityMath.Format(_e.Usage(pod, Now)["requests.cpu"]));
    }

    [Fact]
    public void Usage_PodLevelResources_OverrideContainerSums()
    {
        var pod = Pod($$$"""{"containers":[{{{C("a", "\"cpu\":\"100m\"")}}}],"resources":{"requests":{"cpu":"2"},"limits":{"cpu":"4"} } }""");
        var usage = _e.Usage(pod, Now);
        Assert.Equal("2", QuantityMath.Format(usage["requests.cpu"]));
        Assert.Equal("4", QuantityMath.Format(usage["limits.cpu"]));
    }

    [Fact]
    public void Usage_HugepagesAndExtendedResources_ChargedAsRequests()
    {
        var pod = Pod($$$"""{"containers":[{{{C("a", "\"hugepages-2Mi\":\"4Mi\",\"example.com/gpu\":\"2\"")}}}]}""");
        Assert.Equal("count/pods=1,hugepages-2Mi=4Mi,pods=1,requests.example.com/gpu=2,requests.hugepages-2Mi=4Mi", Usage(pod));
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void Usage_TerminalPod_CountsOnlyAsObject(string phase)
    {
        var pod = _e.Decode(JsonNode.Parse($$$"""
            {"metadata":{"name":"p"},"spec":{"containers":[{{{C("a", "\"cpu\":\"1\"")}}}]},"status":{"phase":"{{{phase}}}"}}
            """)!.AsObject());
        Assert.Equal("count/pods=1", Usage(pod));
    }

    [Fact]
    public void Usage_DeletedPastGracePeriod_CountsOnlyAsObject()
    {
        var within = Pod($$$"""{"containers":[{{{C("a", "\"cpu\":\"1\"")}}}]}""",
            ",\"deletionTimestamp\":\"2026-01-01T11:59:50Z\",\"deletionGracePeriodSeconds\":30");
        var past = Pod($$$"""{"containers":[{{{C("a", "\"cpu\":\"1\"")}}}]}""",
            ",\"deletionTimestamp\":\"2026-01-01T11:59:00Z\",\"deletionGracePeriodSeconds\":30");
        Assert.Contains("requests.cpu=1", Usage(within), StringComparison.Ordinal);
        Assert.Equal("count/pods=1", Usage(past));
    }

    [Fact]
    public void Constraints_ContainersWithoutQuotaedResources_NamesEachResourceAndContainer()
    {
        var pod = Pod($$$"""
            {"containers":[{{{C("b", "\"cpu\":\"1\"")}}},{{{C("a")}}}],"initContainers":[{{{C("init", "\"cpu\":\"1\",\"memory\":\"1Gi\"", "\"cpu\":\"1\",\"memory\":\"1Gi\"")}}}]}
            """);
        var error = _e.Constraints(["requests.cpu", "limits.cpu", "requests.memory", "pods", "requests.storage"], pod);
        Assert.Equal("must specify limits.cpu for: a,b; requests.cpu for: a; requests.memory for: a,b", error);
        Assert.Null(_e.Constraints(["pods", "requests.ephemeral-storage"], pod));
    }

    [Fact]
    public void MatchesScope_TerminatingAndBestEffort_FollowSpec()
    {
        var bestEffort = Pod($$$"""{"containers":[{{{C("a")}}}],"activeDeadlineSeconds":30}""");
        var burstable = Pod($$$"""{"containers":[{{{C("a", "\"cpu\":\"100m\"")}}}]}""");
        Assert.True(_e.MatchesScope(Scope("Terminating"), bestEffort));
        Assert.False(_e.MatchesScope(Scope("NotTerminating"), bestEffort));
        Assert.True(_e.MatchesScope(Scope("BestEffort"), bestEffort));
        Assert.False(_e.MatchesScope(Scope("BestEffort"), burstable));
        Assert.True(_e.MatchesScope(Scope("NotBestEffort"), burstable));
        Assert.True(_e.MatchesScope(Scope("NotTerminating"), burstable));
    }

    [Theory]
    [InlineData("high", "In", "high,medium", true)]
    [InlineData("low", "In", "high,medium", false)]
    [InlineData("", "In", "high", false)]
    [InlineData("low", "NotIn", "high", true)]
    [InlineData("", "NotIn", "high", true)]
    [InlineData("high", "NotIn", "high", false)]
    [InlineData("high", "Exists", "", true)]
    [InlineData("", "Exists", "", false)]
    [InlineData("", "DoesNotExist", "", true)]
    public void MatchesScope_PriorityClass_FollowsSelectorOperator(string priorityClass, string op, string values, bool expected)
    {
        var extra = priorityClass.Length > 0 ? $",\"priorityClassName\":\"{priorityClass}\"" : "";
        var pod = Pod($$$"""{"containers":[{{{C("a")}}}]{{{extra}}}}""");
        var scope = new V1ScopedResourceSelectorRequirement
        {
            ScopeName = "PriorityClass",
            OperatorProperty = op,
            Values = values.Length == 0 ? null : values.Split(','),
        };
        Assert.Equal(expected, _e.MatchesScope(scope, pod));
    }

    [Fact]
    public void Handles_CreateAndTerminatingScopeChange_NotOtherUpdatesOrSubresources()
    {
        var plain = Pod($$$"""{"containers":[{{{C("a")}}}]}""");
        var deadline = Pod($$$"""{"containers":[{{{C("a")}}}],"activeDeadlineSeconds":10}""");
        Assert.True(_e.Handles("CREATE", "", plain, null));
        Assert.False(_e.Handles("UPDATE", "", plain, plain));
        Assert.True(_e.Handles("UPDATE", "", deadline, plain));
        Assert.False(_e.Handles("CREATE", "binding", plain, null));
        Assert.True(_e.Handles("UPDATE", "resize", plain, plain));
    }

    [Fact]
    public void MatchingResources_PodNamesPrefixesAndExtended_OnlyThose()
    {
        var names = _e.MatchingResources(["pods", "count/pods", "requests.cpu", "services", "hugepages-1Gi", "requests.hugepages-2Mi",
            "requests.example.com/gpu", "requests.storage", "example.com/gpu"]);
        Assert.Equal(["pods", "count/pods", "requests.cpu", "hugepages-1Gi", "requests.hugepages-2Mi", "requests.example.com/gpu"], names);
    }

    private static V1ScopedResourceSelectorRequirement Scope(string name) => new() { ScopeName = name, OperatorProperty = "Exists" };
}
