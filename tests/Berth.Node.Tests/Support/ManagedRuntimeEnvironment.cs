using System.Globalization;
using System.Security.Cryptography;
using Berth.Node.Containerd;
using Berth.Node.Cri;

namespace Berth.Node.Tests.Support;

/// <summary>
/// A real managed containerd for tests and benchmarks, with everything it needs and nothing shared:
/// a fresh data directory under /tmp, a local registry at a free loopback port holding busybox and
/// pause images (mirrored for docker.io and 127.0.0.1:5000, so the default sandbox image name works), and a CNI bridge network with a bridge
/// name and pod CIDR of its own, and a cgroup parent of its own for the pods. Dispose removes every pod,
/// stops containerd by PID, deletes the bridge and the cgroups it created, stops the registry and
/// deletes the directory.
/// </summary>
public sealed class ManagedRuntimeEnvironment : IAsyncDisposable
{
    /// <summary>The busybox test image as pod specs name it (pulled through the docker.io mirror).</summary>
    public const string BusyboxImage = "docker.io/library/busybox:berth-test";

    private ManagedRuntimeEnvironment(string dataDirectory, string bridgeName, string podCidr, LocalRegistry registry, ContainerdSupervisor supervisor)
    {
        DataDirectory = dataDirectory;
        CgroupParent = "/" + Path.GetFileName(dataDirectory);
        BridgeName = bridgeName;
        PodCidr = podCidr;
        Registry = registry;
        Supervisor = supervisor;
        Client = new CriClient(supervisor.SocketPath);
    }

    /// <summary>Berth's data directory for this environment.</summary>
    public string DataDirectory { get; }

    /// <summary>The cgroup (cgroupfs path) under which pods get their own cgroup, like the kubelet's /kubepods.</summary>
    public string CgroupParent { get; }

    /// <summary>The CNI bridge pods attach to (created by the bridge plugin on first use).</summary>
    public string BridgeName { get; }

    /// <summary>The pod CIDR of the CNI network.</summary>
    public string PodCidr { get; }

    /// <summary>The local registry holding the test images.</summary>
    public LocalRegistry Registry { get; }

    /// <summary>The managed containerd.</summary>
    public ContainerdSupervisor Supervisor { get; }

    /// <summary>CRI client on the managed containerd.</summary>
    public CriClient Client { get; }

    /// <summary>Builds the images, starts registry and containerd, writes the CNI config and pre-pulls both images.</summary>
    public static async Task<ManagedRuntimeEnvironment> StartAsync(CancellationToken cancellationToken = default)
    {
        Tool.RequireRoot();
        foreach (var tool in new[] { "containerd", "runc", "umoci", "skopeo", "docker-registry", "ip" })
        {
            Tool.Require(tool);
        }
        if (!File.Exists("/usr/lib/cni/bridge"))
        {
            throw new InvalidOperationException("/usr/lib/cni/bridge is missing; install containernetworking-plugins (scripts/install-deps.sh)");
        }
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        // Short on purpose: unix socket paths must stay under 108 bytes.
        var dataDirectory = Path.Combine("/tmp", "berth-nt-" + suffix);
        Directory.CreateDirectory(dataDirectory);
        LocalRegistry? registry = null;
        ContainerdSupervisor? supervisor = null;
        try
        {
            registry = await LocalRegistry.StartAsync(Path.Combine(dataDirectory, "registry"), cancellationToken);
            var layout = Path.Combine(dataDirectory, "oci");
            await TestImages.BuildAsync(layout, dataDirectory, cancellationToken);
            await registry.PushAsync(layout + ":busybox", "library/busybox:berth-test", cancellationToken);
            await registry.PushAsync(layout + ":pause", "berth/pause:3.9", cancellationToken);

            var options = new ContainerdOptions
            {
                DataDirectory = dataDirectory,
                RegistryMirrors = new Dictionary<string, string> { ["docker.io"] = registry.Url, ["127.0.0.1:5000"] = registry.Url },
                LogLevel = "info",
            };
            var bridge = "bt" + suffix;
            var podCidr = FreePodCidr();
            CniConfigWriter.Write(options.EffectiveCniConfDirectory, new CniNetworkOptions
            {
                PodCidr = podCidr,
                BridgeName = bridge,
                NetworkName = "berth-test-" + suffix,
                IpamDataDirectory = options.CniIpamDataDirectory,
            });
            supervisor = new ContainerdSupervisor(options);
            await supervisor.StartAsync(cancellationToken);
            var environment = new ManagedRuntimeEnvironment(dataDirectory, bridge, podCidr, registry, supervisor);
            await environment.Client.PullImageAsync(new ImageSpec { Image = BusyboxImage }, cancellationToken: cancellationToken);
            await environment.Client.PullImageAsync(new ImageSpec { Image = ContainerdOptions.DefaultSandboxImage }, cancellationToken: cancellationToken);
            return environment;
        }
        catch
        {
            if (supervisor is not null)
            {
                await supervisor.DisposeAsync();
            }
            if (registry is not null)
            {
                await registry.DisposeAsync();
            }
            DeleteDirectory(dataDirectory);
            throw;
        }
    }

