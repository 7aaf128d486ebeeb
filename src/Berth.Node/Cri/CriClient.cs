using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace Berth.Node.Cri;

/// <summary>
/// <see cref="ICriRuntime"/> and <see cref="ICriImages"/> over gRPC to a real CRI runtime (containerd)
/// listening on a unix domain socket: HTTP/2 without TLS, one multiplexed connection.
/// </summary>
/// <remarks>
/// Deadlines follow the kubelet's remote runtime client: <see cref="CriClientOptions.RequestTimeout"/>
/// per call, plus the container's own timeout for StopContainer and ExecSync, none for PullImage.
/// Every gRPC error becomes a <see cref="CriException"/>; cancellation through the caller's token
/// becomes <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class CriClient : ICriRuntime, ICriImages, IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly RuntimeService.RuntimeServiceClient _runtime;
    private readonly ImageService.ImageServiceClient _images;
    private readonly CriClientOptions _options;

    /// <summary>Connects (lazily, on the first call) to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">"unix:///path/to/containerd.sock" or an absolute socket path.</param>
    public CriClient(string endpoint, CriClientOptions? options = null)
    {
        _options = options ?? new CriClientOptions();
        SocketPath = ParseEndpoint(endpoint);
        var socketPath = SocketPath;
        var connectTimeout = _options.ConnectTimeout;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            // No HTTP/2 keep-alive pings: grpc-go servers (containerd) answer pings more frequent than
            // every 5 minutes with GOAWAY. A restarted runtime closes the socket, which is noticed anyway.
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The authority is irrelevant on a unix socket; "http" selects HTTP/2 with prior knowledge.
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = _options.MaxReceiveMessageSize,
            MaxSendMessageSize = _options.MaxReceiveMessageSize,
        });
        _runtime = new RuntimeService.RuntimeServiceClient(_channel);
        _images = new ImageService.ImageServiceClient(_channel);
    }

    /// <summary>The unix socket this client talks to.</summary>
    public string SocketPath { get; }

    /// <summary>Turns "unix:///run/x.sock" or "/run/x.sock" into a socket path.</summary>
    public static string ParseEndpoint(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        const string Scheme = "unix://";
        var path = endpoint.StartsWith(Scheme, StringComparison.Ordinal) ? endpoint[Scheme.Length..] : endpoint;
        if (!Path.IsPathRooted(path))
        {
            throw new ArgumentException($"CRI endpoint must be unix:///absolute/path or an absolute socket path, not \"{endpoint}\"", nameof(endpoint));
        }
        return path;
    }

    /// <inheritdoc />
    public async Task<VersionResponse> VersionAsync(string apiVersion = "v1", CancellationToken cancellationToken = default) =>
        await CallAsync("Version", o => _runtime.VersionAsync(new VersionRequest { Version = apiVersion }, o), Deadline(), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<StatusResponse> StatusAsync(bool verbose = false, CancellationToken cancellationToken = default) =>
        await CallAsync("Status", o => _runtime.StatusAsync(new StatusRequest { Verbose = verbose }, o), Deadline(), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<string> RunPodSandboxAsync(PodSandboxConfig config, string runtimeHandler = "", CancellationToken cancellationToken = default)
    {
        // The kubelet gives RunPodSandbox twice the usual timeout: it may pull the pause image.
        var response = await CallAsync("RunPodSandbox",
            o => _runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config, RuntimeHandler = runtimeHandler }, o),
            Deadline(_options.RequestTimeout), cancellationToken).ConfigureAwait(false);
        return response.PodSandboxId;
    }

    /// <inheritdoc />
    public Task StopPodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default) =>
        CallAsync("StopPodSandbox", o => _runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podSandboxId }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task RemovePodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default) =>
        CallAsync("RemovePodSandbox", o => _runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podSandboxId }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task<PodSandboxStatusResponse> PodSandboxStatusAsync(string podSandboxId, bool verbose = false, CancellationToken cancellationToken = default) =>
        CallAsync("PodSandboxStatus", o => _runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podSandboxId, Verbose = verbose }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodSandbox>> ListPodSandboxAsync(PodSandboxFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListPodSandbox", o => _runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Items;
    }

    /// <inheritdoc />
    public async Task<string> CreateContainerAsync(string podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig, CancellationToken cancellationToken = default)
    {
        var request = new CreateContainerRequest { PodSandboxId = podSandboxId, Config = config, SandboxConfig = sandboxConfig };
        var response = await CallAsync("CreateContainer", o => _runtime.CreateContainerAsync(request, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.ContainerId;
    }

    /// <inheritdoc />
    public Task StartContainerAsync(string containerId, CancellationToken cancellationToken = default) =>
        CallAsync("StartContainer", o => _runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seconds = WholeSeconds(timeout);
        return CallAsync("StopContainer", o => _runtime.StopContainerAsync(new StopContainerRequest { ContainerId = containerId, Timeout = seconds }, o),
            Deadline(TimeSpan.FromSeconds(seconds)), cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default) =>
        CallAsync("RemoveContainer", o => _runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = containerId }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Container>> ListContainersAsync(ContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListContainers", o => _runtime.ListContainersAsync(new ListContainersRequest { Filter = filter }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Containers;
    }

    /// <inheritdoc />
    public Task<ContainerStatusResponse> ContainerStatusAsync(string containerId, bool verbose = false, CancellationToken cancellationToken = default) =>
        CallAsync("ContainerStatus", o => _runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = containerId, Verbose = verbose }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task UpdateContainerResourcesAsync(string containerId, LinuxContainerResources resources, CancellationToken cancellationToken = default) =>
        CallAsync("UpdateContainerResources", o => _runtime.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest { ContainerId = containerId, Linux = resources }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task ReopenContainerLogAsync(string containerId, CancellationToken cancellationToken = default) =>
        CallAsync("ReopenContainerLog", o => _runtime.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = containerId }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task<ExecSyncResponse> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seconds = WholeSeconds(timeout);
        var request = new ExecSyncRequest { ContainerId = containerId, Timeout = seconds };
        request.Cmd.AddRange(command);
        // Like the kubelet: no deadline for an unbounded exec, otherwise its timeout plus the usual one.
        DateTime? deadline = seconds == 0 ? null : Deadline(TimeSpan.FromSeconds(seconds));
        return CallAsync("ExecSync", o => _runtime.ExecSyncAsync(request, o), deadline, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ExecResponse> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("Exec", o => _runtime.ExecAsync(request, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task<AttachResponse> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("Attach", o => _runtime.AttachAsync(request, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task<PortForwardResponse> PortForwardAsync(PortForwardRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("PortForward", o => _runtime.PortForwardAsync(request, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public async Task<ContainerStats> ContainerStatsAsync(string containerId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ContainerStats", o => _runtime.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = containerId }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContainerStats>> ListContainerStatsAsync(ContainerStatsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListContainerStats", o => _runtime.ListContainerStatsAsync(new ListContainerStatsRequest { Filter = filter }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    /// <inheritdoc />
    public async Task<PodSandboxStats> PodSandboxStatsAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("PodSandboxStats", o => _runtime.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = podSandboxId }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodSandboxStats>> ListPodSandboxStatsAsync(PodSandboxStatsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListPodSandboxStats", o => _runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest { Filter = filter }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Stats;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Image>> ListImagesAsync(ImageFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListImages", o => _images.ListImagesAsync(new ListImagesRequest { Filter = filter }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Images;
    }

    /// <inheritdoc />
    public async Task<Image?> ImageStatusAsync(ImageSpec image, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ImageStatus", o => _images.ImageStatusAsync(new ImageStatusRequest { Image = image }, o), Deadline(), cancellationToken).ConfigureAwait(false);
        return response.Image;
    }

    /// <inheritdoc />
    public async Task<string> PullImageAsync(ImageSpec image, AuthConfig? auth = null, PodSandboxConfig? sandboxConfig = null, CancellationToken cancellationToken = default)
    {
        var request = new PullImageRequest { Image = image, Auth = auth, SandboxConfig = sandboxConfig };
        var response = await CallAsync("PullImage", o => _images.PullImageAsync(request, o), deadline: null, cancellationToken).ConfigureAwait(false);
        return response.ImageRef;
    }

    /// <inheritdoc />
    public Task RemoveImageAsync(ImageSpec image, CancellationToken cancellationToken = default) =>
        CallAsync("RemoveImage", o => _images.RemoveImageAsync(new RemoveImageRequest { Image = image }, o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public Task<ImageFsInfoResponse> ImageFsInfoAsync(CancellationToken cancellationToken = default) =>
        CallAsync("ImageFsInfo", o => _images.ImageFsInfoAsync(new ImageFsInfoRequest(), o), Deadline(), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    private DateTime Deadline(TimeSpan extra = default) => DateTime.UtcNow + _options.RequestTimeout + extra;

    // CRI timeouts are whole seconds; round up so a sub-second grace period is not turned into a kill.
    private static long WholeSeconds(TimeSpan timeout) => timeout <= TimeSpan.Zero ? 0 : (long)Math.Ceiling(timeout.TotalSeconds);

    private static async Task<T> CallAsync<T>(string method, Func<CallOptions, AsyncUnaryCall<T>> call, DateTime? deadline, CancellationToken cancellationToken)
    {
        try
        {
            using var pending = call(new CallOptions(deadline: deadline, cancellationToken: cancellationToken));
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"CRI {method} cancelled", e, cancellationToken);
        }
        catch (RpcException e)
        {
            throw CriException.From(method, e);
        }
    }
}
