using Berth.Api.Json;
using Berth.Client;
using Berth.Client.Http;
using Berth.Simulation;

namespace Berth.Integration.Workloads;

/// <summary>
/// A real <c>berth server</c> with simulated nodes for the workload controller tests: three plain nodes
/// (sim-2 labelled disk=ssd) and one tainted dedicated=infra:NoSchedule. Each test works in its own namespace.
/// </summary>
public sealed class WorkloadFixture : IAsyncLifetime
{
    /// <summary>Until the scheduler lands the tests bind pods themselves; set false (and delete TestBinder) then.</summary>
    public const bool UseTestBinder = true;

    public static readonly IReadOnlyList<SimulatedNodeSpec> NodeSpecs =
    [
        new() { Name = "sim-0" },
        new() { Name = "sim-1" },
        new() { Name = "sim-2", Labels = new Dictionary<string, string> { ["disk"] = "ssd" } },
        new() { Name = "sim-tainted", Taints = [("dedicated", "infra", "NoSchedule")] },
    ];

    private TestBinder? _binder;

    public BerthServer Server { get; private set; } = null!;
    public Kubectl Kubectl { get; private set; } = null!;
    public HttpApiClient Client { get; private set; } = null!;
    public SimulatedNodes Nodes { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await BerthServer.StartAsync();
        Kubectl = new Kubectl(Server.Kubeconfig);
        Client = HttpApiClient.FromKubeconfig(Server.Kubeconfig, "workload-tests");
        Nodes = new SimulatedNodes(Client);
        await Nodes.AddNodesAsync(NodeSpecs);
        if (UseTestBinder)
        {
            _binder = new TestBinder(Client, NodeSpecs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_binder is not null)
        {
            await _binder.DisposeAsync();
        }
        await Nodes.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        var ns = prefix + "-" + Guid.NewGuid().ToString("n")[..6];
        (await Kubectl.RunAsync("create", "namespace", ns)).Ok();
        return ns;
    }

    public ResourceInfoSet R => new(Client);

    /// <summary>Reads an object as its model type.</summary>
    public async Task<T> GetAsync<T>(string group, string version, string resource, string ns, string name)
    {
        var info = Client.Kinds.Find(group, version, resource)!;
        return KubeJson.Deserialize<T>(await Client.GetAsync(info, ns, name));
    }

    /// <summary>Lists objects as their model type.</summary>
    public async Task<List<T>> ListAsync<T>(string group, string version, string resource, string ns, string? labelSelector = null)
    {
        var info = Client.Kinds.Find(group, version, resource)!;
        var list = await Client.ListAsync(info, ns, new ListRequest { LabelSelector = labelSelector });
        return list.Items.Select(i => KubeJson.Deserialize<T>(i)).ToList();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns true or the deadline passes (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await probe())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
        }
    }

    /// <summary>The resources the tests touch.</summary>
    public sealed class ResourceInfoSet(IApiClient client)
    {
        public Berth.Api.Kinds.ResourceInfo Pods => client.Kinds.Find("", "v1", "pods")!;
        public Berth.Api.Kinds.ResourceInfo Deployments => client.Kinds.Find("apps", "v1", "deployments")!;
        public Berth.Api.Kinds.ResourceInfo ReplicaSets => client.Kinds.Find("apps", "v1", "replicasets")!;
    }
}

[CollectionDefinition(Name)]
public sealed class WorkloadCollection : ICollectionFixture<WorkloadFixture>
{
    public const string Name = "workloads";
}
