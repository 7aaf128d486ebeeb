using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class WorkloadPrintersTests
{
    private const string Template = """
        "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"log","image":"busybox"}]}}
        """;

    [Fact]
    public void Row_Deployment_ShowsReadyOverDesiredAndWideCells()
    {
        var cells = Cells(Info("apps", "Deployment"), $$"""
            {"metadata":{"name":"web","creationTimestamp":"{{Ago(TimeSpan.FromMinutes(42))}}"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"} },{{Template}} },
             "status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2} }
            """);
        Assert.Equal<object?>(["web", "2/3", 3L, 2L, "42m", "nginx,log", "nginx:1.27,busybox", "app=web"], cells);
    }

    [Fact]
    public void Row_DeploymentWithoutReplicasOrStatus_UsesDefaultOfOne()
    {
        var cells = Cells(Info("apps", "Deployment"), """{"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}}}}""");
        Assert.Equal("0/1", cells[1]);
    }

    [Fact]
    public void Row_ReplicaSetStatefulSetDaemonSet_ShowCounts()
    {
        var rs = Cells(Info("apps", "ReplicaSet"), $$"""
            {"metadata":{"name":"web-5d8f"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"5d8f"} },{{Template}} },
             "status":{"replicas":3,"readyReplicas":1} }
            """);
        Assert.Equal<object?>(["web-5d8f", 3L, 3L, 1L, "<unknown>", "nginx,log", "nginx:1.27,busybox", "app=web,pod-template-hash=5d8f"], rs);

        Assert.Equal("2/3", Cell(Info("apps", "StatefulSet"), """{"spec":{"replicas":3},"status":{"readyReplicas":2}}""", "Ready"));

        var ds = Cells(Info("apps", "DaemonSet"), """
            {"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},
              "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"a","image":"agent:1"}]}}},
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}
            """);
        Assert.Equal<object?>(["agent", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "<unknown>", "a", "agent:1", "app=agent"], ds);
    }

    [Theory]
    [InlineData("""[{"type":"Complete","status":"True"}]""", "", "Complete")]
    [InlineData("""[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]""", "", "Failed")]
    [InlineData("""[{"type":"Suspended","status":"True"}]""", "", "Suspended")]
    [InlineData("""[{"type":"FailureTarget","status":"True"}]""", "", "FailureTarget")]
    [InlineData("""[{"type":"Suspended","status":"False"}]""", "", "Running")]
    [InlineData("[]", ",\"deletionTimestamp\":\"2025-06-01T11:59:00Z\"", "Terminating")]
    public void Row_Job_StatusFollowsConditions(string conditions, string metadataExtra, string expected)
    {
        var cell = Cell(Info("batch", "Job"), $$"""
            {"metadata":{"name":"pi"{{metadataExtra}} },"spec":{"template":{"spec":{"containers":[]} } },"status":{"conditions":{{conditions}} } }
            """, "Status");
        Assert.Equal(expected, cell);
    }

    [Fact]
    public void Row_Job_CompletionsAndDuration()
    {
        var info = Info("batch", "Job");
        var finished = Cells(info, $$"""
            {"metadata":{"name":"pi","creationTimestamp":"{{Ago(TimeSpan.FromMinutes(20))}}"},
             "spec":{"completions":5,"parallelism":2,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"abc"} },
               "template":{"spec":{"containers":[{"name":"pi","image":"perl"}]} } },
             "status":{"succeeded":5,"startTime":"{{Ago(TimeSpan.FromMinutes(19))}}","completionTime":"{{Ago(TimeSpan.FromMinutes(16))}}",
               "conditions":[{"type":"Complete","status":"True"}]} }
            """);
        Assert.Equal<object?>(["pi", "Complete", "5/5", "3m", "20m", "pi", "perl", "batch.kubernetes.io/controller-uid=abc"], finished);

        var running = $$"""{"spec":{"parallelism":3},"status":{"succeeded":0,"startTime":"{{Ago(TimeSpan.FromSeconds(45))}}"} }""";
        Assert.Equal("0/1 of 3", Cell(info, running, "Completions"));
        Assert.Equal("45s", Cell(info, running, "Duration"));
        Assert.Equal("0/1", Cell(info, "{}", "Completions"));
        Assert.Equal("", Cell(info, "{}", "Duration"));
    }

    [Fact]
    public void Row_CronJob_ShowsScheduleSuspendAndLastSchedule()
    {
        var cells = Cells(Info("batch", "CronJob"), $$"""
            {"metadata":{"name":"backup"},"spec":{"schedule":"*/5 * * * *","suspend":false,
              "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"backup:2"}]} } } } },
             "status":{"active":[{"name":"backup-1"}],"lastScheduleTime":"{{Ago(TimeSpan.FromMinutes(3))}}"} }
            """);
        Assert.Equal<object?>(["backup", "*/5 * * * *", "<none>", "False", 1L, "3m", "<unknown>", "b", "backup:2", "<none>"], cells);
        Assert.Equal("<none>", Cell(Info("batch", "CronJob"), """{"spec":{"timeZone":"Etc/UTC"}}""", "Last Schedule"));
        Assert.Equal("Etc/UTC", Cell(Info("batch", "CronJob"), """{"spec":{"timeZone":"Etc/UTC"}}""", "Timezone"));
    }

    [Fact]
    public void Row_ControllerRevision_ShowsControllerKindGroupAndName()
    {
        var cells = Cells(Info("apps", "ControllerRevision"), """
            {"metadata":{"name":"agent-7c9","ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"agent","uid":"u","controller":true}]},"revision":4}
            """);
        Assert.Equal<object?>(["agent-7c9", "daemonset.apps/agent", 4L, "<unknown>"], cells);
    }

    [Fact]
    public void Row_PodTemplate_ShowsContainersAndLabels()
    {
        var cells = Cells(Info("", "PodTemplate"), $$"""{"metadata":{"name":"t"},{{Template}} }""");
        Assert.Equal<object?>(["t", "nginx,log", "nginx:1.27,busybox", "app=web"], cells);
    }

    [Fact]
    public void Row_SelectorWithExpressions_SortsRequirementsByKey()
    {
        var cell = Cell(Info("apps", "ReplicaSet"), """
            {"spec":{"selector":{"matchLabels":{"tier":"web"},
              "matchExpressions":[{"key":"env","operator":"NotIn","values":["prod","dev"]},{"key":"canary","operator":"DoesNotExist"},{"key":"app","operator":"Exists"}]}}}
            """, "Selector");
        Assert.Equal("app,!canary,env notin (dev,prod),tier=web", cell);
    }
}
