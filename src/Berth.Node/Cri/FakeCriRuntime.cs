using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;

namespace Berth.Node.Cri;

/// <summary>
/// An in-memory CRI runtime — <b>for unit tests and scale simulation only</b>. It runs nothing: no
/// processes, namespaces, networks or files. It keeps sandboxes, containers and images in memory and
/// moves them through the states containerd would, with containerd's error codes for the common
/// failures (unknown ids are NotFound, Remove* of unknown ids succeeds, names are reserved per
/// attempt), so code written against <see cref="ICriRuntime"/> behaves as it would against the real
/// runtime. A test that claims a feature works against real containers must use <see cref="CriClient"/>.
/// </summary>
/// <remarks>
/// Behaviour that a real container would decide is scripted: <see cref="ExitOnStart"/> (a container
/// that exits at once), <see cref="ExitContainer"/> (a later crash or OOM kill),
/// <see cref="ExecSyncHandler"/> (probe and exec results), <see cref="FailPull"/>, and usage figures
/// for stats. Stopping a running container records exit code <see cref="GracefulStopExitCode"/>
/// (the process died of SIGTERM) when given a grace period and 137 (SIGKILL) without one.
/// Streaming URLs (Exec, Attach, PortForward) point nowhere. Thread-safe.
/// </remarks>
public sealed class FakeCriRuntime : ICriRuntime, ICriImages
{
    private const string SandboxIpPrefix = "10.88.";
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SandboxEntry> _sandboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ContainerEntry> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Image> _images = new(StringComparer.Ordinal); // by normalized name
    private readonly Dictionary<string, string> _reservedNames = new(StringComparer.Ordinal); // name → id
    private readonly Dictionary<string, (StatusCode Code, string Detail)> _pullFailures = new(StringComparer.Ordinal);
    private int _nextIp = 2;

    /// <summary>Creates a fake runtime holding <paramref name="images"/> (names as a pod spec gives them).</summary>
    public FakeCriRuntime(IEnumerable<string>? images = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        foreach (var image in images ?? [])
        {
            AddImage(image);
        }
    }

    /// <summary>
    /// When set, called as a container starts; a non-null result makes it exit at once with that
    /// exit code (reason "Completed" for 0, "Error" otherwise).
    /// </summary>
    public Func<ContainerConfig, int?>? ExitOnStart { get; set; }

    /// <summary>
    /// When set, answers ExecSync; return null to fall back to the built-in commands: <c>echo</c>,
    /// <c>true</c>, <c>false</c>, <c>sh -c "exit N"</c>; anything else exits 0
    /// with no output.
    /// </summary>
    public Func<ContainerStatus, IReadOnlyList<string>, ExecSyncResponse?>? ExecSyncHandler { get; set; }

    /// <summary>Exit code recorded when a container is stopped with a grace period (default 143, SIGTERM).</summary>
    public int GracefulStopExitCode { get; set; } = 143;

    /// <summary>Added to every call, through the time provider, to model a runtime's latency (default none).</summary>
    public TimeSpan OperationDelay { get; set; }

    /// <summary>CPU use reported for a running container, in nanocores (default 10 millicores).</summary>
    public ulong ContainerNanoCores { get; set; } = 10_000_000;

    /// <summary>Working-set memory reported for a running container, in bytes (default 16 MiB), capped at its limit.</summary>
    public ulong ContainerWorkingSetBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Makes <paramref name="image"/> present, as if pulled; returns its id.</summary>
    public string AddImage(string image)
    {
        var name = NormalizeImageName(image);
        lock (_lock)
        {
            if (!_images.TryGetValue(name, out var entry))
            {
                var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
                var repo = name[..RepositoryLength(name)];
                entry = new Image { Id = digest, Size = 1_048_576, Spec = new ImageSpec { Image = name } };
                entry.RepoTags.Add(name);
                entry.RepoDigests.Add(repo + "@" + digest);
                _images[name] = entry;
            }
            return entry.Id;
        }
    }

