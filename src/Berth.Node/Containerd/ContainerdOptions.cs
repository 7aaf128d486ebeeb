namespace Berth.Node.Containerd;

/// <summary>
/// Settings of the containerd instance that Berth runs for itself (like k3s): its own config, root,
/// state, socket and registry hosts under <c>{DataDirectory}/containerd/</c>, using the distribution's
/// <c>containerd</c> and <c>runc</c> binaries.
/// </summary>
public sealed record ContainerdOptions
{
    /// <summary>The pause image that Berth's images build (images/) pushes to the local registry.</summary>
    public const string DefaultSandboxImage = "127.0.0.1:5000/berth/pause:3.9";

    /// <summary>The local registry that serves Berth's demo and test images.</summary>
    public const string LocalRegistry = "http://127.0.0.1:5000";

    /// <summary>Berth's data directory; containerd's files go under its <c>containerd/</c> folder.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The containerd binary (name on PATH or absolute path).</summary>
    public string ContainerdPath { get; init; } = "containerd";

    /// <summary>The runc binary given to the runc shim; empty uses "runc" on PATH.</summary>
    public string RuncPath { get; init; } = "";

    /// <summary>Image of every pod's sandbox (pause) container; pulled on first use.</summary>
    public string SandboxImage { get; init; } = DefaultSandboxImage;

    /// <summary>
    /// Registry host → mirror URL (e.g. "docker.io" → "http://127.0.0.1:5000"). containerd pulls
    /// images of that host from the mirror only (plain HTTP when the URL says http), never from the
    /// host itself. Default: docker.io (every seed manifest image), registry.k8s.io (containerd's own
    /// default pause), and 127.0.0.1:5000 / localhost:5000 (Berth's pause) go to <see cref="LocalRegistry"/>,
    /// as images/README.md describes.
    /// </summary>
    public IReadOnlyDictionary<string, string> RegistryMirrors { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["docker.io"] = LocalRegistry,
        ["registry.k8s.io"] = LocalRegistry,
        ["127.0.0.1:5000"] = LocalRegistry,
        ["localhost:5000"] = LocalRegistry,
    };

    /// <summary>Where the CNI plugin binaries are (Debian's containernetworking-plugins: /usr/lib/cni).</summary>
    public string CniBinDirectory { get; init; } = "/usr/lib/cni";

    /// <summary>Where containerd reads the CNI network config; default <c>{DataDirectory}/cni/net.d</c>.</summary>
    public string? CniConfDirectory { get; init; }

    /// <summary>cgroup driver for runc (default cgroupfs, on both cgroup v1 and v2).</summary>
    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Cgroupfs;

    /// <summary>containerd's log level ("debug", "info", "warn", "error").</summary>
    public string LogLevel { get; init; } = "warn";

    /// <summary>How long containerd may take to answer CRI Version after it is started.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long containerd may take to exit after SIGTERM before it gets SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before restarting a containerd that died; doubles up to <see cref="MaxRestartBackoff"/>.</summary>
    public TimeSpan InitialRestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between restarts.</summary>
    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>{DataDirectory}/containerd</c>.</summary>
    public string ContainerdDirectory => Path.Combine(DataDirectory, "containerd");

    /// <summary>The generated containerd config.</summary>
    public string ConfigPath => Path.Combine(ContainerdDirectory, "config.toml");

    /// <summary>containerd's persistent root (images, snapshots, metadata).</summary>
    public string RootDirectory => Path.Combine(ContainerdDirectory, "root");

    /// <summary>containerd's state (tasks, runc state, sandbox network namespaces).</summary>
    public string StateDirectory => Path.Combine(ContainerdDirectory, "state");

    /// <summary>The gRPC (and CRI) socket.</summary>
    public string SocketPath => Path.Combine(ContainerdDirectory, "containerd.sock");

    /// <summary>Registry hosts config (<c>{host}/hosts.toml</c>), containerd's <c>config_path</c>.</summary>
    public string RegistryHostsDirectory => Path.Combine(ContainerdDirectory, "certs.d");

    /// <summary>containerd's stdout and stderr, appended across restarts.</summary>
    public string LogPath => Path.Combine(ContainerdDirectory, "containerd.log");

    /// <summary>PID of the running instance, so a restarted agent finds a containerd it left behind.</summary>
    public string PidPath => Path.Combine(ContainerdDirectory, "containerd.pid");

    /// <summary>The CNI config directory actually used.</summary>
    public string EffectiveCniConfDirectory => CniConfDirectory ?? Path.Combine(DataDirectory, "cni", "net.d");

    /// <summary>Where host-local IPAM should keep its allocations (<c>{DataDirectory}/cni/networks</c>).</summary>
    public string CniIpamDataDirectory => Path.Combine(DataDirectory, "cni", "networks");
}
