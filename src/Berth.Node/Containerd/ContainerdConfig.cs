using System.Globalization;
using System.Text;

namespace Berth.Node.Containerd;

/// <summary>
/// Renders and writes the files of Berth's containerd: <c>config.toml</c> (version 2, which
/// containerd 1.6, 1.7 and 2.x all read) and one <c>hosts.toml</c> per mirrored registry.
/// </summary>
public static class ContainerdConfig
{
    // Plugins Berth never uses; disabling them makes start faster and keeps containerd from creating
    // /opt/containerd. Unknown names are ignored, so names of newer versions can be listed.
    private static readonly string[] DisabledPlugins =
    [
        "io.containerd.snapshotter.v1.aufs",
        "io.containerd.snapshotter.v1.btrfs",
        "io.containerd.snapshotter.v1.zfs",
        "io.containerd.snapshotter.v1.devmapper",
        "io.containerd.snapshotter.v1.blockfile",
        "io.containerd.internal.v1.opt",
        "io.containerd.internal.v1.restart",
        "io.containerd.internal.v1.tracing",
        "io.containerd.tracing.processor.v1.otlp",
        "io.containerd.nri.v1.nri",
    ];

    /// <summary>The config.toml text for <paramref name="options"/> on a host with cgroup <paramref name="cgroupVersion"/>.</summary>
    public static string Render(ContainerdOptions options, int cgroupVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        var b = new StringBuilder();
        b.AppendLine("# Written by Berth on every agent start; edits are overwritten.");
        b.AppendLine(CultureInfo.InvariantCulture, $"# Host cgroup version: v{cgroupVersion}; runc cgroup driver: {options.CgroupDriver}.");
        b.AppendLine("version = 2");
        b.AppendLine(CultureInfo.InvariantCulture, $"root = {Quote(options.RootDirectory)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"state = {Quote(options.StateDirectory)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"disabled_plugins = [{string.Join(", ", DisabledPlugins.Select(Quote))}]");
        b.AppendLine();
        b.AppendLine("[grpc]");
        b.AppendLine(CultureInfo.InvariantCulture, $"  address = {Quote(options.SocketPath)}");
        b.AppendLine();
        b.AppendLine("[ttrpc]");
        b.AppendLine(CultureInfo.InvariantCulture, $"  address = {Quote(options.SocketPath + ".ttrpc")}");
        b.AppendLine();
        b.AppendLine("[debug]");
        b.AppendLine(CultureInfo.InvariantCulture, $"  level = {Quote(options.LogLevel)}");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"[{Cri}]");
        b.AppendLine(CultureInfo.InvariantCulture, $"  sandbox_image = {Quote(options.SandboxImage)}");
        // Without CAP_SYS_RESOURCE in some environments, raising oom_score_adj fails; clamp instead.
        b.AppendLine("  restrict_oom_score_adj = true");
        b.AppendLine("  enable_selinux = false");
        // Exec/attach/port-forward are served on loopback only, on a port the kernel picks.
        b.AppendLine("  stream_server_address = \"127.0.0.1\"");
        b.AppendLine("  stream_server_port = \"0\"");
        // Sandbox network namespaces under our state dir, not /var/run/netns (shared with the host).
        b.AppendLine("  netns_mounts_under_state_dir = true");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"  [{Cri}.cni]");
        b.AppendLine(CultureInfo.InvariantCulture, $"    bin_dir = {Quote(options.CniBinDirectory)}");
        b.AppendLine(CultureInfo.InvariantCulture, $"    conf_dir = {Quote(options.EffectiveCniConfDirectory)}");
        b.AppendLine("    max_conf_num = 1");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"  [{Cri}.containerd]");
        b.AppendLine("    snapshotter = \"overlayfs\"");
        b.AppendLine("    default_runtime_name = \"runc\"");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"    [{Cri}.containerd.runtimes.runc]");
        b.AppendLine("      runtime_type = \"io.containerd.runc.v2\"");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"      [{Cri}.containerd.runtimes.runc.options]");
        b.AppendLine(CultureInfo.InvariantCulture, $"        SystemdCgroup = {(options.CgroupDriver == CgroupDriver.Systemd ? "true" : "false")}");
        // runc's own state next to containerd's, not in the host-wide /run/containerd/runc.
        b.AppendLine(CultureInfo.InvariantCulture, $"        Root = {Quote(Path.Combine(options.StateDirectory, "runc"))}");
        if (options.RuncPath.Length > 0)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"        BinaryName = {Quote(options.RuncPath)}");
        }
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"  [{Cri}.registry]");
        b.AppendLine(CultureInfo.InvariantCulture, $"    config_path = {Quote(options.RegistryHostsDirectory)}");
        return b.ToString();
    }

    /// <summary>The hosts.toml that sends every pull of <paramref name="host"/> to <paramref name="mirrorUrl"/>.</summary>
    public static string RenderHosts(string host, string mirrorUrl)
    {
        ValidateMirror(host, mirrorUrl);
        var mirror = mirrorUrl.TrimEnd('/');
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Written by Berth: images of {host} are pulled from {mirror} only.");
        // The mirror is also the server, so a failed pull never falls back to the real registry.
        b.AppendLine(CultureInfo.InvariantCulture, $"server = {Quote(mirror)}");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"[host.{Quote(mirror)}]");
        b.AppendLine("  capabilities = [\"pull\", \"resolve\"]");
        return b.ToString();
    }

    /// <summary>
    /// Writes config.toml and the registry hosts directory (replacing hosts Berth wrote before), and
    /// creates the directories containerd and CNI need.
    /// </summary>
    public static void Write(ContainerdOptions options, int cgroupVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.ContainerdDirectory);
        Directory.CreateDirectory(options.EffectiveCniConfDirectory);
        Directory.CreateDirectory(options.RegistryHostsDirectory);
        File.WriteAllText(options.ConfigPath, Render(options, cgroupVersion));

        // The hosts directory is Berth's alone: it holds exactly the configured mirrors.
        var wanted = new HashSet<string>(options.RegistryMirrors.Keys, StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories(options.RegistryHostsDirectory))
        {
            if (!wanted.Contains(Path.GetFileName(dir)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        foreach (var (host, mirror) in options.RegistryMirrors)
        {
            var dir = Path.Combine(options.RegistryHostsDirectory, host);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "hosts.toml"), RenderHosts(host, mirror));
        }
    }

    private static void ValidateMirror(string host, string mirrorUrl)
    {
        if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal) || host is "." or "..")
        {
            throw new ArgumentException($"registry mirror host \"{host}\" must be a registry host name such as docker.io or localhost:5000", nameof(host));
        }
        if (!Uri.TryCreate(mirrorUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"registry mirror for {host} must be an http:// or https:// URL, not \"{mirrorUrl}\"", nameof(mirrorUrl));
        }
    }

    // TOML basic string.
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
