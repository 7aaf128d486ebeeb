using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Berth.Integration;

/// <summary>The official Kubernetes C# client (KubernetesClient) against a real Berth server.</summary>
[Collection(ServerCollection.Name)]
public sealed class CSharpClientTests(ServerFixture fx)
{
    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.Kubeconfig));

    [Fact]
    public async Task ListWatchPatch_WorkWithTheOfficialClient()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Client();
        var ns = "csharp-" + Guid.NewGuid().ToString("n")[..6];
        await client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);

        var namespaces = await client.ListNamespaceAsync(cancellationToken: ct);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == ns);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");

        var list = await client.ListNamespacedConfigMapAsync(ns, cancellationToken: ct);
        var events = new List<(WatchEventType Type, V1ConfigMap Obj)>();
        var gotModified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watchTask = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(ns,
                resourceVersion: list.Metadata.ResourceVersion, cancellationToken: watchCts.Token))
            {
                lock (events)
                {
                    events.Add((type, item));
                }
                if (type == WatchEventType.Modified)
                {
                    gotModified.TrySetResult();
                }
            }
        }, ct);

        var created = await client.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "settings", Labels = new Dictionary<string, string> { ["app"] = "demo" } },
            Data = new Dictionary<string, string> { ["color"] = "blue" },
        }, ns, cancellationToken: ct);
        Assert.NotNull(created.Metadata.Uid);

        var patched = await client.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"data\":{\"color\":\"green\",\"size\":\"large\"}}", V1Patch.PatchType.MergePatch), "settings", ns, cancellationToken: ct);
        Assert.Equal("green", patched.Data["color"]);
        Assert.Equal("large", patched.Data["size"]);
        Assert.True(long.Parse(patched.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        var jsonPatched = await client.PatchNamespacedConfigMapAsync(
            new V1Patch("[{\"op\":\"remove\",\"path\":\"/data/size\"}]", V1Patch.PatchType.JsonPatch), "settings", ns, cancellationToken: ct);
        Assert.False(jsonPatched.Data.ContainsKey("size"));

        await gotModified.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await watchCts.CancelAsync();
        try
        {
            await watchTask;
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException)
        {
        }
        lock (events)
        {
            Assert.Equal(WatchEventType.Added, events[0].Type);
            Assert.Equal("settings", events[0].Obj.Metadata.Name);
            Assert.Contains(events, e => e.Type == WatchEventType.Modified && e.Obj.Data["color"] == "green");
        }

        var selected = await client.ListNamespacedConfigMapAsync(ns, labelSelector: "app=demo", cancellationToken: ct);
        Assert.Single(selected.Items);
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Gets409Conflict()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Client();
        var ns = "csharp-" + Guid.NewGuid().ToString("n")[..6];
        await client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        var cm = await client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, ns, cancellationToken: ct);
        cm.Data = new Dictionary<string, string> { ["a"] = "1" };
        await client.ReplaceNamespacedConfigMapAsync(cm, "c", ns, cancellationToken: ct);
        cm.Data["a"] = "2";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.ReplaceNamespacedConfigMapAsync(cm, "c", ns, cancellationToken: ct));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Contains("the object has been modified", e.Response.Content);
    }
}
