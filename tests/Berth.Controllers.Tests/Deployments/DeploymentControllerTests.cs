using Berth.Controllers.Deployments;
using Berth.Controllers.ReplicaSets;
using Berth.Controllers.Tests.Framework;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Controllers.Tests.Deployments;

public sealed class DeploymentControllerTests
{
    private static string Deployment(string image, int replicas = 4, string strategy = """{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}""") => """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":REPLICAS,"strategy":STRATEGY,"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"IMAGE"}]}}}}
        """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("STRATEGY", strategy, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal);

    private static async Task<WorkloadKit> StartAsync()
    {
        var kit = await WorkloadKit.StartAsync();
        kit.Run(new DeploymentController(kit.Informers, NullLogger<DeploymentController>.Instance));
        kit.Run(new ReplicaSetController(kit.Informers, NullLogger<ReplicaSetController>.Instance));
        return kit;
    }

    [Fact]
    public async Task Rollout_WithQuarterSurgeAndUnavailable_StaysWithinBothBounds()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1Deployment>("apps", "deployments", "ns", Deployment("v1"));
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            return (await kit.GetAsync<V1Deployment>("apps", "deployments", "ns", "web")).Status?.AvailableReplicas == 4;
        }, "4 available");

        await kit.PatchAsync("apps", "deployments", "ns", "web", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"v2"}]}}}}""");
        // Play a kubelet that readies pods one poll at a time; check the bounds at every step:
        // at most 4 + 1 (25% of 4 rounded up) pods, at least 4 − 1 (rounded down) ready.
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var pods = await kit.PodsAsync("ns");
            Assert.True(pods.Count <= 5, $"{pods.Count} pods");
            Assert.True(pods.Count(p => p.Status?.Phase == "Running") >= 3, "fewer than 3 running pods");
            var pending = pods.FirstOrDefault(p => p.Status?.Phase != "Running");
            if (pending is not null)
            {
                await kit.SetPodStatusAsync(pending, "Running");
            }
            var d = await kit.GetAsync<V1Deployment>("apps", "deployments", "ns", "web");
            return d.Status?.UpdatedReplicas == 4 && d.Status.AvailableReplicas == 4 && d.Status.Replicas == 4
                && d.Status.ObservedGeneration == d.Metadata.Generation;
        }, "the rollout to v2", TimeSpan.FromSeconds(30));
        Assert.All(await kit.PodsAsync("ns"), p => Assert.Equal("v2", p.Spec.Containers[0].Image));
        var d = await kit.GetAsync<V1Deployment>("apps", "deployments", "ns", "web");
        Assert.Equal("2", d.Metadata.Annotations[DeploymentUtil.RevisionAnnotation]);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable");
    }

    [Fact]
    public async Task RevisionHistoryLimit_DeletesTheOldestEmptyReplicaSets()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1Deployment>("apps", "deployments", "ns", Deployment("v1", replicas: 1,
            strategy: """{"type":"Recreate"}""").Replace("\"replicas\":1,", "\"replicas\":1,\"revisionHistoryLimit\":1,", StringComparison.Ordinal));
        for (var v = 2; v <= 4; v++)
        {
            await WorkloadKit.EventuallyAsync(async () =>
            {
                await kit.ReadyAllAsync("ns");
                var d = await kit.GetAsync<V1Deployment>("apps", "deployments", "ns", "web");
                return d.Status?.AvailableReplicas == 1 && d.Status.UpdatedReplicas == 1 && d.Status.Replicas == 1
                    && d.Status.ObservedGeneration == d.Metadata.Generation;
            }, $"revision {v - 1} to complete");
            await kit.PatchAsync("apps", "deployments", "ns", "web", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"vN"}]}}}}""".Replace("vN", "v" + v, StringComparison.Ordinal));
        }
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            var rss = await kit.ListAsync<V1ReplicaSet>("apps", "replicasets", "ns");
            return rss.Count == 2 && rss.Any(r => r.Spec.Template.Spec.Containers[0].Image == "v4" && r.Status?.AvailableReplicas == 1);
        }, "history pruned to one old ReplicaSet");
        var images = (await kit.ListAsync<V1ReplicaSet>("apps", "replicasets", "ns")).Select(r => r.Spec.Template.Spec.Containers[0].Image).Order();
        Assert.Equal(["v3", "v4"], images);
    }

    [Fact]
    public async Task ScalingDuringARollout_IsSpreadProportionally()
    {
        await using var kit = await StartAsync();
        await kit.CreateAsync<V1Deployment>("apps", "deployments", "ns", Deployment("v1", replicas: 10,
            strategy: """{"type":"RollingUpdate","rollingUpdate":{"maxSurge":3,"maxUnavailable":2}}"""));
        await WorkloadKit.EventuallyAsync(async () =>
        {
            await kit.ReadyAllAsync("ns");
            return (await kit.GetAsync<V1Deployment>("apps", "deployments", "ns", "web")).Status?.AvailableReplicas == 10;
        }, "10 available");
        // Roll to v2 without readying the new pods: the rollout stalls with old and new ReplicaSets active.
        await kit.PatchAsync("apps", "deployments", "ns", "web", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"v2"}]}}}}""");
        await WorkloadKit.EventuallyAsync(async () =>
        {
            var rss = await kit.ListAsync<V1ReplicaSet>("apps", "replicasets", "ns");
            // Surge to 10 + 3, old scaled down by maxUnavailable 2 to 8, new up to 5; then nothing becomes ready.
            return rss.Count == 2 && rss.Select(r => r.Spec.Replicas ?? 0).Order().SequenceEqual([5, 8]);
        }, "a stalled rollout at 8 old + 5 new");
        await kit.PatchAsync("apps", "deployments", "ns", "web", """{"spec":{"replicas":20}}""");
        await WorkloadKit.EventuallyAsync(async () =>
            (await kit.ListAsync<V1ReplicaSet>("apps", "replicasets", "ns")).Sum(r => r.Spec.Replicas ?? 0) == 23, "the scale to 20 + surge");
        var sizes = (await kit.ListAsync<V1ReplicaSet>("apps", "replicasets", "ns")).ToDictionary(r => r.Spec.Template.Spec.Containers[0].Image, r => r.Spec.Replicas);
        // Both grew in proportion to their share (8:5 of 13 → 14:9 of 23), not all to one side.
        Assert.Equal(14, sizes["v1"]);
        Assert.Equal(9, sizes["v2"]);
    }
}
