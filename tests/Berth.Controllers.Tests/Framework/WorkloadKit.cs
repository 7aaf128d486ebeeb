using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Client;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Tests.Framework;

/// <summary>
/// Workload controllers against the real REST storage (<see cref="ControlPlaneHarness"/>) with one shared
/// informer factory; the test plays the kubelet by writing pod status itself.
/// </summary>
public sealed class WorkloadKit : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    private WorkloadKit(ControlPlaneHarness harness)
    {
        Harness = harness;
        Informers = new SharedInformerFactory(harness.Client);
    }

    public ControlPlaneHarness Harness { get; }
    public SharedInformerFactory Informers { get; }
    public IApiClient Client => Harness.Client;

    public static async Task<WorkloadKit> StartAsync() => new(await ControlPlaneHarness.StartAsync());

    public void Run(IController controller) => _running.Add(Task.Run(() => controller.RunAsync(_stop.Token)));

    private Berth.Api.Kinds.ResourceInfo Info(string group, string resource) =>
        Client.Kinds.Find(group, "v1", resource)!;

    public async Task<T> CreateAsync<T>(string group, string resource, string ns, string json) =>
        KubeJson.Deserialize<T>(await Client.CreateAsync(Info(group, resource), ns, JsonNode.Parse(json)!.AsObject(), TestContext.Current.CancellationToken));

    public async Task<T> GetAsync<T>(string group, string resource, string ns, string name) =>
        KubeJson.Deserialize<T>(await Client.GetAsync(Info(group, resource), ns, name, TestContext.Current.CancellationToken));

    public async Task<List<T>> ListAsync<T>(string group, string resource, string ns, string? labelSelector = null)
    {
        var list = await Client.ListAsync(Info(group, resource), ns, new ListRequest { LabelSelector = labelSelector }, TestContext.Current.CancellationToken);
        return list.Items.Select(i => KubeJson.Deserialize<T>(i)).ToList();
    }

    public async Task PatchAsync(string group, string resource, string ns, string name, string mergePatch, string? subresource = null) =>
        await Client.PatchAsync(Info(group, resource), ns, name, PatchKind.Merge, Encoding.UTF8.GetBytes(mergePatch), subresource, TestContext.Current.CancellationToken);

    public async Task DeleteAsync(string group, string resource, string ns, string name) =>
        await Client.DeleteAsync(Info(group, resource), ns, name, new V1DeleteOptions { GracePeriodSeconds = 0 }, TestContext.Current.CancellationToken);

    /// <summary>Live pods (not being deleted) of a namespace.</summary>
    public async Task<List<V1Pod>> PodsAsync(string ns, string? selector = null) =>
        (await ListAsync<V1Pod>("", "pods", ns, selector)).Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    /// <summary>Writes pod status as a kubelet would: Running and Ready (since <paramref name="readySince"/>), or finished with an exit code.</summary>
    public Task SetPodStatusAsync(V1Pod pod, string phase, bool ready = true, DateTime? readySince = null, int? exitCode = null)
    {
        var since = (readySince ?? DateTime.UtcNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var container = pod.Spec.Containers[0].Name;
        var state = exitCode is int code
            ? new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = code, ["finishedAt"] = since, ["startedAt"] = since } }
            : new JsonObject { ["running"] = new JsonObject { ["startedAt"] = since } };
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = since }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container,
                    ["image"] = pod.Spec.Containers[0].Image,
                    ["imageID"] = "",
                    ["ready"] = ready,
                    ["restartCount"] = 0,
                    ["state"] = state,
                }),
            },
        };
        return PatchAsync("", "pods", pod.Metadata.NamespaceProperty, pod.Metadata.Name, status.ToJsonString(), "status");
    }

    /// <summary>Marks every live pod of the namespace matching the selector Running and Ready.</summary>
    public async Task ReadyAllAsync(string ns, string? selector = null)
    {
        foreach (var pod in await PodsAsync(ns, selector))
        {
            if (pod.Status?.Phase != "Running")
            {
                await SetPodStatusAsync(pod, "Running");
            }
        }
    }

    /// <summary>Waits for an Event in the namespace (the recorder writes them in the background).</summary>
    public Task EventAsync(string ns, Func<Corev1Event, bool> match, string what) =>
        EventuallyAsync(async () => (await ListAsync<Corev1Event>("", "events", ns)).Any(match), what);

    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        ControlPlaneHarness.EventuallyAsync(condition, () => Task.FromResult(what), timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
        }
        await Informers.DisposeAsync();
        await Harness.DisposeAsync();
        _stop.Dispose();
    }
}