    /// <summary>Makes pulls of <paramref name="image"/> fail with <paramref name="code"/> until <see cref="AddImage"/> is called for it.</summary>
    public void FailPull(string image, StatusCode code = StatusCode.NotFound, string detail = "not found")
    {
        lock (_lock)
        {
            _pullFailures[NormalizeImageName(image)] = (code, detail);
        }
    }

    /// <summary>Makes a running container exit now, as a crash or the OOM killer would (reason "OOMKilled").</summary>
    public void ExitContainer(string containerId, int exitCode, string? reason = null)
    {
        lock (_lock)
        {
            var c = GetContainer(containerId, "ExitContainer");
            if (c.Status.State == ContainerState.ContainerRunning)
            {
                Exit(c, exitCode, reason);
            }
        }
    }

    /// <summary>
    /// Normalizes an image reference the way containerd does: "busybox" → "docker.io/library/busybox:latest".
    /// </summary>
    public static string NormalizeImageName(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        if (image.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return image;
        }
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : image[..slash];
        var hasDomain = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        var name = hasDomain ? image : "docker.io/" + (slash < 0 ? "library/" : "") + image;
        var lastSlash = name.LastIndexOf('/');
        var hasTagOrDigest = name.Contains('@', StringComparison.Ordinal) || name.IndexOf(':', lastSlash + 1) >= 0;
        return hasTagOrDigest ? name : name + ":latest";
    }

    /// <inheritdoc />
    public async Task<VersionResponse> VersionAsync(string apiVersion = "v1", CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        return new VersionResponse { Version = "0.1.0", RuntimeName = "fake", RuntimeVersion = "0.1.0", RuntimeApiVersion = "v1" };
    }

    /// <inheritdoc />
    public async Task<StatusResponse> StatusAsync(bool verbose = false, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        var status = new RuntimeStatus();
        status.Conditions.Add(new RuntimeCondition { Type = "RuntimeReady", Status = true });
        status.Conditions.Add(new RuntimeCondition { Type = "NetworkReady", Status = true });
        var response = new StatusResponse { Status = status };
        response.RuntimeHandlers.Add(new RuntimeHandler { Name = "", Features = new RuntimeHandlerFeatures() });
        return response;
    }

