using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class ClusterPrintersTests
{
    private static readonly Berth.Api.Kinds.ResourceInfo Nodes = Info("", "Node");

    private static string Node(string conditions, string labels = "{}", bool unschedulable = false) => $$"""
        {"metadata":{"name":"node-1","labels":{{labels}},"creationTimestamp":"{{Ago(TimeSpan.FromDays(40))}}"},
         "spec":{"unschedulable":{{(unschedulable ? "true" : "false")}} },
         "status":{"conditions":{{conditions}},
           "addresses":[{"type":"InternalIP","address":"192.168.1.10"},{"type":"Hostname","address":"node-1"}],
           "nodeInfo":{"kubeletVersion":"v1.33.1-berth","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0-18-amd64","containerRuntimeVersion":"containerd://1.6.20"} } }
        """;

    [Fact]
    public void Row_ReadyNodeWithRoles_ShowsKubeCells()
    {
        var cells = Cells(Nodes, Node("""[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]""",
            """{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/worker":"","kubernetes.io/role":"edge","node-role.kubernetes.io/":""}"""));
        Assert.Equal<object?>(
            ["node-1", "Ready", "control-plane,edge,worker", "40d", "v1.33.1-berth", "192.168.1.10", "<none>",
             "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.6.20"], cells);
    }

    [Theory]
    [InlineData("""[{"type":"Ready","status":"False"}]""", false, "NotReady")]
    [InlineData("""[{"type":"Ready","status":"Unknown"}]""", false, "NotReady")]
    [InlineData("[]", false, "Unknown")]
    [InlineData("""[{"type":"Ready","status":"True"}]""", true, "Ready,SchedulingDisabled")]
    [InlineData("[]", true, "Unknown,SchedulingDisabled")]
    public void Row_NodeConditions_GiveStatus(string conditions, bool cordoned, string expected)
    {
        var cells = Cells(Nodes, Node(conditions, unschedulable: cordoned));
        Assert.Equal(expected, cells[1]);
        Assert.Equal("<none>", cells[2]);
    }

    [Fact]
    public void Row_NodeWithoutInfo_ShowsUnknownWideCells()
    {
        var cells = Cells(Nodes, """{"metadata":{"name":"n"}}""");
        Assert.Equal<object?>(["n", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], cells);
    }

    [Fact]
    public void Row_Namespace_ShowsPhase()
    {
        Assert.Equal<object?>(["kube-system", "Active", "2y3d"], Cells(Info("", "Namespace"),
            $$"""{"metadata":{"name":"kube-system","creationTimestamp":"{{Ago(TimeSpan.FromDays(733))}}"},"status":{"phase":"Active"} }"""));
    }

    [Fact]
    public void Row_RepeatedEvent_ShowsLastSeenFirstSeenAndCount()
    {
        var cells = Cells(Info("", "Event"), $$"""
            {"metadata":{"name":"web-0.17f3a"},"type":"Warning","reason":"BackOff",
             "involvedObject":{"kind":"Pod","name":"web-0","namespace":"default","fieldPath":"spec.containers{app}"},
             "message":"Back-off restarting failed container app\n","source":{"component":"kubelet","host":"node-1"},
             "firstTimestamp":"{{Ago(TimeSpan.FromMinutes(10))}}","lastTimestamp":"{{Ago(TimeSpan.FromMinutes(2))}}","count":5}
            """);
        Assert.Equal<object?>(
            ["2m", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1",
             "Back-off restarting failed container app", "10m", 5L, "web-0.17f3a"], cells);
    }

    [Fact]
    public void Row_NewStyleEvents_UseEventTimeSeriesAndReportingController()
    {
        var core = Cells(Info("", "Event"), $$"""
            {"metadata":{"name":"e1"},"type":"Normal","reason":"Scheduled","involvedObject":{"kind":"Pod","name":"web-0"},
             "message":"assigned","eventTime":"{{Ago(TimeSpan.FromMinutes(7))}}","reportingComponent":"berth-scheduler","reportingInstance":"berth-1"}
            """);
        Assert.Equal("7m", core[0]);
        Assert.Equal("berth-scheduler, berth-1", core[5]);
        Assert.Equal("7m", core[7]);
        Assert.Equal(1L, core[8]);

        var v1 = Cells(Info("events.k8s.io", "Event"), $$"""
            {"metadata":{"name":"e2"},"type":"Warning","reason":"Unhealthy","regarding":{"kind":"Pod","name":"web-1"},
             "note":"Readiness probe failed","eventTime":"{{Ago(TimeSpan.FromMinutes(30))}}",
             "series":{"count":12,"lastObservedTime":"{{Ago(TimeSpan.FromSeconds(40))}}"},"reportingController":"kubelet","reportingInstance":"node-2"}
            """);
        Assert.Equal<object?>(["40s", "Warning", "Unhealthy", "pod/web-1", "", "kubelet, node-2", "Readiness probe failed", "30m", 12L, "e2"], v1);
    }

    [Fact]
    public void Row_LeaseAndPriorityClass_ShowTheirFields()
    {
        Assert.Equal("node-1", Cell(Info("coordination.k8s.io", "Lease"), """{"spec":{"holderIdentity":"node-1"}}""", "Holder"));
        Assert.Equal<object?>(["critical", 1000000L, true, "<unknown>", "PreemptLowerPriority"], Cells(Info("scheduling.k8s.io", "PriorityClass"),
            """{"metadata":{"name":"critical"},"value":1000000,"globalDefault":true,"preemptionPolicy":"PreemptLowerPriority"}"""));
    }
}
