using Berth.Node.Cri;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Node.Containerd;

/// <summary>
/// The agent's container runtime: Berth's own managed containerd by default, or an existing CRI
/// endpoint named with <c>--container-runtime-endpoint</c> (which Berth then never starts or stops).
/// </summary>
public sealed class ContainerRuntimeConnection : IAsyncDisposable
{
    private ContainerRuntimeConnection(string endpoint, CriClient client, ContainerdSupervisor? supervisor, VersionResponse version)
    {
        Endpoint = endpoint;
        Client = client;
        Supervisor = supervisor;
        Version = version;
    }

    /// <summary>The CRI endpoint, "unix:///…".</summary>
    public string Endpoint { get; }

    /// <summary>CRI runtime and image services on <see cref="Endpoint"/>.</summary>
    public CriClient Client { get; }

    /// <summary>The managed containerd, or null when an existing endpoint is used.</summary>
    public ContainerdSupervisor? Supervisor { get; }

    /// <summary>What the runtime reported when it was first reached.</summary>
    public VersionResponse Version { get; }

    /// <summary>
    /// Connects to <paramref name="containerRuntimeEndpoint"/> when given (waiting up to
    /// <see cref="ContainerdOptions.StartTimeout"/> for it to answer), otherwise starts a managed
    /// containerd from <paramref name="managed"/>.
    /// </summary>
    public static async Task<ContainerRuntimeConnection> StartAsync(
        string? containerRuntimeEndpoint, ContainerdOptions managed, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(managed);
        loggerFactory ??= NullLoggerFactory.Instance;
        if (!string.IsNullOrWhiteSpace(containerRuntimeEndpoint))
        {
            var path = CriClient.ParseEndpoint(containerRuntimeEndpoint);
            var external = new CriClient(path);
            try
            {
                var version = await WaitForVersionAsync(external, managed.StartTimeout, cancellationToken).ConfigureAwait(false);
                return new ContainerRuntimeConnection("unix://" + path, external, null, version);
            }
            catch
            {
                external.Dispose();
                throw;
            }
        }
        var supervisor = new ContainerdSupervisor(managed, loggerFactory.CreateLogger<ContainerdSupervisor>());
        try
        {
            await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
            var client = new CriClient(supervisor.SocketPath);
            var version = await client.VersionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ContainerRuntimeConnection(supervisor.Endpoint, client, supervisor, version);
        }
        catch
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the client and stops the managed containerd (an external runtime is left alone).</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Supervisor is not null)
        {
            await Supervisor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<VersionResponse> WaitForVersionAsync(CriClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await client.VersionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (CriException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (CriException e)
            {
                throw new ContainerdStartException($"no CRI runtime answers at unix://{client.SocketPath}: {e.Detail}", e);
            }
        }
    }
}
