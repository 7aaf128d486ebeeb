using System.Collections.Concurrent;
using Berth.Api.Json;
using Berth.Client;
using k8s.Models;

namespace Berth.Integration.Workloads;

/// <summary>StatefulSets against a real server with simulated nodes.</summary>
[Collection(WorkloadCollection.Name)]
public sealed class StatefulSetTests(WorkloadFixture fx)
{
    private const string Manifest = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          serviceName: web
          replicas: 3
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
              annotations:
                sim.berth.dev/ready-after-seconds: "0.3"
            spec:
              containers:
              - name: nginx
                image: registry.k8s.io/nginx-slim:0.8
          volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: ["ReadWriteOnce"]
              resources:
                requests:
                  storage: 1Gi
        """;

    private Task<V1StatefulSet> SetAsync(string ns) => fx.GetAsync<V1StatefulSet>("apps", "v1", "statefulsets", ns, "web");

    private async Task<List<V1Pod>> PodsAsync(string ns) =>
        (await fx.ListAsync<V1Pod>("", "v1", "pods", ns, "app=web")).Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Metadata.Name).ToList();

    [Fact]
    public async Task OrderedReady_CreatesPodsInOrderWithClaims_ScalesDownFromTheTop_RollsUpdatesByPartition()
    {
        var ns = await fx.NamespaceAsync("sts");
        var podsInfo = fx.Client.Kinds.Find("", "v1", "pods")!;
        var start = await fx.Client.ListAsync(podsInfo, ns);

        // Watch pods: when web-N appears, web-(N-1) must already have been seen Running and Ready.
        var ready = new ConcurrentDictionary<string, bool>();
        var violations = new ConcurrentQueue<string>();
        var created = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in fx.Client.WatchAsync(podsInfo, ns, new ListRequest { ResourceVersion = start.ResourceVersion }, stop.Token))
                {
                    var pod = KubeJson.Deserialize<V1Pod>(e.Object);
                    var name = pod.Metadata.Name;
                    if (e.Type == "ADDED")
                    {
                        created.Enqueue(name);
                        var ordinal = int.Parse(name[(name.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                        if (ordinal > 0 && !ready.GetValueOrDefault($"web-{ordinal - 1}"))
                        {
                            violations.Enqueue($"{name} created before web-{ordinal - 1} was ready");
                        }
                    }
                    ready[name] = e.Type != "DELETED" && pod.Status?.Phase == "Running"
                        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        (await fx.Kubectl.ApplyAsync(Manifest, "-n", ns)).Ok();
        await WorkloadFixture.WaitUntilAsync(async () => (await SetAsync(ns)).Status?.ReadyReplicas == 3, TimeSpan.FromSeconds(60), "3 ready replicas");
        await stop.CancelAsync();
        try
        {
            await watch;
        }
        catch (HttpRequestException)
        {
        }
        Assert.Empty(violations);
        Assert.Equal(["web-0", "web-1", "web-2"], created.Take(3));

        var pods = await PodsAsync(ns);
        Assert.Equal(["web-0", "web-1", "web-2"], pods.Select(p => p.Metadata.Name));
        foreach (var (pod, i) in pods.Select((p, i) => (p, i)))
        {
            Assert.Equal(pod.Metadata.Name, pod.Spec.Hostname);
            Assert.Equal("web", pod.Spec.Subdomain);
            Assert.Equal(pod.Metadata.Name, pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Metadata.Labels["apps.kubernetes.io/pod-index"]);
            Assert.Equal($"www-web-{i}", pod.Spec.Volumes.Single(v => v.Name == "www").PersistentVolumeClaim.ClaimName);
        }
        var claims = await fx.ListAsync<V1PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", ns);
        Assert.Equal(["www-web-0", "www-web-1", "www-web-2"], claims.Select(c => c.Metadata.Name).Order());
        Assert.All(claims, c => Assert.Equal("web", c.Metadata.Labels["app"]));

        var set = await SetAsync(ns);
        Assert.Equal(3, set.Status.Replicas);
        Assert.Equal(3, set.Status.AvailableReplicas);
        Assert.Equal(3, set.Status.CurrentReplicas);
        Assert.Equal(set.Status.CurrentRevision, set.Status.UpdateRevision);
        Assert.All(pods, p => Assert.Equal(set.Status.UpdateRevision, p.Metadata.Labels["controller-revision-hash"]));
        var revisions = await fx.ListAsync<V1ControllerRevision>("apps", "v1", "controllerrevisions", ns);
        Assert.Equal(set.Status.UpdateRevision, Assert.Single(revisions).Metadata.Name);

        // A partitioned update replaces only the ordinals at or above the partition, from the top.
        (await fx.Kubectl.RunAsync("patch", "statefulset/web", "-n", ns, "-p",
            """{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.9"}]}}}}""")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var s = await SetAsync(ns);
            return s.Status.ObservedGeneration == s.Metadata.Generation && s.Status.UpdatedReplicas == 1 && s.Status.ReadyReplicas == 3;
        }, TimeSpan.FromSeconds(60), "the partitioned update");
        set = await SetAsync(ns);
        Assert.NotEqual(set.Status.CurrentRevision, set.Status.UpdateRevision);
        pods = await PodsAsync(ns);
        Assert.Equal(["0.8", "0.8", "0.9"], pods.Select(p => p.Spec.Containers[0].Image[^3..]));
        Assert.Equal(2, (await fx.ListAsync<V1ControllerRevision>("apps", "v1", "controllerrevisions", ns)).Count);

        (await fx.Kubectl.RunAsync("patch", "statefulset/web", "-n", ns, "-p", """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}""")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var s = await SetAsync(ns);
            return s.Status.UpdatedReplicas == 3 && s.Status.ReadyReplicas == 3 && s.Status.CurrentRevision == s.Status.UpdateRevision;
        }, TimeSpan.FromSeconds(60), "the full update");
        Assert.All(await PodsAsync(ns), p => Assert.EndsWith("0.9", p.Spec.Containers[0].Image));
        var rollout = await fx.Kubectl.RunAsync("rollout", "status", "statefulset/web", "-n", ns, "--timeout=30s");
        Assert.Contains("roll out complete", rollout.Ok().Stdout);

        // History comes from the ControllerRevisions; undo patches the previous revision's template back.
        var history = (await fx.Kubectl.RunAsync("rollout", "history", "statefulset/web", "-n", ns)).Ok().Stdout;
        Assert.Matches(@"(?m)^1\s", history);
        Assert.Matches(@"(?m)^2\s", history);
        (await fx.Kubectl.RunAsync("rollout", "undo", "statefulset/web", "-n", ns)).Ok();
        await WorkloadFixture.WaitUntilAsync(async () =>
        {
            var s = await SetAsync(ns);
            return s.Status.ObservedGeneration == s.Metadata.Generation && s.Status.UpdatedReplicas == 3 && s.Status.ReadyReplicas == 3
                && s.Status.CurrentRevision == s.Status.UpdateRevision && (await PodsAsync(ns)).All(p => p.Spec.Containers[0].Image.EndsWith("0.8", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(60), "the undo to 0.8");
        // Rolling back reuses revision 1's ControllerRevision, renumbered 3.
        var afterUndo = await fx.ListAsync<V1ControllerRevision>("apps", "v1", "controllerrevisions", ns);
        Assert.Equal([2L, 3L], afterUndo.Select(r => r.Revision ?? 0).Order());

        // Scale down removes the highest ordinals and keeps their claims (retention policy Retain).
        (await fx.Kubectl.RunAsync("scale", "statefulset/web", "-n", ns, "--replicas=1")).Ok();
        await WorkloadFixture.WaitUntilAsync(async () => (await PodsAsync(ns)).Count == 1 && (await SetAsync(ns)).Status.Replicas == 1,
            TimeSpan.FromSeconds(60), "the scale-down to 1");
        Assert.Equal("web-0", (await PodsAsync(ns)).Single().Metadata.Name);
        Assert.Equal(3, (await fx.ListAsync<V1PersistentVolumeClaim>("", "v1", "persistentvolumeclaims", ns)).Count);
    }
}
