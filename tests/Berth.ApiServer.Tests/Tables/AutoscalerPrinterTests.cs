using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class AutoscalerPrinterTests
{
    private static readonly Berth.Api.Kinds.ResourceInfo V2 = Info("autoscaling", "HorizontalPodAutoscaler", "v2");
    private static readonly Berth.Api.Kinds.ResourceInfo V1 = Info("autoscaling", "HorizontalPodAutoscaler", "v1");

    private static string Hpa(string metrics, string currentMetrics) => $$"""
        {"metadata":{"name":"web","creationTimestamp":"{{Ago(TimeSpan.FromHours(4))}}"},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":10,"metrics":{{metrics}} },
         "status":{"currentReplicas":3,"desiredReplicas":3,"currentMetrics":{{currentMetrics}} } }
        """;

    private const string CpuAndMemory = """
        [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
         {"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":80}}}]
        """;

    [Fact]
    public void Row_CpuKnownMemoryUnknown_ShowsKubeTargets()
    {
        var cells = Cells(V2, Hpa(CpuAndMemory, """
            [{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":45,"averageValue":"90m"}}}]
            """));
        Assert.Equal<object?>(["web", "Deployment/web", "cpu: 45%/70%, memory: <unknown>/80%", "2", 10L, 3L, "4h"], cells);
    }

    [Fact]
    public void Row_NoCurrentMetrics_ShowsUnknownCurrents()
    {
        Assert.Equal("cpu: <unknown>/70%, memory: <unknown>/80%", Cell(V2, Hpa(CpuAndMemory, "null"), "Targets"));
    }

    [Fact]
    public void Row_AverageValueAndPodsAndObjectAndExternal_ShowQuantities()
    {
        var cell = Cell(V2, Hpa("""
            [{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"200Mi"}}},
             {"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"20"}}}]
            """, """
            [{"type":"Resource","resource":{"name":"memory","current":{"averageValue":"100Mi"}}},
             {"type":"Pods","pods":{"metric":{"name":"rps"},"current":{"averageValue":"15500m"}}}]
            """), "Targets");
        Assert.Equal("memory: 100Mi/200Mi, 15500m/20", cell);

        var objectAndExternal = Cell(V2, Hpa("""
            [{"type":"Object","object":{"metric":{"name":"hits"},"describedObject":{"kind":"Ingress","name":"web"},"target":{"type":"Value","value":"10k"}}},
             {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}}]
            """, """
            [{"type":"Object","object":{"metric":{"name":"hits"},"current":{"value":"2500"}}},
             {"type":"External","external":{"metric":{"name":"queue"},"current":{"averageValue":"12"}}}]
            """), "Targets");
        Assert.Equal("2500/10k, 12/30 (avg)", objectAndExternal);
    }

    [Fact]
    public void Row_MoreThanTwoMetrics_ShowsTwoThenMore()
    {
        var cell = Cell(V2, Hpa("""
            [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
             {"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":80}}},
             {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app","target":{"type":"Utilization","averageUtilization":60}}}]
            """, "[]"), "Targets");
        Assert.Equal("cpu: <unknown>/70%, memory: <unknown>/80% + 1 more...", cell);
    }

    [Fact]
    public void Row_NoMetricsOrNoMin_ShowsNoneAndUnset()
    {
        var cells = Cells(V2, """{"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"db"},"maxReplicas":4}}""");
        Assert.Equal("StatefulSet/db", cells[1]);
        Assert.Equal("<none>", cells[2]);
        Assert.Equal("<unset>", cells[3]);
    }

    [Fact]
    public void Row_AutoscalingV1_ShowsCpuTarget()
    {
        var cells = Cells(V1, """
            {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,"targetCPUUtilizationPercentage":50},
             "status":{"currentReplicas":2,"currentCPUUtilizationPercentage":30}}
            """);
        Assert.Equal("cpu: 30%/50%", cells[2]);
        Assert.Equal("cpu: <unknown>/50%", Cell(V1, """{"spec":{"targetCPUUtilizationPercentage":50}}""", "Targets"));
    }
}
