using System.Collections.Concurrent;
using Berth.Api.Json;
using Berth.Client;
using k8s.Models;

namespace Berth.Integration.Workloads;

/// <summary>Deployments and ReplicaSets against a real server with simulated nodes, driven by the real kubectl.</summary>
[Collection(WorkloadCollection.Name)]
public sealed class DeploymentTests(WorkloadFixture fx)
{
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromSeconds(90);

    private Task<KubectlResult> Kubectl(params string[] args) => fx.Kubectl.RunAsync(args, null, RolloutTimeout + TimeSpan.FromSeconds(15));

    private async Task RolloutStatusAsync(string ns, string name)
    {
        var r = await Kubectl("rollout", "status", "deployment/" + name, "-n", ns, "--timeout=" + (int)RolloutTimeout.TotalSeconds + "s");
        r.Ok();
        Assert.Contains("successfully rolled out", r.Stdout);
    }

    private Task<V1Deployment> DeploymentAsync(string ns, string name) => fx.GetAsync<V1Deployment>("apps", "v1", "deployments", ns, name);

    private Task<List<V1ReplicaSet>> ReplicaSetsAsync(string ns) => fx.ListAsync<V1ReplicaSet>("apps", "v1", "replicasets", ns);

    private async Task<List<V1Pod>> LivePodsAsync(string ns, string selector) =>
        (await fx.ListAsync<V1Pod>("", "v1", "pods", ns, selector)).Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    /// <summary>Watches Deployments or ReplicaSets of a namespace and keeps every version seen, in order.</summary>
    private sealed class ObjectWatch<T> : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public ObjectWatch(IApiClient client, string resource, string ns, string resourceVersion)
        {
            var info = client.Kinds.Find("apps", "v1", resource)!;
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in client.WatchAsync(info, ns, new ListRequest { ResourceVersion = resourceVersion }, _stop.Token))
                    {
                        if (e.Type is "ADDED" or "MODIFIED")
                        {
                            Seen.Enqueue(KubeJson.Deserialize<T>(e.Object));
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public ConcurrentQueue<T> Seen { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (HttpRequestException)
            {
            }
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task SeedDeployment_RollsOutUpdatesWithoutLosingAvailability_HistoryUndoPauseResumeRestartWork()
    {
        var ns = await fx.NamespaceAsync("deploy");
        var seed = Path.Combine(BerthServer.SeedDirectory, "kubernetes", "deployment.yaml");
        (await Kubectl("apply", "-n", ns, "-f", seed)).Ok();
        await RolloutStatusAsync(ns, "myapp");

        // Revision 1: one ReplicaSet named by its pod-template-hash, owning 10 pods.
        var d = await DeploymentAsync(ns, "myapp");
        Assert.Equal("1", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal((10, 10, 10, 10), (d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas));
        Assert.Equal(d.Metadata.Generation, d.Status.ObservedGeneration);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "True" && c.Reason == "MinimumReplicasAvailable");
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Status == "True" && c.Reason == "NewReplicaSetAvailable");
        var rs1 = Assert.Single(await ReplicaSetsAsync(ns));
        var hash1 = rs1.Metadata.Labels["pod-template-hash"];
        Assert.Equal("myapp-" + hash1, rs1.Metadata.Name);
        Assert.Equal(hash1, rs1.Spec.Selector.MatchLabels["pod-template-hash"]);
        Assert.Equal(hash1, rs1.Spec.Template.Metadata.Labels["pod-template-hash"]);
        Assert.Equal("10", rs1.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"]);
        Assert.Equal("11", rs1.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]);
        Assert.Equal((10, 10, 10, 10), (rs1.Status.Replicas, rs1.Status.FullyLabeledReplicas, rs1.Status.ReadyReplicas, rs1.Status.AvailableReplicas));
        var pods = await LivePodsAsync(ns, "app=myapp");
        Assert.Equal(10, pods.Count);
        Assert.All(pods, p => Assert.Equal(rs1.Metadata.Uid, p.Metadata.OwnerReferences.Single(o => o.Controller == true).Uid));

        // Revision 2: an image change rolls with maxSurge 1 / maxUnavailable 0. No Deployment status ever
        // shows fewer than 10 available, and the ReplicaSets never ask for more than 11 pods together.
        (await Kubectl("annotate", "-n", ns, "deployment/myapp", "kubernetes.io/change-cause=image v2")).Ok();
        var rv = (await fx.Client.ListAsync(fx.R.ReplicaSets, ns)).ResourceVersion;
        await using (var statuses = new ObjectWatch<V1Deployment>(fx.Client, "deployments", ns, rv))
        await using (var replicaSets = new ObjectWatch<V1ReplicaSet>(fx.Client, "replicasets", ns, rv))
        {
            (await Kubectl("set", "image", "-n", ns, "deployment/myapp", "myapp=mycompany/myapp:v2")).Ok();
            await RolloutStatusAsync(ns, "myapp");
            await WorkloadFixture.WaitUntilAsync(() => Task.FromResult(statuses.Seen.Any(s => s.Status?.UpdatedReplicas == 10 && s.Status.Replicas == 10)),
                TimeSpan.FromSeconds(10), "the final status on the watch");
            Assert.True(statuses.Seen.Count >= 10, $"saw only {statuses.Seen.Count} statuses");
            foreach (var s in statuses.Seen)
            {
                Assert.True(s.Status.AvailableReplicas >= 10, $"available {s.Status.AvailableReplicas} at generation {s.Metadata.Generation}");
            }
            var sizes = new Dictionary<string, int>();
            foreach (var r in replicaSets.Seen)
            {
                sizes[r.Metadata.Name] = r.Spec.Replicas ?? 0;
                Assert.True(sizes.Values.Sum() <= 11, $"ReplicaSets asked for {sizes.Values.Sum()} pods: {string.Join(", ", sizes)}");
            }
            Assert.Equal(2, sizes.Count);
        }
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var scaled = await fx.Client.ListAsync(fx.Client.Kinds.Find("", "v1", "events")!, ns, new ListRequest { FieldSelector = "involvedObject.name=myapp,reason=ScalingReplicaSet" });
            return scaled.Items.Any(e => e["message"]!.GetValue<string>().StartsWith("Scaled up replica set myapp-", StringComparison.Ordinal))
                && scaled.Items.Any(e => e["message"]!.GetValue<string>().StartsWith("Scaled down replica set myapp-" + hash1, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(10), "ScalingReplicaSet events");
        var rsList = await ReplicaSetsAsync(ns);
        Assert.Equal(2, rsList.Count);
        var rs2 = rsList.Single(r => r.Metadata.Uid != rs1.Metadata.Uid);
        Assert.Equal("2", rs2.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("image v2", rs2.Metadata.Annotations["kubernetes.io/change-cause"]);
        Assert.Equal(0, rsList.Single(r => r.Metadata.Uid == rs1.Metadata.Uid).Spec.Replicas);

        var history = (await Kubectl("rollout", "history", "-n", ns, "deployment/myapp")).Ok().Stdout;
        Assert.Matches(@"(?m)^1\s", history);
        Assert.Matches(@"(?m)^2\s+image v2", history);

        // Undo: back to revision 1's template, which becomes revision 3.
        (await Kubectl("rollout", "undo", "-n", ns, "deployment/myapp")).Ok();
        await RolloutStatusAsync(ns, "myapp");
        d = await DeploymentAsync(ns, "myapp");
        Assert.Equal("mycompany/myapp:v1.2.3", d.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("3", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        var back = (await ReplicaSetsAsync(ns)).Single(r => r.Metadata.Uid == rs1.Metadata.Uid);
        Assert.Equal("3", back.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("1", back.Metadata.Annotations["deployment.kubernetes.io/revision-history"]);
        Assert.Equal(10, back.Spec.Replicas);
        Assert.All(await LivePodsAsync(ns, "app=myapp"), p => Assert.Equal(hash1, p.Metadata.Labels["pod-template-hash"]));

        // Pause: a template change is recorded but not rolled out until resume.
        (await Kubectl("rollout", "pause", "-n", ns, "deployment/myapp")).Ok();
        (await Kubectl("set", "image", "-n", ns, "deployment/myapp", "myapp=mycompany/myapp:v3")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var x = await DeploymentAsync(ns, "myapp");
            return x.Status.ObservedGeneration >= x.Metadata.Generation
                && x.Status.Conditions.Any(c => c.Type == "Progressing" && c.Status == "Unknown" && c.Reason == "DeploymentPaused");
        }, TimeSpan.FromSeconds(20), "the paused condition");
        Assert.Equal(2, (await ReplicaSetsAsync(ns)).Count);
        var paused = await Kubectl("rollout", "status", "-n", ns, "deployment/myapp", "--watch=false");
        Assert.Contains("0 out of 10 new replicas have been updated", paused.Stdout);
        (await Kubectl("rollout", "resume", "-n", ns, "deployment/myapp")).Ok();
        await RolloutStatusAsync(ns, "myapp");
        Assert.All(await LivePodsAsync(ns, "app=myapp"), p => Assert.Equal("mycompany/myapp:v3", p.Spec.Containers[0].Image));

        // Restart: a new ReplicaSet with the restartedAt annotation in its template replaces every pod.
        var before = (await LivePodsAsync(ns, "app=myapp")).Select(p => p.Metadata.Name).ToHashSet();
        (await Kubectl("rollout", "restart", "-n", ns, "deployment/myapp")).Ok();
        await RolloutStatusAsync(ns, "myapp");
        var restarted = await LivePodsAsync(ns, "app=myapp");
        Assert.Equal(10, restarted.Count);
        Assert.All(restarted, p =>
        {
            Assert.DoesNotContain(p.Metadata.Name, before);
            Assert.True(p.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/restartedAt"));
        });

        // A deleted pod is replaced.
        var victim = restarted[0].Metadata.Name;
        (await Kubectl("delete", "pod", "-n", ns, victim, "--wait=false")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var now = await LivePodsAsync(ns, "app=myapp");
            return now.Count == 10 && now.All(p => p.Metadata.Name != victim) && now.All(p => p.Status?.Phase == "Running");
        }, TimeSpan.FromSeconds(30), "the deleted pod's replacement");

        // Scaling down removes pods and is reported in the status.
        (await Kubectl("scale", "-n", ns, "deployment/myapp", "--replicas=4")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var x = await DeploymentAsync(ns, "myapp");
            return x.Status.Replicas == 4 && x.Status.AvailableReplicas == 4 && (await LivePodsAsync(ns, "app=myapp")).Count == 4;
        }, TimeSpan.FromSeconds(30), "the scale-down to 4");
    }

    private static string Deployment(string name, int replicas, string strategy, string extraSpec = "", string annotations = "", string image = "app:v1") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
        spec:
          replicas: {{replicas}}
        {{extraSpec}}
          strategy:
        {{strategy}}
          selector:
            matchLabels:
              app: {{name}}
          template:
            metadata:
              labels:
                app: {{name}}
              annotations:
                berth.dev/test: "yes"
        {{annotations}}
            spec:
              containers:
              - name: app
                image: {{image}}
        """;

    [Fact]
    public async Task Recreate_StopsOldPodsBeforeStartingNew_DeadlineAndMinReadySecondsAreReported()
    {
        var ns = await fx.NamespaceAsync("deploy2");
        (await fx.Kubectl.ApplyAsync(string.Join("\n---\n",
            Deployment("recreate", 3, "    type: Recreate"),
            Deployment("stuck", 2, "    type: RollingUpdate", "  progressDeadlineSeconds: 2", "        sim.berth.dev/never-ready: \"true\"")), "-n", ns)).Ok();
        await RolloutStatusAsync(ns, "recreate");

        // Recreate: every old pod is gone before the first new one is created.
        var start = await fx.Client.ListAsync(fx.R.Pods, ns, new ListRequest { LabelSelector = "app=recreate" });
        var oldPods = start.Items.Select(p => p["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(3, oldPods.Count);
        var violations = new ConcurrentQueue<string>();
        using (var stop = new CancellationTokenSource())
        {
            var watch = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in fx.Client.WatchAsync(fx.R.Pods, ns, new ListRequest { ResourceVersion = start.ResourceVersion, LabelSelector = "app=recreate" }, stop.Token))
                    {
                        var name = e.Object["metadata"]!["name"]!.GetValue<string>();
                        if (e.Type == "DELETED")
                        {
                            oldPods.Remove(name);
                        }
                        else if (e.Type == "ADDED" && oldPods.Count > 0)
                        {
                            violations.Enqueue($"{name} created while {string.Join(",", oldPods)} still existed");
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
            (await Kubectl("set", "image", "-n", ns, "deployment/recreate", "app=app:v2")).Ok();
            await RolloutStatusAsync(ns, "recreate");
            await stop.CancelAsync();
            try
            {
                await watch;
            }
            catch (HttpRequestException)
            {
            }
        }
        Assert.Empty(violations);
        Assert.Empty(oldPods);
        var pods = await LivePodsAsync(ns, "app=recreate");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("app:v2", p.Spec.Containers[0].Image));

        // Pods that never become ready: Progressing=False ProgressDeadlineExceeded, and rollout status says so.
        await WorkloadFixture.WaitUntilAsync(async () => (await DeploymentAsync(ns, "stuck")).Status?.Conditions?
            .Any(c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") == true, TimeSpan.FromSeconds(30), "the progress deadline");
        var stuck = await DeploymentAsync(ns, "stuck");
        Assert.Contains(stuck.Status.Conditions, c => c.Type == "Available" && c.Status == "False" && c.Reason == "MinimumReplicasUnavailable");
        Assert.Equal(2, stuck.Status.UnavailableReplicas);
        var status = await Kubectl("rollout", "status", "deployment/stuck", "-n", ns, "--timeout=10s");
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains("exceeded its progress deadline", status.Stderr);

        // minReadySeconds: ready first, available two seconds later.
        (await fx.Kubectl.ApplyAsync(Deployment("slow-ready", 1, "    type: RollingUpdate", "  minReadySeconds: 2"), "-n", ns)).Ok();
        var seenReadyNotAvailable = false;
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var d = await DeploymentAsync(ns, "slow-ready");
            seenReadyNotAvailable |= d.Status?.ReadyReplicas == 1 && (d.Status.AvailableReplicas ?? 0) == 0;
            return d.Status?.AvailableReplicas == 1;
        }, TimeSpan.FromSeconds(30), "slow-ready to become available");
        Assert.True(seenReadyNotAvailable, "never saw the pod ready but not yet available");
        var rs = Assert.Single(await ReplicaSetsAsync(ns), r => r.Metadata.Name.StartsWith("slow-ready-", StringComparison.Ordinal));
        Assert.Equal(2, rs.Spec.MinReadySeconds);
    }
}
