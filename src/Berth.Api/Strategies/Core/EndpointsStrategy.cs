using System.Text.Json.Nodes;
using Berth.Api.Strategies.Services;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Core;

/// <summary>Endpoints (core/v1): ports default to TCP; addresses must be routable IPs.</summary>
public sealed class EndpointsStrategy : KindStrategy
{
    public static readonly EndpointsStrategy Instance = new();

    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    private EndpointsStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var subsets = obj.Arr("subsets");
        for (var i = 0; i < subsets.Count(); i++)
        {
            var ports = subsets.At(i).Arr("ports");
            for (var j = 0; j < ports.Count(); j++)
            {
                ports.At(j)?.Default("protocol", "TCP");
            }
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var subsets = obj.Arr("subsets");
        var path = FieldPath.New("subsets");
        for (var i = 0; i < subsets.Count(); i++)
        {
            var ss = subsets.At(i);
            var p = path.Index(i);
            var addresses = ss.Arr("addresses");
            var notReady = ss.Arr("notReadyAddresses");
            if (addresses.Count() == 0 && notReady.Count() == 0)
            {
                errs.Add(FieldError.Required(p, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (var a = 0; a < addresses.Count(); a++)
            {
                Address(addresses.At(a), p.Child("addresses").Index(a), errs);
            }
            for (var a = 0; a < notReady.Count(); a++)
            {
                Address(notReady.At(a), p.Child("notReadyAddresses").Index(a), errs);
            }
            var ports = ss.Arr("ports");
            for (var j = 0; j < ports.Count(); j++)
            {
                var port = ports.At(j);
                var pp = p.Child("ports").Index(j);
                var name = port.S("name");
                if (ports!.Count > 1 && name.Length == 0)
                {
                    errs.Add(FieldError.Required(pp.Child("name")));
                }
                else if (name.Length != 0)
                {
                    Check.Dns1123Label(name, pp.Child("name"), errs);
                }
                var num = port.Int("port") ?? 0;
                if (!NameRules.IsValidPortNum(num))
                {
                    errs.Add(FieldError.Invalid(pp.Child("port"), num, NameRules.PortRangeError));
                }
                var protocol = port.S("protocol");
                if (protocol.Length == 0)
                {
                    errs.Add(FieldError.Required(pp.Child("protocol")));
                }
                else if (Array.IndexOf(Protocols, protocol) < 0)
                {
                    errs.Add(FieldError.NotSupported(pp.Child("protocol"), protocol, Protocols));
                }
                if (port.Str("appProtocol") is { } ap)
                {
                    Check.QualifiedName(ap, pp.Child("appProtocol"), errs);
                }
            }
        }
    }

    private static void Address(JsonObject? address, FieldPath path, List<FieldError> errs)
    {
        var ip = address.S("ip");
        Check.Ip(ip, path.Child("ip"), errs);
        if (address.S("hostname").Length > 0)
        {
            Check.Dns1123Label(address.S("hostname"), path.Child("hostname"), errs);
        }
        if (address.Str("nodeName") is { } node)
        {
            Check.Dns1123Subdomain(node, path.Child("nodeName"), errs);
        }
        ServiceStrategy.NonSpecialIp(ip, path.Child("ip"), errs);
    }
}
