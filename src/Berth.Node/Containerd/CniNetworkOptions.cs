namespace Berth.Node.Containerd;

/// <summary>
/// The node's pod network as a CNI bridge: pods get addresses from <see cref="PodCidr"/> on Berth's
/// own bridge, with host ports (portmap) and forwarding rules (firewall) per pod.
/// </summary>
public sealed record CniNetworkOptions
{
    /// <summary>The node's pod CIDR (Node.spec.podCIDR), e.g. "10.244.0.0/24".</summary>
    public required string PodCidr { get; init; }

    /// <summary>CNI network name (also host-local IPAM's folder name).</summary>
    public string NetworkName { get; init; } = "berth";

    /// <summary>
    /// Bridge interface Berth creates and owns; never docker0 or cni0, which belong to other software.
    /// At most 15 characters.
    /// </summary>
    public string BridgeName { get; init; } = "berth0";

    /// <summary>Give the bridge the first address of the CIDR and make it the pods' gateway.</summary>
    public bool IsGateway { get; init; } = true;

    /// <summary>
    /// Masquerade pod traffic leaving the pod network. Off by default: Berth's network rule is that a pod
    /// network does not route out of the machine unless an operator turns this on.
    /// </summary>
    public bool IpMasq { get; init; }

    /// <summary>Lets a pod reach itself through a service address (needed for service proxies).</summary>
    public bool HairpinMode { get; init; } = true;

    /// <summary>MTU of the bridge and pod interfaces; 0 leaves the plugin's default.</summary>
    public int Mtu { get; init; }

    /// <summary>Routes installed in every pod (via the gateway); default the default route.</summary>
    public IReadOnlyList<string> Routes { get; init; } = ["0.0.0.0/0"];

    /// <summary>Where host-local keeps its allocations; null uses the plugin's /var/lib/cni/networks.</summary>
    public string? IpamDataDirectory { get; init; }

    /// <summary>Chain the portmap plugin (hostPort support through CRI port mappings).</summary>
    public bool PortMap { get; init; } = true;

    /// <summary>
    /// Chain the firewall plugin, which accepts the pods' forwarded traffic; without it a FORWARD DROP
    /// policy on the host drops pod traffic.
    /// </summary>
    public bool Firewall { get; init; } = true;
}
