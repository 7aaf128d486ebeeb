using Berth.Controllers.Framework;
using Berth.Controllers.StatefulSets;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Tests.StatefulSets;

public sealed class StatefulSetUtilTests
{
    private static V1StatefulSet Set(int replicas = 3, int? partition = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "ns", Uid = "u" },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = "db-headless",
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
            UpdateStrategy = new V1StatefulSetUpdateStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = partition is null ? null : new V1RollingUpdateStatefulSetStrategy { Partition = partition },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "pg" }], Volumes = [new V1Volume { Name = "data" }] },
            },
            VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data", Labels = new Dictionary<string, string> { ["kind"] = "disk" } } }],
        },
        Status = new V1StatefulSetStatus { CurrentReplicas = 2 },
    };

    [Theory]
    [InlineData("web-0", "web", 0)]
    [InlineData("my-set-12", "my-set", 12)]
    [InlineData("web", "", -1)]
    [InlineData("web-x", "", -1)]
    public void ParentAndOrdinal_SplitsTheLastDashNumber(string name, string parent, int ordinal) =>
        Assert.Equal((parent, ordinal), StatefulSetUtil.ParentAndOrdinal(name));

    [Fact]
    public void NewPod_HasStableIdentityAndClaimVolumes()
    {
        var pod = StatefulSetUtil.NewPod(Set(), 2, "apps/v1", "StatefulSet");
        Assert.Equal("db-2", pod.Metadata.Name);
        Assert.Null(pod.Metadata.GenerateName);
        Assert.Equal(("db-2", "db-headless"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal("db-2", pod.Metadata.Labels[StatefulSetUtil.PodNameLabel]);
        Assert.Equal("2", pod.Metadata.Labels[StatefulSetUtil.PodIndexLabel]);
        Assert.Equal("data-db-2", Assert.Single(pod.Spec.Volumes).PersistentVolumeClaim.ClaimName);
        Assert.True(StatefulSetUtil.IdentityMatches(Set(), pod));
        Assert.True(StatefulSetUtil.StorageMatches(Set(), pod));

        var claim = Assert.Single(StatefulSetUtil.Claims(Set(), 2));
        Assert.Equal("data-db-2", claim.Metadata.Name);
        Assert.Equal(new Dictionary<string, string> { ["kind"] = "disk", ["app"] = "db" }, claim.Metadata.Labels);
    }

    [Fact]
    public void NewVersionedPod_BelowThePartitionKeepsTheCurrentRevision()
    {
        var current = Set(partition: 2);
        var update = Set(partition: 2);
        update.Spec.Template.Spec.Containers[0].Image = "pg:2";
        var low = StatefulSetUtil.NewVersionedPod(current, update, "db-old", "db-new", 1, "apps/v1", "StatefulSet");
        var high = StatefulSetUtil.NewVersionedPod(current, update, "db-old", "db-new", 2, "apps/v1", "StatefulSet");
        Assert.Equal(("db-old", "pg"), (low.Metadata.Labels[TemplateHash.ControllerRevisionHashLabel], low.Spec.Containers[0].Image));
        Assert.Equal(("db-new", "pg:2"), (high.Metadata.Labels[TemplateHash.ControllerRevisionHashLabel], high.Spec.Containers[0].Image));
    }

    [Fact]
    public void ApplyRevision_RestoresTheRecordedTemplate()
    {
        var set = Set();
        var revision = new V1ControllerRevision { Data = StatefulSetUtil.Patch(set), Metadata = new V1ObjectMeta() };
        var changed = Set();
        changed.Spec.Template.Spec.Containers[0].Image = "pg:9";
        Assert.Equal("pg", StatefulSetUtil.ApplyRevision(changed, revision).Spec.Template.Spec.Containers[0].Image);
    }
}

public sealed class StatefulSetControllerTests
{
    private static string Set(string policy, string strategy = "RollingUpdate", string image = "pg") => """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},
         "spec":{"replicas":3,"serviceName":"db","podManagementPolicy":"POLICY","updateStrategy":{"type":"STRATEGY"},
           "selector":{"matchLabels":{"app":"db"}},
           "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"IMAGE"}]}}}}
        """.Replace("POLICY", policy, StringComparison.Ordinal).Replace("STRATEGY", strategy, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal);

    private static async Task<WorkloadKit> StartAsync()
    {
        var kit = await WorkloadKit.StartAsync();
        kit.Run(new StatefulSetController(kit.Informers, NullLogger<StatefulSetController>.Instance));
        return kit;
    }

    [Fact]
    public async Task Parallel_CreatesEveryPodWithoutWaitingForReadiness()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1StatefulSet>("apps", "statefulsets", "ns", Set("Parallel"));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 3, "3 pods without any ready");
        Assert.Equal(["db-0", "db-1", "db-2"], (await kit.PodsAsync("ns")).Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public async Task OrderedReady_WaitsForEachPod_AndRecreatesAFailedOne()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1StatefulSet>("apps", "statefulsets", "ns", Set("OrderedReady"));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 1, "db-0");
        // Not ready yet: db-1 must not appear.
        await WorkloadKit.EventuallyAsync(async () => (await kit.GetAsync<V1StatefulSet>("apps", "statefulsets", "ns", "db")).Status?.Replicas == 1, "status replicas 1");
        Assert.Single(await kit.PodsAsync("ns"));
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            return (await kit.GetAsync<V1StatefulSet>("apps", "statefulsets", "ns", "db")).Status?.ReadyReplicas == 3;
        }, "3 ready");

        var db1 = await kit.GetAsync<V1Pod>("", "pods", "ns", "db-1");
        await kit.SetPodStatusAsync(db1, "Failed", ready: false, exitCode: 1);
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var pods = await kit.ListAsync<V1Pod>("", "pods", "ns");
            return pods.Any(p => p.Metadata.Name == "db-1" && p.Metadata.Uid != db1.Metadata.Uid);
        }, "db-1 recreated");
        await kit.EventAsync("ns", e => e.Reason == "RecreatingFailedPod" && e.Message == "StatefulSet ns/db is recreating failed Pod db-1", "RecreatingFailedPod");
        await kit.EventAsync("ns", e => e.Reason == "SuccessfulCreate" && e.Message == "create Pod db-2 in StatefulSet db successful", "SuccessfulCreate");
    }

    [Fact]
    public async Task OnDelete_KeepsOldPodsUntilDeleted_ThenRecreatesThemAtTheNewRevision()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1StatefulSet>("apps", "statefulsets", "ns", Set("Parallel", "OnDelete"));
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            return (await kit.GetAsync<V1StatefulSet>("apps", "statefulsets", "ns", "db")).Status?.ReadyReplicas == 3;
        }, "3 ready");
        await kit.PatchAsync("apps", "statefulsets", "ns", "db", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"pg:2"}]}}}}""");
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var s = await kit.GetAsync<V1StatefulSet>("apps", "statefulsets", "ns", "db");
            return s.Status is { } st && st.ObservedGeneration == s.Metadata.Generation && st.UpdateRevision != st.CurrentRevision;
        }, "the new update revision");
        Assert.All(await kit.PodsAsync("ns"), p => Assert.Equal("pg", p.Spec.Containers[0].Image));

        await kit.DeleteAsync("", "pods", "ns", "db-1");
        await WorkloadKit.EventuallyAsync(async () =>
            (await kit.PodsAsync("ns")).Any(p => p.Metadata.Name == "db-1" && p.Spec.Containers[0].Image == "pg:2"), "db-1 at pg:2");
        await WorkloadKit.EventuallyAsync(async () => (await kit.GetAsync<V1StatefulSet>("apps", "statefulsets", "ns", "db")).Status?.UpdatedReplicas == 1,
            "1 updated replica");
        Assert.Equal(2, (await kit.ListAsync<V1ControllerRevision>("apps", "controllerrevisions", "ns")).Count);
    }
}