    /// <inheritdoc />
    public async Task<string> RunPodSandboxAsync(PodSandboxConfig config, string runtimeHandler = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        var m = config.Metadata ?? throw Error("RunPodSandbox", StatusCode.InvalidArgument, "sandbox config must include metadata");
        var name = string.Join('_', m.Name, m.Namespace, m.Uid, m.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        lock (_lock)
        {
            var id = NewId();
            Reserve("RunPodSandbox", "sandbox", name, id);
            var hostNetwork = config.Linux?.SecurityContext?.NamespaceOptions?.Network == NamespaceMode.Node;
            var status = new PodSandboxStatus
            {
                Id = id,
                Metadata = m.Clone(),
                State = PodSandboxState.SandboxReady,
                CreatedAt = NowNanos(),
                Network = new PodSandboxNetworkStatus { Ip = hostNetwork ? "" : NextIp() },
                Linux = new LinuxPodSandboxStatus { Namespaces = new Namespace { Options = config.Linux?.SecurityContext?.NamespaceOptions?.Clone() ?? new NamespaceOption() } },
                RuntimeHandler = runtimeHandler,
            };
            status.Labels.Add(config.Labels);
            status.Annotations.Add(config.Annotations);
            _sandboxes[id] = new SandboxEntry(status, config.Clone(), name);
            return id;
        }
    }

    /// <inheritdoc />
    public async Task StopPodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var sandbox = GetSandbox(podSandboxId, "StopPodSandbox");
            foreach (var c in ContainersOf(sandbox.Status.Id))
            {
                if (c.Status.State == ContainerState.ContainerRunning)
                {
                    Exit(c, 137, null);
                }
            }
            sandbox.Status.State = PodSandboxState.SandboxNotready;
            sandbox.Status.Network = new PodSandboxNetworkStatus();
        }
    }

    /// <inheritdoc />
    public async Task RemovePodSandboxAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_sandboxes.Remove(podSandboxId, out var sandbox))
            {
                return;
            }
            foreach (var c in ContainersOf(podSandboxId))
            {
                _containers.Remove(c.Status.Id);
                _reservedNames.Remove(c.Name);
            }
            _reservedNames.Remove(sandbox.Name);
        }
    }

    /// <inheritdoc />
    public async Task<PodSandboxStatusResponse> PodSandboxStatusAsync(string podSandboxId, bool verbose = false, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var sandbox = GetSandbox(podSandboxId, "PodSandboxStatus");
            return new PodSandboxStatusResponse { Status = sandbox.Status.Clone(), Timestamp = NowNanos() };
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodSandbox>> ListPodSandboxAsync(PodSandboxFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var result = new List<PodSandbox>();
            foreach (var s in _sandboxes.Values)
            {
                var st = s.Status;
                if (filter is not null && ((filter.Id.Length > 0 && !st.Id.StartsWith(filter.Id, StringComparison.Ordinal))
                    || (filter.State is not null && filter.State.State != st.State)
                    || !Matches(st.Labels, filter.LabelSelector)))
                {
                    continue;
                }
                var item = new PodSandbox { Id = st.Id, Metadata = st.Metadata.Clone(), State = st.State, CreatedAt = st.CreatedAt, RuntimeHandler = st.RuntimeHandler };
                item.Labels.Add(st.Labels);
                item.Annotations.Add(st.Annotations);
                result.Add(item);
            }
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<string> CreateContainerAsync(string podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        const string Method = "CreateContainer";
        lock (_lock)
        {
            var sandbox = GetSandbox(podSandboxId, Method);
            if (sandbox.Status.State != PodSandboxState.SandboxReady)
            {
                throw Error(Method, StatusCode.NotFound, $"failed to get sandbox container task: no running task found: task {podSandboxId} not found: not found");
            }
            var m = config.Metadata ?? throw Error(Method, StatusCode.InvalidArgument, "container config must include metadata");
            var imageName = config.Image?.Image ?? "";
            var image = FindImage(imageName) ?? throw Error(Method, StatusCode.NotFound, $"failed to resolve image \"{imageName}\": not found");
            var sm = sandbox.Status.Metadata;
            var name = string.Join('_', m.Name, sm.Name, sm.Namespace, sm.Uid, m.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var id = NewId();
            Reserve(Method, "container", name, id);
            var logDirectory = sandboxConfig?.LogDirectory ?? sandbox.Config.LogDirectory;
            var status = new ContainerStatus
            {
                Id = id,
                Metadata = m.Clone(),
                State = ContainerState.ContainerCreated,
                CreatedAt = NowNanos(),
                Image = new ImageSpec { Image = image.RepoTags.FirstOrDefault() ?? image.Id },
                ImageRef = image.RepoDigests.FirstOrDefault() ?? image.Id,
                ImageId = image.Id,
                LogPath = logDirectory.Length > 0 && config.LogPath.Length > 0 ? Path.Combine(logDirectory, config.LogPath) : "",
                Resources = new ContainerResources { Linux = config.Linux?.Resources?.Clone() ?? new LinuxContainerResources() },
            };
            status.Labels.Add(config.Labels);
            status.Annotations.Add(config.Annotations);
            status.Mounts.Add(config.Mounts.Select(mount => mount.Clone()));
            _containers[id] = new ContainerEntry(status, config.Clone(), podSandboxId, name);
            return id;
        }
    }

    /// <inheritdoc />
    public async Task StartContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var c = GetContainer(containerId, "StartContainer");
            if (c.Status.State != ContainerState.ContainerCreated)
            {
                throw Error("StartContainer", StatusCode.Unknown, $"container is in {c.Status.State} state");
            }
            c.Status.State = ContainerState.ContainerRunning;
            c.Status.StartedAt = NowNanos();
            if (ExitOnStart?.Invoke(c.Config) is { } exitCode)
            {
                Exit(c, exitCode, null);
            }
        }
    }

    /// <inheritdoc />
    public async Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var c = GetContainer(containerId, "StopContainer");
            if (c.Status.State == ContainerState.ContainerRunning)
            {
                Exit(c, timeout > TimeSpan.Zero ? GracefulStopExitCode : 137, null);
            }
        }
    }

    /// <inheritdoc />
    public async Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_containers.Remove(containerId, out var c))
            {
                _reservedNames.Remove(c.Name);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Container>> ListContainersAsync(ContainerFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var result = new List<Container>();
            foreach (var c in _containers.Values)
            {
                var st = c.Status;
                if (filter is not null && ((filter.Id.Length > 0 && !st.Id.StartsWith(filter.Id, StringComparison.Ordinal))
                    || (filter.PodSandboxId.Length > 0 && !c.SandboxId.StartsWith(filter.PodSandboxId, StringComparison.Ordinal))
                    || (filter.State is not null && filter.State.State != st.State)
                    || !Matches(st.Labels, filter.LabelSelector)))
                {
                    continue;
                }
                var item = new Container
                {
                    Id = st.Id,
                    PodSandboxId = c.SandboxId,
                    Metadata = st.Metadata.Clone(),
                    Image = st.Image.Clone(),
                    ImageRef = st.ImageId,
                    ImageId = st.ImageId,
                    State = st.State,
                    CreatedAt = st.CreatedAt,
                };
                item.Labels.Add(st.Labels);
                item.Annotations.Add(st.Annotations);
                result.Add(item);
            }
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<ContainerStatusResponse> ContainerStatusAsync(string containerId, bool verbose = false, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return new ContainerStatusResponse { Status = GetContainer(containerId, "ContainerStatus").Status.Clone() };
        }
    }

    /// <inheritdoc />
    public async Task UpdateContainerResourcesAsync(string containerId, LinuxContainerResources resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var c = GetContainer(containerId, "UpdateContainerResources");
            if (c.Status.State is not (ContainerState.ContainerCreated or ContainerState.ContainerRunning))
            {
                throw Error("UpdateContainerResources", StatusCode.Unknown, $"container {containerId} is in {c.Status.State} state");
            }
            c.Status.Resources = new ContainerResources { Linux = resources.Clone() };
        }
    }

    /// <inheritdoc />
    public async Task ReopenContainerLogAsync(string containerId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (GetContainer(containerId, "ReopenContainerLog").Status.State != ContainerState.ContainerRunning)
            {
                throw Error("ReopenContainerLog", StatusCode.Unknown, "container is not running");
            }
        }
    }

    /// <inheritdoc />
    public async Task<ExecSyncResponse> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        ContainerStatus status;
        lock (_lock)
        {
            var c = GetContainer(containerId, "ExecSync");
            if (c.Status.State != ContainerState.ContainerRunning)
            {
                throw Error("ExecSync", StatusCode.Unknown, $"container {containerId} is not running");
            }
            status = c.Status.Clone();
        }
        return ExecSyncHandler?.Invoke(status, command) ?? BuiltInExec(command);
    }

    /// <inheritdoc />
    public Task<ExecResponse> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default) =>
        StreamUrlAsync(request.ContainerId, "exec", "Exec", isSandbox: false, url => new ExecResponse { Url = url }, cancellationToken);

    /// <inheritdoc />
    public Task<AttachResponse> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default) =>
        StreamUrlAsync(request.ContainerId, "attach", "Attach", isSandbox: false, url => new AttachResponse { Url = url }, cancellationToken);

    /// <inheritdoc />
    public Task<PortForwardResponse> PortForwardAsync(PortForwardRequest request, CancellationToken cancellationToken = default) =>
        StreamUrlAsync(request.PodSandboxId, "portforward", "PortForward", isSandbox: true, url => new PortForwardResponse { Url = url }, cancellationToken);

    /// <inheritdoc />
    public async Task<ContainerStats> ContainerStatsAsync(string containerId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return Stats(GetContainer(containerId, "ContainerStats"), NowNanos());
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContainerStats>> ListContainerStatsAsync(ContainerStatsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var now = NowNanos();
            var result = new List<ContainerStats>();
            foreach (var c in _containers.Values)
            {
                // Like containerd: stats only for containers that are running.
                if (c.Status.State != ContainerState.ContainerRunning
                    || (filter is not null && ((filter.Id.Length > 0 && !c.Status.Id.StartsWith(filter.Id, StringComparison.Ordinal))
                        || (filter.PodSandboxId.Length > 0 && !c.SandboxId.StartsWith(filter.PodSandboxId, StringComparison.Ordinal))
                        || !Matches(c.Status.Labels, filter.LabelSelector))))
                {
                    continue;
                }
                result.Add(Stats(c, now));
            }
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<PodSandboxStats> PodSandboxStatsAsync(string podSandboxId, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return SandboxStats(GetSandbox(podSandboxId, "PodSandboxStats"), NowNanos());
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodSandboxStats>> ListPodSandboxStatsAsync(PodSandboxStatsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var now = NowNanos();
            var result = new List<PodSandboxStats>();
            foreach (var s in _sandboxes.Values)
            {
                if (s.Status.State != PodSandboxState.SandboxReady
                    || (filter is not null && ((filter.Id.Length > 0 && !s.Status.Id.StartsWith(filter.Id, StringComparison.Ordinal))
                        || !Matches(s.Status.Labels, filter.LabelSelector))))
                {
                    continue;
                }
                result.Add(SandboxStats(s, now));
            }
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Image>> ListImagesAsync(ImageFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var wanted = filter?.Image?.Image is { Length: > 0 } name ? FindImage(name) : null;
            if (filter?.Image?.Image is { Length: > 0 } && wanted is null)
            {
                return [];
            }
            return wanted is not null ? [wanted.Clone()] : _images.Values.Select(i => i.Clone()).ToList();
        }
    }

    /// <inheritdoc />
    public async Task<Image?> ImageStatusAsync(ImageSpec image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return FindImage(image.Image)?.Clone();
        }
    }

    /// <inheritdoc />
    public async Task<string> PullImageAsync(ImageSpec image, AuthConfig? auth = null, PodSandboxConfig? sandboxConfig = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        var name = NormalizeImageName(image.Image);
        lock (_lock)
        {
            if (_pullFailures.TryGetValue(name, out var failure))
            {
                throw Error("PullImage", failure.Code, $"failed to pull and unpack image \"{name}\": {failure.Detail}");
            }
        }
        return AddImage(name);
    }

    /// <inheritdoc />
    public async Task RemoveImageAsync(ImageSpec image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (FindImage(image.Image) is { } found)
            {
                foreach (var tag in found.RepoTags)
                {
                    _images.Remove(tag);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<ImageFsInfoResponse> ImageFsInfoAsync(CancellationToken cancellationToken = default)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var used = 0UL;
            foreach (var i in _images.Values)
            {
                used += i.Size;
            }
            var response = new ImageFsInfoResponse();
            response.ImageFilesystems.Add(new FilesystemUsage
            {
                Timestamp = NowNanos(),
                FsId = new FilesystemIdentifier { Mountpoint = "/fake/containerd/root" },
                UsedBytes = new UInt64Value { Value = used },
                InodesUsed = new UInt64Value { Value = (ulong)_images.Count * 100 },
            });
            return response;
        }
    }

    private async Task<T> StreamUrlAsync<T>(string id, string kind, string method, bool isSandbox, Func<string, T> make, CancellationToken cancellationToken)
    {
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (isSandbox)
            {
                GetSandbox(id, method);
            }
            else if (GetContainer(id, method).Status.State != ContainerState.ContainerRunning)
            {
                throw Error(method, StatusCode.Unknown, $"container {id} is not running");
            }
        }
        // Nothing listens here: the fake has no streaming server.
        return make($"http://127.0.0.1:0/{kind}/{NewId()[..8]}");
    }

    private static ExecSyncResponse BuiltInExec(IReadOnlyList<string> command)
    {
        var exitCode = 0;
        var stdout = "";
        if (command.Count > 0)
        {
            switch (command[0])
            {
                case "echo":
                    stdout = string.Join(' ', command.Skip(1)) + "\n";
                    break;
                case "false":
                    exitCode = 1;
                    break;
                case "sh" or "/bin/sh" when command.Count == 3 && command[1] == "-c" && command[2].StartsWith("exit ", StringComparison.Ordinal):
                    _ = int.TryParse(command[2].AsSpan(5).Trim(), out exitCode);
                    break;
            }
        }
        return new ExecSyncResponse { ExitCode = exitCode, Stdout = ByteString.CopyFromUtf8(stdout), Stderr = ByteString.Empty };
    }

    private ContainerStats Stats(ContainerEntry c, long now)
    {
        var st = c.Status;
        var running = st.State == ContainerState.ContainerRunning;
        var end = running ? now : st.FinishedAt;
        var ranNanos = st.StartedAt == 0 ? 0UL : (ulong)Math.Max(0, end - st.StartedAt);
        var limit = st.Resources?.Linux?.MemoryLimitInBytes ?? 0;
        var workingSet = running ? (limit > 0 ? Math.Min(ContainerWorkingSetBytes, (ulong)limit) : ContainerWorkingSetBytes) : 0;
        var memory = new MemoryUsage
        {
            Timestamp = now,
            WorkingSetBytes = new UInt64Value { Value = workingSet },
            UsageBytes = new UInt64Value { Value = workingSet },
            RssBytes = new UInt64Value { Value = workingSet / 2 },
            PageFaults = new UInt64Value(),
            MajorPageFaults = new UInt64Value(),
        };
        if (limit > 0)
        {
            memory.AvailableBytes = new UInt64Value { Value = (ulong)limit - workingSet };
        }
        var attributes = new ContainerAttributes { Id = st.Id, Metadata = st.Metadata.Clone() };
        attributes.Labels.Add(st.Labels);
        attributes.Annotations.Add(st.Annotations);
        return new ContainerStats
        {
            Attributes = attributes,
            Cpu = new CpuUsage
            {
                Timestamp = now,
                // nanocores × seconds run = core-nanoseconds used.
                UsageCoreNanoSeconds = new UInt64Value { Value = (ulong)(ContainerNanoCores * (ranNanos / 1e9)) },
                UsageNanoCores = new UInt64Value { Value = running ? ContainerNanoCores : 0 },
            },
            Memory = memory,
            WritableLayer = new FilesystemUsage
            {
                Timestamp = now,
                FsId = new FilesystemIdentifier { Mountpoint = "/fake/containerd/root" },
                UsedBytes = new UInt64Value { Value = 4096 },
                InodesUsed = new UInt64Value { Value = 1 },
            },
        };
    }

    private PodSandboxStats SandboxStats(SandboxEntry s, long now)
    {
        var linux = new LinuxPodSandboxStats();
        ulong cpuTotal = 0, nanoCores = 0, workingSet = 0, processes = 0;
        foreach (var c in ContainersOf(s.Status.Id))
        {
            if (c.Status.State != ContainerState.ContainerRunning)
            {
                continue;
            }
            var stats = Stats(c, now);
            linux.Containers.Add(stats);
            cpuTotal += stats.Cpu.UsageCoreNanoSeconds.Value;
            nanoCores += stats.Cpu.UsageNanoCores.Value;
            workingSet += stats.Memory.WorkingSetBytes.Value;
            processes++;
        }
        linux.Cpu = new CpuUsage { Timestamp = now, UsageCoreNanoSeconds = new UInt64Value { Value = cpuTotal }, UsageNanoCores = new UInt64Value { Value = nanoCores } };
        linux.Memory = new MemoryUsage { Timestamp = now, WorkingSetBytes = new UInt64Value { Value = workingSet }, UsageBytes = new UInt64Value { Value = workingSet } };
        linux.Process = new ProcessUsage { Timestamp = now, ProcessCount = new UInt64Value { Value = processes } };
        linux.Network = new NetworkUsage
        {
            Timestamp = now,
            DefaultInterface = new NetworkInterfaceUsage
            {
                Name = "eth0",
                RxBytes = new UInt64Value(),
                RxErrors = new UInt64Value(),
                TxBytes = new UInt64Value(),
                TxErrors = new UInt64Value(),
            },
        };
        var attributes = new PodSandboxAttributes { Id = s.Status.Id, Metadata = s.Status.Metadata.Clone() };
        attributes.Labels.Add(s.Status.Labels);
        attributes.Annotations.Add(s.Status.Annotations);
        return new PodSandboxStats { Attributes = attributes, Linux = linux };
    }

    private void Exit(ContainerEntry c, int exitCode, string? reason)
    {
        c.Status.State = ContainerState.ContainerExited;
        c.Status.FinishedAt = NowNanos();
        c.Status.ExitCode = exitCode;
        // containerd's reasons: Completed for 0, Error otherwise, OOMKilled when the OOM killer struck.
        c.Status.Reason = reason ?? (exitCode == 0 ? "Completed" : "Error");
    }

    private Image? FindImage(string nameOrId)
    {
        if (string.IsNullOrEmpty(nameOrId))
        {
            return null;
        }
        if (_images.TryGetValue(NormalizeImageName(nameOrId), out var byName))
        {
            return byName;
        }
        foreach (var image in _images.Values)
        {
            if (image.Id == nameOrId || image.RepoDigests.Contains(nameOrId))
            {
                return image;
            }
        }
        return null;
    }

    private void Reserve(string method, string kind, string name, string id)
    {
        if (_reservedNames.TryGetValue(name, out var owner))
        {
            throw Error(method, StatusCode.Unknown, $"failed to reserve {kind} name \"{name}\": name \"{name}\" is reserved for \"{owner}\"");
        }
        _reservedNames[name] = id;
    }

    private SandboxEntry GetSandbox(string id, string method) =>
        _sandboxes.TryGetValue(id, out var s) ? s : throw Error(method, StatusCode.NotFound, $"an error occurred when try to find sandbox \"{id}\": not found");

    private ContainerEntry GetContainer(string id, string method) =>
        _containers.TryGetValue(id, out var c) ? c : throw Error(method, StatusCode.NotFound, $"an error occurred when try to find container \"{id}\": not found");

    private List<ContainerEntry> ContainersOf(string sandboxId) => _containers.Values.Where(c => c.SandboxId == sandboxId).ToList();

    private static bool Matches(Google.Protobuf.Collections.MapField<string, string> labels, Google.Protobuf.Collections.MapField<string, string> selector)
    {
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        return true;
    }

    private static int RepositoryLength(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return at;
        }
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? colon : name.Length;
    }

    private string NextIp()
    {
        var n = _nextIp++;
        return SandboxIpPrefix + ((n >> 8) & 0xff).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (n & 0xff).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private long NowNanos() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private Task DelayAsync(CancellationToken cancellationToken) =>
        OperationDelay > TimeSpan.Zero ? Task.Delay(OperationDelay, _time, cancellationToken) : Task.CompletedTask;

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static CriException Error(string method, StatusCode code, string detail) => new(method, code, detail);

    private sealed record SandboxEntry(PodSandboxStatus Status, PodSandboxConfig Config, string Name);

    private sealed record ContainerEntry(ContainerStatus Status, ContainerConfig Config, string SandboxId, string Name);
}
