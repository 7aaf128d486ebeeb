using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Tests.Framework;

public sealed class ActivePodsRankingTests
{
    private static readonly DateTime Now = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, string? node = "n1", string phase = "Running", bool ready = true, DateTime? readySince = null,
        int restarts = 0, DateTime? created = null, string? cost = null) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Uid = name,
                CreationTimestamp = created ?? Now.AddHours(-1),
                Annotations = cost is null ? null : new Dictionary<string, string> { [PodUtil.DeletionCostAnnotation] = cost },
            },
            Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c" }] },
            Status = new V1PodStatus
            {
                Phase = phase,
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = readySince ?? Now.AddHours(-1) }],
                ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = restarts }],
            },
        };

    private static List<string> Order(params V1Pod[] pods)
    {
        var list = pods.Select(p => (p, 0)).ToList();
        ActivePodsRanking.Sort(list, Now);
        return list.Select(x => x.Item1.Metadata.Name).ToList();
    }

    [Fact]
    public void Sort_UnscheduledBeforeScheduled_PendingBeforeUnknownBeforeRunning_NotReadyBeforeReady()
    {
        Assert.Equal(["unscheduled", "scheduled"], Order(Pod("scheduled"), Pod("unscheduled", node: null)));
        Assert.Equal(["pending", "unknown", "running"], Order(Pod("running"), Pod("unknown", phase: "Unknown"), Pod("pending", phase: "Pending")));
        Assert.Equal(["not-ready", "ready"], Order(Pod("ready"), Pod("not-ready", ready: false)));
    }

    [Fact]
    public void Sort_LowerDeletionCostFirst_EvenWhenReadyLonger()
    {
        Assert.Equal(["cheap", "default", "dear"], Order(Pod("dear", cost: "100"), Pod("default"), Pod("cheap", cost: "-5")));
        // An unparseable cost counts as 0.
        Assert.Equal(["cheap", "bad"], Order(Pod("bad", cost: "x"), Pod("cheap", cost: "-1")));
    }

    [Fact]
    public void Sort_ReadyForShorterTimeFirst_ByLogarithmicBuckets()
    {
        Assert.Equal(["recent", "old"], Order(Pod("old", readySince: Now.AddDays(-2)), Pod("recent", readySince: Now.AddMinutes(-1))));
        // Ages in the same power-of-two bucket tie on readiness; restarts then decide.
        Assert.Equal(["restarted", "steady"], Order(Pod("steady", readySince: Now.AddSeconds(-100)), Pod("restarted", readySince: Now.AddSeconds(-101), restarts: 3)));
    }

    [Fact]
    public void Sort_MoreRestartsFirst_ThenNewerFirst()
    {
        Assert.Equal(["crashy", "calm"], Order(Pod("calm"), Pod("crashy", restarts: 5)));
        Assert.Equal(["new", "old"], Order(Pod("old", created: Now.AddDays(-30)), Pod("new", created: Now.AddSeconds(-5))));
    }

    [Fact]
    public void Sort_Ranked_MoreColocatedSiblingsFirst()
    {
        var list = new List<(V1Pod, int)> { (Pod("alone"), 1), (Pod("crowded"), 4) };
        ActivePodsRanking.Sort(list, Now);
        Assert.Equal("crowded", list[0].Item1.Metadata.Name);
    }

    [Fact]
    public void Sort_Unranked_UsesExactTimes()
    {
        var list = new List<V1Pod> { Pod("a", readySince: Now.AddSeconds(-100)), Pod("b", readySince: Now.AddSeconds(-101)) };
        ActivePodsRanking.Sort(list);
        Assert.Equal("a", list[0].Metadata.Name);
    }
}
