using Berth.Controllers.ReplicaSets;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Tests.ReplicaSets;

public sealed class ReplicaSetControllerTests
{
    private static string ReplicaSet(int replicas, string cpu = "100m") => """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web"},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web","tier":"front"}},
             "spec":{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"CPU"},"limits":{"cpu":"CPU"}}}]}}}}
        """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("CPU", cpu, StringComparison.Ordinal);

    private static async Task<WorkloadKit> StartAsync()
    {
        var kit = await WorkloadKit.StartAsync();
        kit.Run(new ReplicaSetController(kit.Informers, NullLogger<ReplicaSetController>.Instance));
        return kit;
    }

    private static Task<V1ReplicaSet> RsAsync(WorkloadKit kit) => kit.GetAsync<V1ReplicaSet>("apps", "replicasets", "ns", "web");

    [Fact]
    public async Task Sync_CreatesPodsWithControllerRef_AndReportsStatus()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1ReplicaSet>("apps", "replicasets", "ns", ReplicaSet(3));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 3, "3 pods");
        var rs = await RsAsync(kit);
        var pods = await kit.PodsAsync("ns");
        Assert.All(pods, p =>
        {
            Assert.StartsWith("web-", p.Metadata.Name, StringComparison.Ordinal);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal((rs.Metadata.Uid, "ReplicaSet", true, true), (owner.Uid, owner.Kind, owner.Controller, owner.BlockOwnerDeletion));
            Assert.Equal("front", p.Metadata.Labels["tier"]);
        });
        await kit.SetPodStatusAsync(pods[0], "Running");
        await kit.SetPodStatusAsync(pods[1], "Running", ready: false);
        await WorkloadKit.EventuallyAsync(async () => (await RsAsync(kit)).Status?.ReadyReplicas == 1, "1 ready");
        rs = await RsAsync(kit);
        Assert.Equal((3, 3, 1, 1, rs.Metadata.Generation), (rs.Status.Replicas, rs.Status.FullyLabeledReplicas, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas, rs.Status.ObservedGeneration));

        // A pod that loses a template label still matches the selector: counted, but not fully labelled.
        await kit.PatchAsync("", "pods", "ns", pods[2].Metadata.Name, """{"metadata":{"labels":{"tier":null}}}""");
        await WorkloadKit.EventuallyAsync(async () => (await RsAsync(kit)).Status?.FullyLabeledReplicas == 2, "2 fully labelled");
    }

    [Fact]
    public async Task ScaleDown_DeletesUnreadyThenUnscheduledThenCheapestPodsFirst()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1ReplicaSet>("apps", "replicasets", "ns", ReplicaSet(4));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 4, "4 pods");
        var pods = (await kit.PodsAsync("ns")).OrderBy(p => p.Metadata.Name).ToList();
        await kit.SetPodStatusAsync(pods[0], "Running");
        await kit.SetPodStatusAsync(pods[1], "Running");
        await kit.SetPodStatusAsync(pods[2], "Running", ready: false);
        await kit.SetPodStatusAsync(pods[3], "Running");
        await kit.PatchAsync("", "pods", "ns", pods[1].Metadata.Name, """{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"-100"}}}""");
        await kit.PatchAsync("", "pods", "ns", pods[3].Metadata.Name, """{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"100"}}}""");
        await WorkloadKit.EventuallyAsync(async () => (await RsAsync(kit)).Status?.ReadyReplicas == 3, "3 ready");

        await kit.PatchAsync("apps", "replicasets", "ns", "web", """{"spec":{"replicas":2}}""");
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 2, "2 pods");
        // The not-ready pod goes first, then the one with the lowest deletion cost.
        Assert.Equal([pods[0].Metadata.Name, pods[3].Metadata.Name], (await kit.PodsAsync("ns")).Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public async Task Claim_AdoptsMatchingOrphans_ReleasesPodsThatStopMatching()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1Pod>("", "pods", "ns", """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"orphan","labels":{"app":"web","tier":"front"}},
             "spec":{"containers":[{"name":"c","image":"nginx"}]}}
            """);
        await kit.CreateAsync<V1ReplicaSet>("apps", "replicasets", "ns", ReplicaSet(2));
        await WorkloadKit.EventuallyAsync(async () => (await kit.PodsAsync("ns")).Count == 2 && (await RsAsync(kit)).Status?.Replicas == 2, "2 pods");
        var rs = await RsAsync(kit);
        var orphan = await kit.GetAsync<V1Pod>("", "pods", "ns", "orphan");
        Assert.Equal(rs.Metadata.Uid, Assert.Single(orphan.Metadata.OwnerReferences).Uid);

        // Relabelled out of the selector: released (owner reference removed) and replaced.
        await kit.PatchAsync("", "pods", "ns", "orphan", """{"metadata":{"labels":{"app":"other"}}}""");
        await WorkloadKit.EventuallyAsync(async () =>
            (await kit.GetAsync<V1Pod>("", "pods", "ns", "orphan")).Metadata.OwnerReferences is not { Count: > 0 }
            && (await kit.PodsAsync("ns", "app=web")).Count == 2, "the release and a replacement");
    }

    [Fact]
    public async Task QuotaRefusal_SetsReplicaFailure_ClearedOnceCreatesSucceed()
    {
        await using var kit = await WorkloadKit.StartAsync();
        kit.Run(new Berth.Controllers.ResourceQuota.ResourceQuotaController(kit.Client, NullLogger<Berth.Controllers.ResourceQuota.ResourceQuotaController>.Instance));
        await kit.CreateAsync<V1ResourceQuota>("", "resourcequotas", "ns", """
            {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":"2"}}}
            """);
        await WorkloadKit.EventuallyAsync(async () => (await kit.GetAsync<V1ResourceQuota>("", "resourcequotas", "ns", "q")).Status?.Hard is not null, "quota status");
        kit.Run(new ReplicaSetController(kit.Informers, NullLogger<ReplicaSetController>.Instance));
        await kit.CreateAsync<V1ReplicaSet>("apps", "replicasets", "ns", ReplicaSet(3));

        await WorkloadKit.EventuallyAsync(async () => (await RsAsync(kit)).Status?.Conditions?.Any(c => c.Type == "ReplicaFailure") == true, "ReplicaFailure");
        var failure = (await RsAsync(kit)).Status.Conditions.Single(c => c.Type == "ReplicaFailure");
        Assert.Equal(("True", "FailedCreate"), (failure.Status, failure.Reason));
        Assert.Contains("exceeded quota", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await kit.PodsAsync("ns")).Count);
        await kit.EventAsync("ns", e => e.Reason == "FailedCreate" && e.Message.StartsWith("Error creating: ", StringComparison.Ordinal), "FailedCreate");

        await kit.PatchAsync("", "resourcequotas", "ns", "q", """{"spec":{"hard":{"pods":"5"}}}""");
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var rs = await RsAsync(kit);
            return rs.Status?.Replicas == 3 && rs.Status.Conditions?.Any(c => c.Type == "ReplicaFailure") != true;
        }, "the third pod and the condition cleared", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void PodsToDelete_PrefersPodsOnNodesCrowdedWithSiblings()
    {
        static V1Pod Pod(string name, string node) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, Uid = name, CreationTimestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            Spec = new V1PodSpec { NodeName = node },
            Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) }],
            },
        };
        var mine = new List<V1Pod> { Pod("a", "n1"), Pod("b", "n2") };
        var related = new List<V1Pod> { mine[0], mine[1], Pod("sibling1", "n2"), Pod("sibling2", "n2") };
        var victims = ReplicaSetController.PodsToDelete(mine, related, 1, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal("b", Assert.Single(victims).Metadata.Name);
    }
}
