using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.ApiServer.Admission;
using k8s.Models;

namespace Berth.ApiServer.Tests.Admission;

public sealed class LimitRangeRulesTests
{
    private static V1LimitRange Range(string limits) =>
        LimitRangeRules.WithDefaults(KubeJson.Deserialize<V1LimitRange>(JsonNode.Parse("{\"spec\":{\"limits\":" + limits + "}}")!));

    private static V1Pod Pod(string containers, string init = "[]") =>
        KubeJson.Deserialize<V1Pod>(JsonNode.Parse("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":" + containers + ",\"initContainers\":" + init + "}}")!);

    private static string Container(string name, string requests, string limits) =>
        "{\"name\":\"" + name + "\",\"image\":\"x\",\"resources\":{\"requests\":{" + requests + "},\"limits\":{" + limits + "}}}";

    [Fact]
    public void WithDefaults_ContainerItem_DefaultsFromMaxThenDefaultThenMin()
    {
        var lr = Range("""[{"type":"Container","max":{"cpu":"2"},"min":{"memory":"64Mi"},"default":{"memory":"1Gi"}}]""");
        var item = lr.Spec.Limits[0];
        Assert.Equal("2", item.DefaultProperty["cpu"].ToString());
        Assert.Equal("1Gi", item.DefaultProperty["memory"].ToString());
        Assert.Equal("2", item.DefaultRequest["cpu"].ToString());
        Assert.Equal("1Gi", item.DefaultRequest["memory"].ToString());
    }

    [Fact]
    public void MutatePod_UnsetResources_SetsDefaultsAndKubesAnnotation()
    {
        var pod = JsonNode.Parse("""
            {"metadata":{"name":"p"},"spec":{
              "containers":[{"name":"web","image":"x"},{"name":"side","image":"x","resources":{"limits":{"cpu":"1"},"requests":{"cpu":"1"}}}],
              "initContainers":[{"name":"init","image":"x"}]}}
            """)!.AsObject();
        var lr = Range("""[{"type":"Container","default":{"cpu":"500m","memory":"1Gi"},"defaultRequest":{"cpu":"250m","memory":"512Mi"}}]""");

        Assert.True(LimitRangeRules.MutatePod(pod, lr));

        Assert.Equal("""{"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"250m","memory":"512Mi"}}""",
            pod["spec"]!["containers"]![0]!["resources"]!.ToJsonString());
        Assert.Equal("""{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"512Mi"}}""",
            pod["spec"]!["containers"]![1]!["resources"]!.ToJsonString());
        Assert.Equal(
            "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web; "
            + "memory request for container side; memory limit for container side; "
            + "cpu, memory request for init container init; cpu, memory limit for init container init",
            pod["metadata"]!["annotations"]![LimitRangeRules.Annotation]!.GetValue<string>());
    }

    [Fact]
    public void MutatePod_EverythingSet_LeavesPodAlone()
    {
        var json = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"web","image":"x","resources":{"limits":{"cpu":"1"},"requests":{"cpu":"1"}}}]}}""";
        var pod = JsonNode.Parse(json)!.AsObject();
        Assert.False(LimitRangeRules.MutatePod(pod, Range("""[{"type":"Container","default":{"cpu":"2"}}]""")));
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), pod.ToJsonString());
    }

    [Fact]
    public void ValidatePod_BelowMinAndAboveMax_ListsEveryViolationInKubesWords()
    {
        var lr = Range("""[{"type":"Container","max":{"cpu":"2","memory":"4Gi"},"min":{"cpu":"100m","memory":"128Mi"}}]""");
        var pod = Pod("[" + Container("web", "\"cpu\":\"50m\",\"memory\":\"256Mi\"", "\"cpu\":\"1\",\"memory\":\"8Gi\"") + "]");
        var errors = LimitRangeRules.ValidatePod(pod, lr);
        Assert.Equal("[minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 4Gi, but limit is 8Gi]",
            LimitRangeRules.Aggregate(errors));
    }

    [Fact]
    public void ValidatePod_MissingRequestOrLimit_SaysNoneIsSpecified()
    {
        var lr = Range("""[{"type":"Container","max":{"cpu":"2"},"min":{"memory":"128Mi"},"default":{},"defaultRequest":{}}]""");
        // The defaults computed from max/min are not applied here: validation sees the pod as it is.
        var pod = Pod("[" + Container("web", "", "") + "]");
        Assert.Equal(
            ["minimum memory usage per Container is 128Mi.  No request is specified", "maximum cpu usage per Container is 2.  No limit is specified"],
            LimitRangeRules.ValidatePod(pod, lr));
    }

    [Fact]
    public void ValidatePod_MaxLimitRequestRatio_PrintsRatioLikeGo()
    {
        var lr = Range("""[{"type":"Container","maxLimitRequestRatio":{"cpu":"2"}}]""");
        var pod = Pod("[" + Container("web", "\"cpu\":\"250m\"", "\"cpu\":\"1\"") + "]");
        Assert.Equal(["cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000"], LimitRangeRules.ValidatePod(pod, lr));
        var noRequest = Pod("[" + Container("web", "", "\"cpu\":\"1\"") + "]");
        Assert.Equal(["cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"],
            LimitRangeRules.ValidatePod(noRequest, lr));
    }

    [Fact]
    public void ValidatePod_PodItem_ChecksSumOfContainers()
    {
        var lr = Range("""[{"type":"Pod","max":{"cpu":"1"}}]""");
        var pod = Pod("[" + Container("a", "\"cpu\":\"600m\"", "\"cpu\":\"600m\"") + "," + Container("b", "\"cpu\":\"600m\"", "\"cpu\":\"600m\"") + "]");
        Assert.Equal(["maximum cpu usage per Pod is 1, but limit is 1200m"], LimitRangeRules.ValidatePod(pod, lr));
    }

    [Fact]
    public void ValidatePod_SubMilliRequest_RoundsUpLikeKube()
    {
        // 0.5m has a milli-value of 1 in kube, which meets a 1m minimum.
        var lr = Range("""[{"type":"Container","min":{"cpu":"1m"}}]""");
        Assert.Empty(LimitRangeRules.ValidatePod(Pod("[" + Container("web", "\"cpu\":\"0.5m\"", "") + "]"), lr));
    }

    [Fact]
    public void ValidateClaim_OutsideMinAndMax_ChecksRequestsOnly()
    {
        var lr = Range("""[{"type":"PersistentVolumeClaim","min":{"storage":"1Gi"},"max":{"storage":"10Gi"}}]""");
        V1PersistentVolumeClaim Claim(string storage) => KubeJson.Deserialize<V1PersistentVolumeClaim>(JsonNode.Parse(
            "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + storage + "\"},\"limits\":{\"storage\":\"100Gi\"}}}}")!);
        Assert.Equal(["maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi"], LimitRangeRules.ValidateClaim(Claim("20Gi"), lr));
        Assert.Equal(["minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"], LimitRangeRules.ValidateClaim(Claim("500Mi"), lr));
        Assert.Empty(LimitRangeRules.ValidateClaim(Claim("5Gi"), lr));
    }

    [Fact]
    public void Aggregate_DuplicateMessages_PrintedOnce()
    {
        Assert.Equal("a", LimitRangeRules.Aggregate(["a", "a"]));
        Assert.Equal("[a, b]", LimitRangeRules.Aggregate(["a", "b", "a"]));
    }
}
