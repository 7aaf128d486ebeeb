using Berth.ApiServer.Client;
using Berth.ApiServer.Hosting;
using Berth.Controllers.CronJobs;
using Berth.Controllers.DaemonSets;
using Berth.Controllers.Deployments;
using Berth.Controllers.Framework;
using Berth.Controllers.GarbageCollector;
using Berth.Controllers.Jobs;
using Berth.Controllers.Namespaces;
using Berth.Controllers.ReplicaSets;
using Berth.Controllers.ResourceQuota;
using Berth.Controllers.ServiceAccounts;
using Berth.Controllers.StatefulSets;
using Berth.Controllers.TtlAfterFinished;
using Microsoft.Extensions.Logging;

namespace Berth.Hosting;

/// <summary>The server role: the API server plus the controllers that run beside it, in one process.</summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _controllers = Task.CompletedTask;
    private SharedInformerFactory? _informers;

    private ControlPlane(ApiServerHost api) => Api = api;

    public ApiServerHost Api { get; }

    public static async Task<ControlPlane> StartAsync(ApiServerOptions options, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var api = await ApiServerHost.StartAsync(options, loggerFactory, ct: ct).ConfigureAwait(false);
        var plane = new ControlPlane(api);
        var client = new LocalApiClient(api.Storage, "berth-controller-manager");
        // The workload controllers share one cache per resource (pods above all).
        var informers = new SharedInformerFactory(client, loggerFactory);
        plane._informers = informers;
        var manager = new ControllerManager(
        [
            new GarbageCollector(client, loggerFactory.CreateLogger<GarbageCollector>()),
            new NamespaceController(client, loggerFactory.CreateLogger<NamespaceController>()),
            new ServiceAccountController(client, loggerFactory.CreateLogger<ServiceAccountController>()),
            new ResourceQuotaController(client, loggerFactory.CreateLogger<ResourceQuotaController>()),
            new DeploymentController(informers, loggerFactory.CreateLogger<DeploymentController>()),
            new ReplicaSetController(informers, loggerFactory.CreateLogger<ReplicaSetController>()),
            new StatefulSetController(informers, loggerFactory.CreateLogger<StatefulSetController>()),
            new DaemonSetController(informers, loggerFactory.CreateLogger<DaemonSetController>()),
            new JobController(informers, loggerFactory.CreateLogger<JobController>()),
            new CronJobController(informers, loggerFactory.CreateLogger<CronJobController>()),
            new TtlAfterFinishedController(informers, loggerFactory.CreateLogger<TtlAfterFinishedController>()),
        ], loggerFactory.CreateLogger<ControllerManager>());
        // Controllers act only while this server holds the controller-manager Lease, so servers can run side by side.
        var elector = new Berth.Client.Leader.LeaderElector(client, "kube-system", "berth-controller-manager",
            Environment.MachineName + "_" + Guid.NewGuid().ToString("n")[..8], loggerFactory.CreateLogger("leader-election"));
        plane._controllers = Task.Run(() => elector.RunAsync(manager.RunAsync, plane._stop.Token), CancellationToken.None);
        return plane;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _controllers.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (_informers is not null)
        {
            await _informers.DisposeAsync().ConfigureAwait(false);
        }
        await Api.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
