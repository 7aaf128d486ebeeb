using Berth.ApiServer.Tables;
using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

/// <summary>READY, STATUS and RESTARTS of <c>kubectl get pods</c> for the pod states users meet.</summary>
public sealed class PodPrinterTests
{
    private static readonly Berth.Api.Kinds.ResourceInfo Pods = Info("", "Pod");

    private static string Pod(string spec, string status, string metadataExtra = "") => $$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"web-0","namespace":"default","creationTimestamp":"{{Ago(TimeSpan.FromMinutes(10))}}"{{metadataExtra}} },
         "spec":{{spec}},
         "status":{{status}} }
        """;

    private const string OneContainer = """{"containers":[{"name":"app","image":"nginx"}],"nodeName":"node-1"}""";
    private const string ThreeContainers = """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i"},{"name":"c","image":"i"}]}""";
    private const string ThreeInits = """
        {"initContainers":[{"name":"i1","image":"busybox"},{"name":"i2","image":"busybox"},{"name":"i3","image":"busybox"}],
         "containers":[{"name":"app","image":"nginx"}]}
        """;

    private static (string Ready, string Status, string Restarts) Summary(string pod)
    {
        var cells = Cells(Pods, pod);
        return ((string)cells[1]!, (string)cells[2]!, (string)cells[3]!);
    }

    [Fact]
    public void Row_RunningReady_ShowsOneOfOneRunning()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Running","podIP":"10.244.0.5","podIPs":[{"ip":"10.244.0.5"}],
             "conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-06-01T11:50:00Z"}}}]}
            """);
        var cells = Cells(Pods, pod);
        Assert.Equal(["web-0", "1/1", "Running", "0", "10m", "10.244.0.5", "node-1", "<none>", "<none>"], cells);
    }

    [Fact]
    public void Row_TwoOfThreeReady_ShowsTwoOfThreeRunning()
    {
        var pod = Pod(ThreeContainers, """
            {"phase":"Running","containerStatuses":[
              {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},
              {"name":"b","ready":false,"restartCount":0,"state":{"running":{}}},
              {"name":"c","ready":true,"restartCount":0,"state":{"running":{}}}]}
            """);
        Assert.Equal(("2/3", "Running", "0"), Summary(pod));
    }

    [Fact]
    public void Row_CrashLoop_ShowsReasonAndRestartsWithAge()
    {
        var pod = Pod(OneContainer, $$"""
            {"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":3,
              "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s"} },
              "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"{{Ago(TimeSpan.FromMinutes(5))}}"} } }]}
            """);
        Assert.Equal(("0/1", "CrashLoopBackOff", "3 (5m ago)"), Summary(pod));
    }

    [Fact]
    public void Row_SecondOfThreeInitContainersRunning_ShowsInitOneOfThree()
    {
        var pod = Pod(ThreeInits, """
            {"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":true,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
               {"name":"i2","ready":false,"restartCount":0,"state":{"running":{}}},
               {"name":"i3","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}],
             "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}
            """);
        Assert.Equal(("0/1", "Init:1/3", "0"), Summary(pod));
    }

    [Fact]
    public void Row_InitContainerCrashLooping_ShowsInitCrashLoopBackOffAndInitRestarts()
    {
        var pod = Pod(ThreeInits, $$"""
            {"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"} },
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"{{Ago(TimeSpan.FromSeconds(30))}}"} } },
               {"name":"i2","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"} } },
               {"name":"i3","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"} } }]}
            """);
        Assert.Equal(("0/1", "Init:CrashLoopBackOff", "4 (30s ago)"), Summary(pod));
    }

    [Fact]
    public void Row_InitContainerFailedWithReason_ShowsInitReason()
    {
        var pod = Pod(ThreeInits, """
            {"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}
            """);
        Assert.Equal(("0/1", "Init:Error", "0"), Summary(pod));
    }

    [Fact]
    public void Row_InitContainerFailedWithoutReason_ShowsExitCodeOrSignal()
    {
        var exit = Pod(ThreeInits, """
            {"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":0,"state":{"terminated":{"exitCode":2}}}]}
            """);
        var signal = Pod(ThreeInits, """
            {"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":0,"state":{"terminated":{"exitCode":137,"signal":9}}}]}
            """);
        Assert.Equal("Init:ExitCode:2", Summary(exit).Status);
        Assert.Equal("Init:Signal:9", Summary(signal).Status);
    }

    [Fact]
    public void Row_InitDoneMainWaiting_ShowsPodInitializing()
    {
        var pod = Pod("""{"initContainers":[{"name":"i1","image":"b"}],"containers":[{"name":"app","image":"nginx"}]}""", """
            {"phase":"Pending","conditions":[{"type":"Initialized","status":"True"}],
             "initContainerStatuses":[{"name":"i1","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}],
             "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}
            """);
        Assert.Equal(("0/1", "PodInitializing", "0"), Summary(pod));
    }

    [Fact]
    public void Row_ImageBeingPulled_ShowsContainerCreating()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}
            """);
        Assert.Equal(("0/1", "ContainerCreating", "0"), Summary(pod));
    }

    [Fact]
    public void Row_Succeeded_ShowsCompletedWithCompletedRowCondition()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Succeeded","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """);
        var row = Convertor().Row(Pods, Parse(pod), IncludeObject.None);
        Assert.Equal("Completed", row.Cells[2]);
        var condition = Assert.Single(row.Conditions!);
        Assert.Equal(new TableRowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."), condition);
    }

    [Fact]
    public void Row_Failed_ShowsErrorWithFailedRowCondition()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Failed","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}
            """);
        var row = Convertor().Row(Pods, Parse(pod), IncludeObject.None);
        Assert.Equal("Error", row.Cells[2]);
        Assert.Equal("Failed", Assert.Single(row.Conditions!).Reason);
    }

    [Fact]
    public void Row_OomKilledAndRestarting_ShowsOomKilled()
    {
        var pod = Pod(OneContainer, $$"""
            {"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":1,
              "state":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"{{Ago(TimeSpan.FromSeconds(3))}}"} },
              "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"{{Ago(TimeSpan.FromMinutes(2))}}"} } }]}
            """);
        Assert.Equal(("0/1", "OOMKilled", "1 (2m ago)"), Summary(pod));
    }

    [Fact]
    public void Row_ContainerKilledBySignalWithoutReason_ShowsSignal()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Running","containerStatuses":[{"name":"app","restartCount":0,"state":{"terminated":{"exitCode":0,"signal":9}}}]}
            """);
        Assert.Equal("Signal:9", Summary(pod).Status);
    }

    [Fact]
    public void Row_DeletionRequested_ShowsTerminating()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}
            """, $$""","deletionTimestamp":"{{Ago(TimeSpan.FromSeconds(5))}}","deletionGracePeriodSeconds":30""");
        Assert.Equal(("1/1", "Terminating", "0"), Summary(pod));
    }

    [Fact]
    public void Row_DeletionRequestedAfterSuccess_KeepsCompleted()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Succeeded","containerStatuses":[{"name":"app","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """, $$""","deletionTimestamp":"{{Ago(TimeSpan.FromSeconds(5))}}" """);
        Assert.Equal("Completed", Summary(pod).Status);
    }

    [Fact]
    public void Row_NodeLost_ShowsNodeLostThenUnknownOnceDeleting()
    {
        var lost = Pod(OneContainer, """{"phase":"Running","reason":"NodeLost"}""");
        var deleting = Pod(OneContainer, """{"phase":"Running","reason":"NodeLost"}""",
            $$""","deletionTimestamp":"{{Ago(TimeSpan.FromSeconds(5))}}" """);
        Assert.Equal("NodeLost", Summary(lost).Status);
        Assert.Equal("Unknown", Summary(deleting).Status);
    }

    [Fact]
    public void Row_SchedulingGated_ShowsSchedulingGated()
    {
        var pod = Pod("""{"containers":[{"name":"app","image":"nginx"}],"schedulingGates":[{"name":"example.com/gate"}]}""", """
            {"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}
            """);
        Assert.Equal(("0/1", "SchedulingGated", "0"), Summary(pod));
    }

    [Fact]
    public void Row_PendingUnscheduled_ShowsPendingAndNoneForIpAndNode()
    {
        var pod = Pod("""{"containers":[{"name":"app","image":"nginx"}]}""", """
            {"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable"}]}
            """);
        Assert.Equal(["web-0", "0/1", "Pending", "0", "10m", "<none>", "<none>", "<none>", "<none>"], Cells(Pods, pod));
    }

    [Fact]
    public void Row_StartedSidecar_CountsAsReadyContainer()
    {
        var pod = Pod("""
            {"initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always"}],"containers":[{"name":"app","image":"nginx"}]}
            """, """
            {"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
             "initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":2,"state":{"running":{}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":1,"state":{"running":{}}}]}
            """);
        Assert.Equal(("2/2", "Running", "3"), Summary(pod));
    }

    [Fact]
    public void Row_OneContainerCompletedOtherRunning_ShowsRunningOrNotReady()
    {
        const string spec = """{"containers":[{"name":"job","image":"a"},{"name":"server","image":"b"}]}""";
        const string statuses = """
            "containerStatuses":[
              {"name":"job","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
              {"name":"server","ready":true,"restartCount":0,"state":{"running":{}}}]
            """;
        var ready = Pod(spec, "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]," + statuses + "}");
        var notReady = Pod(spec, "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]," + statuses + "}");
        Assert.Equal(("1/2", "Running", "0"), Summary(ready));
        Assert.Equal(("1/2", "NotReady", "0"), Summary(notReady));
    }

    [Fact]
    public void Row_ReadinessGatesAndNominatedNode_FillWideColumns()
    {
        var pod = Pod("""
            {"containers":[{"name":"app","image":"nginx"}],
             "readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]}
            """, """
            {"phase":"Pending","nominatedNodeName":"node-2","podIP":"10.0.0.9",
             "conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}]}
            """);
        var cells = Cells(Pods, pod);
        Assert.Equal("10.0.0.9", cells[5]);
        Assert.Equal("node-2", cells[7]);
        Assert.Equal("1/2", cells[8]);
    }

    [Fact]
    public void Row_EmptyObject_PrintsPlaceholdersInsteadOfFailing()
    {
        var cells = Cells(Pods, "{}");
        Assert.Equal(["", "0/0", "", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"], cells);
    }
}