    /// <summary>A sandbox config for a pod named <paramref name="name"/>, logging under the data directory.</summary>
    public PodSandboxConfig SandboxConfig(string name, string uid)
    {
        var logDirectory = Path.Combine(DataDirectory, "pods", "default_" + name + "_" + uid);
        Directory.CreateDirectory(logDirectory);
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = uid },
            Hostname = name,
            LogDirectory = logDirectory,
            Labels = { ["io.kubernetes.pod.name"] = name, ["io.kubernetes.pod.uid"] = uid },
            Linux = new LinuxPodSandboxConfig
            {
                // As the kubelet does; containerd's PodSandboxStats needs it.
                CgroupParent = CgroupParent + "/pod" + uid,
                SecurityContext = new LinuxSandboxSecurityContext { NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Container } },
            },
        };
    }

    /// <summary>Stops and removes every pod sandbox (and so every container) in this containerd.</summary>
    public async Task RemoveAllPodsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var sandbox in await Client.ListPodSandboxAsync(cancellationToken: cancellationToken))
        {
            await Client.StopPodSandboxAsync(sandbox.Id, cancellationToken);
            await Client.RemovePodSandboxAsync(sandbox.Id, cancellationToken);
        }
        foreach (var container in await Client.ListContainersAsync(cancellationToken: cancellationToken))
        {
            await Client.RemoveContainerAsync(container.Id, cancellationToken);
        }
    }

    /// <summary>Mount points at or below <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        return File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => Unescape(line.Split(' ')[4]))
            .Where(mountPoint => mountPoint.StartsWith(prefix, StringComparison.Ordinal) || mountPoint == directory)
            .OrderByDescending(m => m.Length)
            .ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RemoveAllPodsAsync(CancellationToken.None);
        }
        finally
        {
            Client.Dispose();
            await Supervisor.DisposeAsync();
            RemoveCgroups(CgroupParent);
            if (Directory.Exists("/sys/class/net/" + BridgeName))
            {
                await Tool.RunAsync("ip", ["link", "del", BridgeName]);
            }
            await Registry.DisposeAsync();
            foreach (var mount in MountsUnder(DataDirectory))
            {
                await Tool.RunAsync("umount", [mount]);
            }
            DeleteDirectory(DataDirectory);
        }
    }

    // runc removes a container's cgroup but not the parents it created; remove ours in every hierarchy.
    private static void RemoveCgroups(string parent)
    {
        var roots = Directory.Exists("/sys/fs/cgroup") ? Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup") : [];
        foreach (var root in roots)
        {
            var top = root + parent;
            if (!Directory.Exists(top))
            {
                continue;
            }
            foreach (var dir in Directory.GetDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top))
            {
                // rmdir: a cgroup directory goes away with its virtual files once it has no children or tasks.
                Directory.Delete(dir, recursive: false);
            }
        }
    }

    private static void DeleteDirectory(string directory)
    {
        // Never delete through a mount that is still there: that would delete what it shows.
        if (Directory.Exists(directory) && MountsUnder(directory).Count == 0)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // A /24 in 10.200.0.0–10.249.255.0 that no route on this host overlaps.
    private static string FreePodCidr()
    {
        var routes = File.ReadAllLines("/proc/net/route").Skip(1)
            .Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 7)
            .Select(f => (Dest: uint.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), Mask: uint.Parse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            .Where(r => r.Mask != 0)
            .ToList();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var second = 200 + RandomNumberGenerator.GetInt32(50);
            var third = RandomNumberGenerator.GetInt32(256);
            // /proc/net/route holds addresses in host (little-endian) byte order.
            var net = BitConverter.ToUInt32(new byte[] { 10, (byte)second, (byte)third, 0 });
            var mask = BitConverter.ToUInt32(new byte[] { 255, 255, 255, 0 });
            if (!routes.Any(r => (r.Dest & mask & r.Mask) == (net & mask & r.Mask)))
            {
                return $"10.{second}.{third}.0/24";
            }
        }
        throw new InvalidOperationException("no free 10.2xx.x.0/24 for a test pod network");
    }

    private static string Unescape(string mountPoint) => mountPoint.Replace("\\040", " ", StringComparison.Ordinal);
}
