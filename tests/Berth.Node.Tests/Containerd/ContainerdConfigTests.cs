using Berth.Node.Containerd;

namespace Berth.Node.Tests.Containerd;

public sealed class ContainerdConfigTests
{
    private static readonly ContainerdOptions Options = new() { DataDirectory = "/var/lib/berth" };

    [Fact]
    public void Render_Defaults_OwnPathsRuncV2OverlayfsAndCriSafetySettings()
    {
        var toml = ContainerdConfig.Render(Options, cgroupVersion: 1);

        Assert.Contains("version = 2", toml, StringComparison.Ordinal);
        Assert.Contains("root = \"/var/lib/berth/containerd/root\"", toml, StringComparison.Ordinal);
        Assert.Contains("state = \"/var/lib/berth/containerd/state\"", toml, StringComparison.Ordinal);
        Assert.Contains("address = \"/var/lib/berth/containerd/containerd.sock\"", toml, StringComparison.Ordinal);
        Assert.Contains("sandbox_image = \"127.0.0.1:5000/berth/pause:3.9\"", toml, StringComparison.Ordinal);
        Assert.Contains("restrict_oom_score_adj = true", toml, StringComparison.Ordinal);
        Assert.Contains("enable_selinux = false", toml, StringComparison.Ordinal);
        Assert.Contains("stream_server_address = \"127.0.0.1\"", toml, StringComparison.Ordinal);
        Assert.Contains("stream_server_port = \"0\"", toml, StringComparison.Ordinal);
        Assert.Contains("bin_dir = \"/usr/lib/cni\"", toml, StringComparison.Ordinal);
        Assert.Contains("conf_dir = \"/var/lib/berth/cni/net.d\"", toml, StringComparison.Ordinal);
        Assert.Contains("snapshotter = \"overlayfs\"", toml, StringComparison.Ordinal);
        Assert.Contains("runtime_type = \"io.containerd.runc.v2\"", toml, StringComparison.Ordinal);
        Assert.Contains("SystemdCgroup = false", toml, StringComparison.Ordinal);
        Assert.Contains("config_path = \"/var/lib/berth/containerd/certs.d\"", toml, StringComparison.Ordinal);
        Assert.Contains("\"io.containerd.snapshotter.v1.aufs\"", toml, StringComparison.Ordinal);
        Assert.DoesNotContain("/run/containerd", toml, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SystemdDriverAndCustomSandboxImage_AreWritten()
    {
        var toml = ContainerdConfig.Render(Options with { CgroupDriver = CgroupDriver.Systemd, SandboxImage = "registry.local/pause:3.10" }, cgroupVersion: 2);

        Assert.Contains("SystemdCgroup = true", toml, StringComparison.Ordinal);
        Assert.Contains("sandbox_image = \"registry.local/pause:3.10\"", toml, StringComparison.Ordinal);
        Assert.Contains("cgroup version: v2", toml, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PathWithQuote_IsEscapedForToml()
    {
        var toml = ContainerdConfig.Render(new ContainerdOptions { DataDirectory = "/tmp/a\"b" }, 1);

        Assert.Contains("root = \"/tmp/a\\\"b/containerd/root\"", toml, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderHosts_PlainHttpMirror_IsTheOnlyServer()
    {
        var hosts = ContainerdConfig.RenderHosts("docker.io", "http://127.0.0.1:5000/");

        Assert.Contains("server = \"http://127.0.0.1:5000\"", hosts, StringComparison.Ordinal);
        Assert.Contains("[host.\"http://127.0.0.1:5000\"]", hosts, StringComparison.Ordinal);
        Assert.Contains("capabilities = [\"pull\", \"resolve\"]", hosts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker.io", "ftp://x")]
    [InlineData("docker.io", "127.0.0.1:5000")]
    [InlineData("a/b", "http://127.0.0.1:5000")]
    [InlineData("..", "http://127.0.0.1:5000")]
    public void RenderHosts_BadHostOrUrl_Throws(string host, string url) =>
        Assert.Throws<ArgumentException>(() => ContainerdConfig.RenderHosts(host, url));

    [Fact]
    public void Write_Mirrors_WritesOneHostsFilePerHostAndRemovesStaleOnes()
    {
        var dir = Directory.CreateTempSubdirectory("berth-cfg-").FullName;
        try
        {
            var options = new ContainerdOptions { DataDirectory = dir };
            ContainerdConfig.Write(options with { RegistryMirrors = new Dictionary<string, string> { ["quay.io"] = "http://127.0.0.1:1" } }, 1);

            ContainerdConfig.Write(options, 1);

            Assert.True(File.Exists(options.ConfigPath));
            Assert.True(Directory.Exists(options.EffectiveCniConfDirectory));
            Assert.Equal(["127.0.0.1:5000", "docker.io", "localhost:5000", "registry.k8s.io"], Directory.GetDirectories(options.RegistryHostsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Contains("server = \"http://127.0.0.1:5000\"", File.ReadAllText(Path.Combine(options.RegistryHostsDirectory, "docker.io", "hosts.toml")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
