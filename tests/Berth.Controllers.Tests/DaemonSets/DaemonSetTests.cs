using Berth.Controllers.DaemonSets;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Tests.DaemonSets;

public sealed class DaemonSetUtilTests
{
    private static V1Node Node(string name, Dictionary<string, string>? labels = null, params V1Taint[] taints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new V1NodeSpec { Taints = taints },
    };

    private static V1DaemonSet Ds(V1PodSpec? spec = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent" },
        Spec = new V1DaemonSetSpec
        {
            Template = new V1PodTemplateSpec { Spec = spec ?? new V1PodSpec { Containers = [new V1Container { Name = "c" }] } },
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = "10%", MaxSurge = 0 } },
        },
    };

    [Fact]
    public void NodeShouldRunDaemonPod_NoScheduleBlocksNewPods_NoExecuteEvicts_StandardTolerationsApply()
    {
        Assert.Equal((true, true), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n"), Ds()));
        Assert.Equal((false, true), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", null, new V1Taint { Key = "k", Effect = "NoSchedule" }), Ds()));
        Assert.Equal((false, false), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", null, new V1Taint { Key = "k", Effect = "NoExecute" }), Ds()));
        // Node conditions become taints a daemon pod always tolerates.
        Assert.Equal((true, true), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", null,
            new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" },
            new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoExecute" }), Ds()));
        var tolerant = Ds(new V1PodSpec
        {
            Containers = [new V1Container { Name = "c" }],
            Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "Equal", Value = "v", Effect = "NoExecute" }],
        });
        Assert.Equal((true, true), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", null, new V1Taint { Key = "k", Value = "v", Effect = "NoExecute" }), tolerant));
        Assert.Equal((false, false), DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", null, new V1Taint { Key = "k", Value = "w", Effect = "NoExecute" }), tolerant));
    }

    [Fact]
    public void NodeShouldRunDaemonPod_HonoursNodeSelectorAndRequiredAffinity()
    {
        var selective = Ds(new V1PodSpec
        {
            Containers = [new V1Container { Name = "c" }],
            NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" },
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a", "b"] }] },
                            new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "cpus", OperatorProperty = "Gt", Values = ["8"] }] },
                        ],
                    },
                },
            },
        });
        Assert.True(DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", new() { ["disk"] = "ssd", ["zone"] = "b" }), selective).ShouldRun);
        Assert.True(DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", new() { ["disk"] = "ssd", ["cpus"] = "16" }), selective).ShouldRun);
        Assert.False(DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", new() { ["disk"] = "ssd", ["cpus"] = "4" }), selective).ShouldRun);
        Assert.False(DaemonSetUtil.NodeShouldRunDaemonPod(Node("n", new() { ["zone"] = "a" }), selective).ShouldRun);
    }

    [Fact]
    public void ReplaceNodeNameAffinity_PinsEveryTermToTheNode()
    {
        var affinity = DaemonSetUtil.ReplaceNodeNameAffinity(null, "n1");
        var term = Assert.Single(affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
        Assert.Equal("n1", Assert.Single(Assert.Single(term.MatchFields).Values));
        var pod = new V1Pod { Metadata = new V1ObjectMeta(), Spec = new V1PodSpec { Affinity = affinity } };
        Assert.Equal("n1", DaemonSetUtil.TargetNodeName(pod));
    }

    [Theory]
    [InlineData("10%", "0", 25, 0, 3)]
    [InlineData("0", "1", 25, 1, 0)]
    [InlineData("0", "0", 25, 0, 1)]
    [InlineData("50%", "25%", 3, 1, 2)]
    public void SurgeAndUnavailable_RoundUp(string unavailable, string surge, int desired, int expectSurge, int expectUnavailable)
    {
        var ds = Ds();
        ds.Spec.UpdateStrategy.RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = unavailable, MaxSurge = surge };
        Assert.Equal((expectSurge, expectUnavailable), DaemonSetUtil.SurgeAndUnavailable(ds, desired));
    }
}

public sealed class DaemonSetControllerTests
{
    private static string NodeJson(string name, string taints = "[]") => """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"NAME","labels":{"kubernetes.io/hostname":"NAME"}},"spec":{"taints":TAINTS}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("TAINTS", taints, StringComparison.Ordinal);

    private const string Ds = """
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},
           "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":1}},
           "template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"c","image":"agent:1"}]}}}}
        """;

    [Fact]
    public async Task DaemonSet_FollowsNodes_AndSurgesUpdatesOneNodeAtATime()
    {
        await using var kit = await WorkloadKit.StartAsync();
        await kit.CreateAsync<V1Node>("", "nodes", "", NodeJson("n1"));
        await kit.CreateAsync<V1Node>("", "nodes", "", NodeJson("n2"));
        kit.Run(new DaemonSetController(kit.Informers, NullLogger<DaemonSetController>.Instance));
        await kit.CreateAsync<V1DaemonSet>("apps", "daemonsets", "ns", Ds);
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 2, "2 pods");
        Assert.Equal(["n1", "n2"], (await kit.PodsAsync("ns")).Select(DaemonSetUtil.TargetNodeName).Order());

        // A new node gets a pod; a node tainted NoExecute loses it.
        await kit.CreateAsync<V1Node>("", "nodes", "", NodeJson("n3"));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 3, "a pod on n3");
        await kit.PatchAsync("", "nodes", "", "n3", """{"spec":{"taints":[{"key":"maintenance","effect":"NoExecute"}]}}""");
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 2, "n3's pod evicted");
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            var ds = await kit.GetAsync<V1DaemonSet>("apps", "daemonsets", "ns", "agent");
            return ds.Status?.NumberAvailable == 2 && ds.Status.DesiredNumberScheduled == 2;
        }, "2 available of 2 desired");

        // maxSurge 1, maxUnavailable 0: one new pod beside an old one; the old goes once the new is available.
        await kit.PatchAsync("apps", "daemonsets", "ns", "agent", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}}""");
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 3, "a surge pod");
        Assert.Single(await kit.PodsAsync("ns"), p => p.Spec.Containers[0].Image == "agent:2");
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var pods = await kit.PodsAsync("ns");
            Assert.True(pods.Count(p => p.Spec.Containers[0].Image == "agent:2") <= 2);
            Assert.True(pods.Count(p => p.Status?.Phase == "Running") >= 2, "availability dropped below the desired count");
            var fresh = pods.FirstOrDefault(p => p.Status?.Phase != "Running");
            if (fresh is not null)
            {
                await kit.SetPodStatusAsync(fresh, "Running");
            }
            return pods.Count == 2 && pods.All(p => p.Spec.Containers[0].Image == "agent:2" && p.Status?.Phase == "Running");
        }, "both nodes on agent:2", TimeSpan.FromSeconds(30));
        await WorkloadKit.EventuallyAsync(async () => (await kit.GetAsync<V1DaemonSet>("apps", "daemonsets", "ns", "agent")).Status?.UpdatedNumberScheduled == 2,
            "2 updated");
    }
}
