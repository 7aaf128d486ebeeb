using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Node.Containerd;

/// <summary>Writes the node's CNI network config (a .conflist) into containerd's CNI conf dir.</summary>
public static class CniConfigWriter
{
    /// <summary>The conflist's file name; containerd loads only the first file (max_conf_num = 1).</summary>
    public const string FileName = "10-berth.conflist";

    /// <summary>CNI spec version of the conflist (plugins 1.1 and containerd 1.6 speak it).</summary>
    public const string CniVersion = "1.0.0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The conflist JSON: bridge with host-local IPAM, then portmap and firewall.</summary>
    public static string Render(CniNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var ipam = new JsonObject
        {
            ["type"] = "host-local",
            ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = options.PodCidr })),
            ["routes"] = new JsonArray(options.Routes.Select(r => (JsonNode)new JsonObject { ["dst"] = r }).ToArray()),
        };
        if (options.IpamDataDirectory is { } dataDir)
        {
            ipam["dataDir"] = dataDir;
        }
        var bridge = new JsonObject
        {
            ["type"] = "bridge",
            ["bridge"] = options.BridgeName,
            ["isGateway"] = options.IsGateway,
            ["ipMasq"] = options.IpMasq,
            ["hairpinMode"] = options.HairpinMode,
            ["ipam"] = ipam,
        };
        if (options.Mtu > 0)
        {
            bridge["mtu"] = options.Mtu;
        }
        var plugins = new JsonArray(bridge);
        if (options.PortMap)
        {
            plugins.Add(new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } });
        }
        if (options.Firewall)
        {
            // After bridge and portmap: it accepts traffic to and from the pod's address in FORWARD.
            plugins.Add(new JsonObject { ["type"] = "firewall" });
        }
        var list = new JsonObject
        {
            ["cniVersion"] = CniVersion,
            ["name"] = options.NetworkName,
            ["plugins"] = plugins,
        };
        return list.ToJsonString(Indented) + "\n";
    }

    /// <summary>
    /// Writes the conflist into <paramref name="confDirectory"/> and returns its path. The file is
    /// rewritten in place (never renamed over), because containerd 1.6 reloads CNI config only on
    /// writes to the file; unchanged content is not rewritten.
    /// </summary>
    public static string Write(string confDirectory, CniNetworkOptions options)
    {
        var text = Render(options);
        Directory.CreateDirectory(confDirectory);
        var path = Path.Combine(confDirectory, FileName);
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return path;
        }
        using (var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.SetLength(bytes.Length);
        }
        return path;
    }

    private static void Validate(CniNetworkOptions options)
    {
        var errors = new List<string>();
        var slash = options.PodCidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(options.PodCidr.AsSpan(0, slash), out _) || !int.TryParse(options.PodCidr.AsSpan(slash + 1), out var prefix) || prefix is < 8 or > 30)
        {
            errors.Add($"podCIDR \"{options.PodCidr}\" must be an IPv4 CIDR with a prefix of /8 to /30");
        }
        if (options.BridgeName.Length is 0 or > 15 || options.BridgeName.Any(c => c is '/' or ' ' or ':'))
        {
            errors.Add($"bridge name \"{options.BridgeName}\" must be 1-15 characters without '/', ':' or spaces");
        }
        if (options.BridgeName is "docker0" or "cni0")
        {
            errors.Add($"bridge {options.BridgeName} belongs to other software; Berth uses its own bridge");
        }
        if (string.IsNullOrWhiteSpace(options.NetworkName))
        {
            errors.Add("network name must not be empty");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }
    }
}
