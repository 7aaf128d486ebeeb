using k8s.Models;

namespace Berth.Integration.Workloads;

/// <summary>DaemonSets against a real server with four simulated nodes (one tainted, one labelled disk=ssd).</summary>
[Collection(WorkloadCollection.Name)]
public sealed class DaemonSetTests(WorkloadFixture fx)
{
    private static string Manifest(string name, string extraSpec = "", string image = "fluentd:v1") => $$"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {{name}}
        spec:
          selector:
            matchLabels:
              app: {{name}}
          updateStrategy:
            type: RollingUpdate
            rollingUpdate:
              maxUnavailable: 1
          template:
            metadata:
              labels:
                app: {{name}}
            spec:
        {{extraSpec}}
              containers:
              - name: agent
                image: {{image}}
        """;

    private Task<V1DaemonSet> DsAsync(string ns, string name) => fx.GetAsync<V1DaemonSet>("apps", "v1", "daemonsets", ns, name);

    private async Task<List<V1Pod>> PodsAsync(string ns, string app) =>
        (await fx.ListAsync<V1Pod>("", "v1", "pods", ns, "app=" + app)).Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    [Fact]
    public async Task DaemonSet_RunsOnePodPerEligibleNode_HonoursTaintsAndSelectors_RollsUpdates()
    {
        var ns = await fx.NamespaceAsync("ds");

        // No toleration for the tainted node: one pod on each of the three plain nodes.
        (await fx.Kubectl.ApplyAsync(Manifest("agent"), "-n", ns)).Ok();
        await WorkloadFixture.WaitUntilAsync(async () => (await DsAsync(ns, "agent")).Status?.NumberAvailable == 3, TimeSpan.FromSeconds(60), "3 available");
        var ds = await DsAsync(ns, "agent");
        Assert.Equal((3, 3, 0, 3, 3, 0), (ds.Status.DesiredNumberScheduled, ds.Status.CurrentNumberScheduled, ds.Status.NumberMisscheduled,
            ds.Status.NumberReady, ds.Status.UpdatedNumberScheduled ?? 0, ds.Status.NumberUnavailable ?? 0));
        Assert.Equal(ds.Metadata.Generation, ds.Status.ObservedGeneration);
        var pods = await PodsAsync(ns, "agent");
        Assert.Equal(["sim-0", "sim-1", "sim-2"], pods.Select(p => p.Spec.NodeName).Order());
        foreach (var pod in pods)
        {
            // Pinned by node affinity on metadata.name, with the standard DaemonSet tolerations.
            var term = Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
            var field = Assert.Single(term.MatchFields);
            Assert.Equal(("metadata.name", "In", pod.Spec.NodeName), (field.Key, field.OperatorProperty, Assert.Single(field.Values)));
            Assert.Contains(pod.Spec.Tolerations, t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute" && t.OperatorProperty == "Exists");
            Assert.Contains(pod.Spec.Tolerations, t => t.Key == "node.kubernetes.io/unschedulable" && t.Effect == "NoSchedule");
            Assert.Equal("1", pod.Metadata.Labels["pod-template-generation"]);
            Assert.True(pod.Metadata.Labels.ContainsKey("controller-revision-hash"));
        }

        // A toleration admits the tainted node; a nodeSelector narrows to one node.
        (await fx.Kubectl.ApplyAsync(Manifest("tolerant", """
                  tolerations:
                  - key: dedicated
                    operator: Equal
                    value: infra
                    effect: NoSchedule
            """), "-n", ns)).Ok();
        (await fx.Kubectl.ApplyAsync(Manifest("ssd", """
                  nodeSelector:
                    disk: ssd
            """), "-n", ns)).Ok();
        await WorkloadFixture.WaitUntilAsync(async () => (await DsAsync(ns, "tolerant")).Status?.NumberAvailable == 4
            && (await DsAsync(ns, "ssd")).Status?.NumberAvailable == 1, TimeSpan.FromSeconds(60), "tolerant on 4 nodes, ssd on 1");
        Assert.Contains((await PodsAsync(ns, "tolerant")), p => p.Spec.NodeName == "sim-tainted");
        Assert.Equal("sim-2", Assert.Single(await PodsAsync(ns, "ssd")).Spec.NodeName);
        Assert.Equal(1, (await DsAsync(ns, "ssd")).Status.DesiredNumberScheduled);

        // An image change rolls node by node (maxUnavailable 1) to the new revision.
        (await fx.Kubectl.ApplyAsync(Manifest("agent", image: "fluentd:v2"), "-n", ns)).Ok();
        var rollout = await fx.Kubectl.RunAsync(["rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s"], null, TimeSpan.FromSeconds(75));
        Assert.Contains("successfully rolled out", rollout.Ok().Stdout);
        pods = await PodsAsync(ns, "agent");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("fluentd:v2", p.Spec.Containers[0].Image));
        Assert.All(pods, p => Assert.Equal("2", p.Metadata.Labels["pod-template-generation"]));
        ds = await DsAsync(ns, "agent");
        Assert.Equal(3, ds.Status.UpdatedNumberScheduled);
        var revisions = (await fx.ListAsync<V1ControllerRevision>("apps", "v1", "controllerrevisions", ns))
            .Where(r => r.Metadata.OwnerReferences?.Any(o => o.Uid == ds.Metadata.Uid) == true).ToList();
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision ?? 0).Order());

        // A deleted daemon pod comes back on its node.
        var victim = pods[0];
        (await fx.Kubectl.RunAsync("delete", "pod", "-n", ns, victim.Metadata.Name, "--wait=false")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var now = await PodsAsync(ns, "agent");
            return now.Count == 3 && now.Any(p => p.Spec.NodeName == victim.Spec.NodeName && p.Metadata.Name != victim.Metadata.Name && p.Status?.Phase == "Running");
        }, TimeSpan.FromSeconds(30), "the replacement daemon pod");
    }
}
