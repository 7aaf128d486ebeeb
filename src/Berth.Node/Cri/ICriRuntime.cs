namespace Berth.Node.Cri;

/// <summary>
/// The CRI RuntimeService as the agent uses it: pod sandboxes, containers, exec/attach/port-forward
/// and stats. Shaped like the kubelet's internal <c>cri-api</c> <c>RuntimeService</c> interface:
/// identifiers in, generated <c>runtime.v1</c> messages out, so code written against it reads like
/// the kubelet's.
/// </summary>
/// <remarks>
/// Failures of the runtime surface as <see cref="CriException"/> carrying the gRPC status code
/// (e.g. <see cref="Grpc.Core.StatusCode.NotFound"/> for an unknown container). Cancellation surfaces
/// as <see cref="OperationCanceledException"/>. Implementations are thread-safe.
/// Implemented by <see cref="CriClient"/> (a real runtime over its unix socket) and
/// <see cref="FakeCriRuntime"/> (in memory, for unit tests and scale simulation only).
/// </remarks>
public interface ICriRuntime
{
    /// <summary>Runtime name and versions; <paramref name="apiVersion"/> is the client's CRI version ("v1").</summary>
    Task<VersionResponse> VersionAsync(string apiVersion = "v1", CancellationToken cancellationToken = default);

    /// <summary>Runtime conditions (RuntimeReady, NetworkReady); with <paramref name="verbose"/> also JSON info.</summary>
    Task<StatusResponse> StatusAsync(bool verbose = false, CancellationToken cancellationToken = default);

    /// <summary>Creates and starts a pod sandbox (network namespace, pause container); returns its id.</summary>
    /// <param name="runtimeHandler">RuntimeClass handler; empty selects the runtime's default.</param>
    Task<string> RunPodSandboxAsync(PodSandboxConfig config, string runtimeHandler = "", CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops every container of the sandbox (forcibly) and releases its network. Idempotent for a
    /// stopped sandbox; an unknown id is NotFound (containerd's behaviour).
    /// </summary>
    Task StopPodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default);

    /// <summary>Removes the sandbox and its containers. Idempotent: an unknown id succeeds.</summary>
    Task RemovePodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default);

    /// <summary>Status of one sandbox (state, IP, namespaces); NotFound when unknown.</summary>
    Task<PodSandboxStatusResponse> PodSandboxStatusAsync(string podSandboxId, bool verbose = false, CancellationToken cancellationToken = default);

    /// <summary>Sandboxes matching <paramref name="filter"/> (fields ANDed); all when null.</summary>
    Task<IReadOnlyList<PodSandbox>> ListPodSandboxAsync(PodSandboxFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a container in a sandbox and returns its id. <paramref name="sandboxConfig"/> must be the
    /// config the sandbox was run with (containerd reads the log directory and namespaces from it).
    /// </summary>
    Task<string> CreateContainerAsync(string podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig, CancellationToken cancellationToken = default);

    /// <summary>Starts a created container.</summary>
    Task StartContainerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a running container: the stop signal, then SIGKILL after <paramref name="timeout"/>
    /// (whole seconds; zero kills at once). A no-op for a container that is not running.
    /// </summary>
    Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Removes a container, killing it first if it runs. Idempotent: an unknown id succeeds.</summary>
    Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>Containers matching <paramref name="filter"/> (fields ANDed); all when null.</summary>
    Task<IReadOnlyList<Container>> ListContainersAsync(ContainerFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Status of one container (state, times, exit code, reason, log path); NotFound when unknown.</summary>
    Task<ContainerStatusResponse> ContainerStatusAsync(string containerId, bool verbose = false, CancellationToken cancellationToken = default);

    /// <summary>Changes the cgroup limits of a created or running container.</summary>
    Task UpdateContainerResourcesAsync(string containerId, LinuxContainerResources resources, CancellationToken cancellationToken = default);

    /// <summary>Reopens the container's log file (after the agent rotated it); fails if it is not running.</summary>
    Task ReopenContainerLogAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="command"/> in the container and returns its output and exit code. A non-zero
    /// exit code is a result, not an exception. <paramref name="timeout"/> of zero means no timeout.
    /// </summary>
    Task<ExecSyncResponse> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Prepares an exec session; the response holds the runtime's streaming URL.</summary>
    Task<ExecResponse> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default);

    /// <summary>Prepares an attach session; the response holds the runtime's streaming URL.</summary>
    Task<AttachResponse> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default);

    /// <summary>Prepares a port-forward session; the response holds the runtime's streaming URL.</summary>
    Task<PortForwardResponse> PortForwardAsync(PortForwardRequest request, CancellationToken cancellationToken = default);

    /// <summary>Resource usage of one container; NotFound when unknown.</summary>
    Task<ContainerStats> ContainerStatsAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>Resource usage of the containers matching <paramref name="filter"/>; all when null.</summary>
    Task<IReadOnlyList<ContainerStats>> ListContainerStatsAsync(ContainerStatsFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Resource usage of one sandbox and its containers; NotFound when unknown.</summary>
    Task<PodSandboxStats> PodSandboxStatsAsync(string podSandboxId, CancellationToken cancellationToken = default);

    /// <summary>Resource usage of the sandboxes matching <paramref name="filter"/>; all when null.</summary>
    Task<IReadOnlyList<PodSandboxStats>> ListPodSandboxStatsAsync(PodSandboxStatsFilter? filter = null, CancellationToken cancellationToken = default);
}
