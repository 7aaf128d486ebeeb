using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Berth.ApiServer.Hosting;
using Berth.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Commands;

/// <summary><c>berth server</c>: the control plane (API server; controllers and scheduler join it as they land).</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var port = CommonOptions.SecurePort();
        var bind = new Option<string>("--bind-address") { Description = "Address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
        var sans = new Option<string[]>("--tls-san") { Description = "Extra names or IPs for the serving certificate", AllowMultipleArgumentsPerToken = true };
        var serviceRange = new Option<string>("--service-cluster-ip-range") { Description = "CIDR for Service cluster IPs", DefaultValueFactory = _ => "10.96.0.0/16" };
        var verbose = new Option<bool>("--verbose") { Description = "Log at debug level" };
        var command = new Command("server", "Run the Berth control plane (Kubernetes API over HTTPS)")
        {
            dataDir, port, bind, sans, serviceRange, verbose,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = new ApiServerOptions
            {
                DataDir = Path.GetFullPath(result.GetValue(dataDir)!),
                SecurePort = result.GetValue(port),
                BindAddress = IPAddress.Parse(result.GetValue(bind)!),
                TlsSans = result.GetValue(sans) ?? [],
                ServiceClusterIpRange = result.GetValue(serviceRange)!,
            };
            using var loggerFactory = Logging.Create(result.GetValue(verbose));
            var logger = loggerFactory.CreateLogger("berth");
            await using var plane = await ControlPlane.StartAsync(options, loggerFactory, ct).ConfigureAwait(false);
            logger.LogInformation("API server ready at {Url} in {Ms} ms; kubeconfig: {Kubeconfig}",
                plane.Api.Url, (int)plane.Api.StartupTime.TotalMilliseconds, plane.Api.KubeconfigPath);
            await WaitForShutdownAsync(ct).ConfigureAwait(false);
            logger.LogInformation("shutting down");
            return 0;
        });
        return command;
    }

    /// <summary>Completes on SIGTERM, SIGINT or cancellation.</summary>
    public static async Task WaitForShutdownAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            done.TrySetResult();
        });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            done.TrySetResult();
        });
        using var reg = ct.Register(() => done.TrySetResult());
        await done.Task.ConfigureAwait(false);
    }
}
