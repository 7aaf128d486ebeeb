using System.Net;

namespace Berth.ApiServer.Hosting;

/// <summary>Settings of <c>berth server</c>.</summary>
public sealed record ApiServerOptions
{
    /// <summary>Where the store, certificates and kubeconfig live.</summary>
    public required string DataDir { get; init; }

    /// <summary>HTTPS port (kube-apiserver's --secure-port).</summary>
    public int SecurePort { get; init; } = 6443;

    /// <summary>Address to listen on; loopback and all interfaces by default.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Extra names and addresses for the serving certificate.</summary>
    public IReadOnlyList<string> TlsSans { get; init; } = [];

    /// <summary>The range Service cluster IPs come from (kube's --service-cluster-ip-range).</summary>
    public string ServiceClusterIpRange { get; init; } = "10.96.0.0/16";

    /// <summary>NodePort range (kube's --service-node-port-range).</summary>
    public (int First, int Last) NodePortRange { get; init; } = (30000, 32767);

    /// <summary>How often history older than <see cref="CompactionRetention"/> is compacted.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How much history watches can resume from (kube compacts every 5 minutes).</summary>
    public TimeSpan CompactionRetention { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The server URL written into the kubeconfig; defaults to https://127.0.0.1:{port}.</summary>
    public string? AdvertiseUrl { get; init; }
}
