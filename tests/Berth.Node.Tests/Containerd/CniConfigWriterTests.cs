using System.Text.Json.Nodes;
using Berth.Node.Containerd;

namespace Berth.Node.Tests.Containerd;

public sealed class CniConfigWriterTests
{
    [Fact]
    public void Render_Defaults_BridgeWithoutMasqueradeThenPortmapThenFirewall()
    {
        var json = JsonNode.Parse(CniConfigWriter.Render(new CniNetworkOptions { PodCidr = "10.244.1.0/24", IpamDataDirectory = "/var/lib/berth/cni/networks" }))!;

        Assert.Equal("1.0.0", (string?)json["cniVersion"]);
        Assert.Equal("berth", (string?)json["name"]);
        var plugins = json["plugins"]!.AsArray();
        Assert.Equal(["bridge", "portmap", "firewall"], plugins.Select(p => (string?)p!["type"]));
        var bridge = plugins[0]!;
        Assert.Equal("berth0", (string?)bridge["bridge"]);
        Assert.True((bool)bridge["isGateway"]!);
        Assert.False((bool)bridge["ipMasq"]!);
        Assert.True((bool)bridge["hairpinMode"]!);
        Assert.Equal("host-local", (string?)bridge["ipam"]!["type"]);
        Assert.Equal("10.244.1.0/24", (string?)bridge["ipam"]!["ranges"]![0]![0]!["subnet"]);
        Assert.Equal("/var/lib/berth/cni/networks", (string?)bridge["ipam"]!["dataDir"]);
        Assert.True((bool)plugins[1]!["capabilities"]!["portMappings"]!);
    }

    [Theory]
    [InlineData("10.244.1.0", "berth0")]
    [InlineData("10.244.1.0/31", "berth0")]
    [InlineData("not-an-ip/24", "berth0")]
    [InlineData("10.244.1.0/24", "docker0")]
    [InlineData("10.244.1.0/24", "cni0")]
    [InlineData("10.244.1.0/24", "a-bridge-name-too-long")]
    public void Render_InvalidCidrOrForeignBridge_Throws(string cidr, string bridge) =>
        Assert.Throws<ArgumentException>(() => CniConfigWriter.Render(new CniNetworkOptions { PodCidr = cidr, BridgeName = bridge }));

    [Fact]
    public void Write_ChangedConfig_RewritesTheSameFileInPlace()
    {
        var dir = Directory.CreateTempSubdirectory("berth-cni-").FullName;
        try
        {
            var path = CniConfigWriter.Write(dir, new CniNetworkOptions { PodCidr = "10.244.1.0/24" });
            var inode = Inode(path);

            CniConfigWriter.Write(dir, new CniNetworkOptions { PodCidr = "10.244.2.0/24", IpMasq = true });

            Assert.Equal(inode, Inode(path));
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("10.244.2.0/24", (string?)json["plugins"]![0]!["ipam"]!["ranges"]![0]![0]!["subnet"]);
            Assert.True((bool)json["plugins"]![0]!["ipMasq"]!);
            Assert.Equal([CniConfigWriter.FileName], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Inode(string path) => Support.Tool.RunAsync("stat", ["-c", "%i", path]).GetAwaiter().GetResult().Trim();
}
