using System.Net.Sockets;
using System.Text.Json.Nodes;
using Berth.Api.Strategies.Services;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Discovery;

/// <summary>EndpointSlices (discovery.k8s.io/v1): ports default to name "" and protocol TCP; addresses match the address type.</summary>
public sealed class EndpointSliceStrategy : KindStrategy
{
    public static readonly EndpointSliceStrategy Instance = new();

    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    private EndpointSliceStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var ports = obj.Arr("ports");
        for (var i = 0; i < ports.Count(); i++)
        {
            if (ports.At(i) is { } p)
            {
                p.DefaultPtr("name", "");
                p.DefaultPtr("protocol", "TCP");
            }
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var addressType = obj.S("addressType");
        if (addressType.Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("addressType")));
        }
        else if (Array.IndexOf(AddressTypes, addressType) < 0)
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("addressType"), addressType, AddressTypes));
        }
        var endpoints = obj.Arr("endpoints");
        var path = FieldPath.New("endpoints");
        if (endpoints.Count() > 1000)
        {
            errs.Add(FieldError.TooMany(path, endpoints!.Count, 1000));
        }
        else
        {
            for (var i = 0; i < endpoints.Count(); i++)
            {
                Endpoint(endpoints.At(i) ?? new JsonObject(), addressType, path.Index(i), errs);
            }
        }
        var ports = obj.Arr("ports");
        var pp = FieldPath.New("ports");
        if (ports.Count() > 20000)
        {
            errs.Add(FieldError.TooMany(pp, ports!.Count, 20000));
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count(); i++)
        {
            var port = ports.At(i);
            var ip = pp.Index(i);
            var name = port.S("name");
            if (name.Length > 0)
            {
                Check.Dns1123Label(name, ip.Child("name"), errs);
            }
            if (!names.Add(name))
            {
                errs.Add(FieldError.Duplicate(ip.Child("name"), name));
            }
            if (port.Str("protocol") is not { } protocol)
            {
                errs.Add(FieldError.Required(ip.Child("protocol")));
            }
            else if (Array.IndexOf(Protocols, protocol) < 0)
            {
                errs.Add(FieldError.NotSupported(ip.Child("protocol"), protocol, Protocols));
            }
            if (port.Str("appProtocol") is { } ap)
            {
                Check.QualifiedName(ap, ip.Child("appProtocol"), errs);
            }
        }
    }

    private static void Endpoint(JsonObject endpoint, string addressType, FieldPath path, List<FieldError> errs)
    {
        var addresses = endpoint.Arr("addresses").Strings();
        var ap = path.Child("addresses");
        if (addresses.Count == 0)
        {
            errs.Add(FieldError.Required(ap, "must contain at least 1 address"));
        }
        else if (addresses.Count > 100)
        {
            errs.Add(FieldError.TooMany(ap, addresses.Count, 100));
        }
        for (var i = 0; i < addresses.Count; i++)
        {
            var a = addresses[i];
            switch (addressType)
            {
                case "IPv4":
                    if (NameRules.ParseIp(a) is not { AddressFamily: AddressFamily.InterNetwork })
                    {
                        errs.Add(FieldError.Invalid(ap.Index(i), a, "must be a valid IPv4 address"));
                    }
                    else
                    {
                        ServiceStrategy.NonSpecialIp(a, ap.Index(i), errs);
                    }
                    break;
                case "IPv6":
                    if (NameRules.ParseIp(a) is not { AddressFamily: AddressFamily.InterNetworkV6 })
                    {
                        errs.Add(FieldError.Invalid(ap.Index(i), a, "must be a valid IPv6 address"));
                    }
                    else
                    {
                        ServiceStrategy.NonSpecialIp(a, ap.Index(i), errs);
                    }
                    break;
                case "FQDN":
                    Fqdn(a, ap.Index(i), errs);
                    break;
            }
        }
        if (endpoint.Str("nodeName") is { } node)
        {
            Check.Dns1123Subdomain(node, path.Child("nodeName"), errs);
        }
        var topology = endpoint.Obj("deprecatedTopology");
        if (topology is { Count: > 16 })
        {
            errs.Add(FieldError.TooMany(path.Child("deprecatedTopology"), topology.Count, 16));
        }
        Check.Labels(topology, path.Child("deprecatedTopology"), errs);
        if (topology?.ContainsKey("topology.kubernetes.io/zone") == true)
        {
            errs.Add(FieldError.Internal(path.Child("deprecatedTopology").Key("topology.kubernetes.io/zone"), "zone should be set in zone field"));
        }
        if (endpoint.Str("hostname") is { } hostname)
        {
            Check.Dns1123Label(hostname, path.Child("hostname"), errs);
        }
    }

    private static void Fqdn(string name, FieldPath path, List<FieldError> errs)
    {
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(path));
            return;
        }
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }
        var sub = NameRules.Dns1123Subdomain(name);
        if (sub.Count > 0)
        {
            errs.Add(FieldError.Invalid(path, name, string.Join(",", sub)));
            return;
        }
        if (name.Split('.').Length < 2)
        {
            errs.Add(FieldError.Invalid(path, name, "should be a domain with at least two segments separated by dots"));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        Check.Immutable(obj["addressType"], old["addressType"], FieldPath.New("addressType"), errs);
    }
}
