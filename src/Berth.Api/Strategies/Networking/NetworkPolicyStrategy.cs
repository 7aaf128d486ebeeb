using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Networking;

/// <summary>NetworkPolicies: port protocol TCP; policyTypes default to Ingress (plus Egress when egress rules exist).</summary>
public sealed class NetworkPolicyStrategy : KindStrategy
{
    public static readonly NetworkPolicyStrategy Instance = new();

    private NetworkPolicyStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        foreach (var (rules, _) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var list = spec.Arr(rules);
            for (var i = 0; i < list.Count(); i++)
            {
                var ports = list.At(i).Arr("ports");
                for (var j = 0; j < ports.Count(); j++)
                {
                    ports.At(j)?.DefaultPtr("protocol", "TCP");
                }
            }
        }
        if (spec.Arr("policyTypes").Count() == 0)
        {
            var types = new JsonArray("Ingress");
            if (spec.Arr("egress").Count() != 0)
            {
                types.Add("Egress");
            }
            spec["policyTypes"] = types;
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        LabelSelectorValidation.Validate(spec.Obj("podSelector"), path.Child("podSelector"), errs);
        foreach (var (rules, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var list = spec.Arr(rules);
            for (var i = 0; i < list.Count(); i++)
            {
                var rp = path.Child(rules).Index(i);
                var ports = list.At(i).Arr("ports");
                for (var j = 0; j < ports.Count(); j++)
                {
                    Port(ports.At(j) ?? new JsonObject(), rp.Child("ports").Index(j), errs);
                }
                var ps = list.At(i).Arr(peers);
                for (var j = 0; j < ps.Count(); j++)
                {
                    Peer(ps.At(j) ?? new JsonObject(), rp.Child(peers).Index(j), errs);
                }
            }
        }
        var types = spec.Arr("policyTypes").Strings();
        if (types.Count > 2)
        {
            errs.Add(FieldError.Invalid(path.Child("policyTypes"), GoValues.StringList(types), "may not specify more than two policyTypes"));
            return;
        }
        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] is not ("Ingress" or "Egress"))
            {
                errs.Add(FieldError.NotSupported(path.Child("policyTypes").Index(i), types[i], ["Ingress", "Egress"]));
            }
        }
    }

    private static void Port(JsonObject port, FieldPath path, List<FieldError> errs)
    {
        if (port.Str("protocol") is { } protocol && protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            errs.Add(FieldError.NotSupported(path.Child("protocol"), protocol, ["TCP", "UDP", "SCTP"]));
        }
        if (port["port"] is { } p)
        {
            if (JsonAccess.AsLong(p) is { } n)
            {
                if (!NameRules.IsValidPortNum(n))
                {
                    errs.Add(FieldError.Invalid(path.Child("port"), n, NameRules.PortRangeError));
                }
                if (port.Int("endPort") is { } end)
                {
                    if (end < n)
                    {
                        errs.Add(FieldError.Invalid(path.Child("endPort"), n, "must be greater than or equal to `port`"));
                    }
                    if (!NameRules.IsValidPortNum(end))
                    {
                        errs.Add(FieldError.Invalid(path.Child("endPort"), end, NameRules.PortRangeError));
                    }
                }
            }
            else
            {
                if (port.Int("endPort") is { } end)
                {
                    errs.Add(FieldError.Invalid(path.Child("endPort"), end, "may not be specified when `port` is non-numeric"));
                }
                var name = JsonAccess.AsString(p) ?? "";
                foreach (var m in NameRules.PortName(name))
                {
                    errs.Add(FieldError.Invalid(path.Child("port"), name, m));
                }
            }
        }
        else if (port.Int("endPort") is { } end)
        {
            errs.Add(FieldError.Invalid(path.Child("endPort"), end, "may not be specified when `port` is not specified"));
        }
    }

    private static void Peer(JsonObject peer, FieldPath path, List<FieldError> errs)
    {
        var n = 0;
        if (peer.Obj("podSelector") is { } ps)
        {
            n++;
            LabelSelectorValidation.Validate(ps, path.Child("podSelector"), errs);
        }
        if (peer.Obj("namespaceSelector") is { } ns)
        {
            n++;
            LabelSelectorValidation.Validate(ns, path.Child("namespaceSelector"), errs);
        }
        if (peer.Obj("ipBlock") is { } block)
        {
            n++;
            IpBlock(block, path.Child("ipBlock"), errs);
        }
        if (n == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a peer"));
        }
        else if (n > 1 && peer.Has("ipBlock"))
        {
            errs.Add(FieldError.Forbidden(path, "may not specify both ipBlock and another peer"));
        }
    }

    private static void IpBlock(JsonObject block, FieldPath path, List<FieldError> errs)
    {
        var cidr = block.S("cidr");
        if (cidr.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("cidr")));
            return;
        }
        if (!NameRules.TryParseCidr(cidr, out var network, out var prefix))
        {
            errs.Add(FieldError.Invalid(path.Child("cidr"), cidr, NameRules.CidrMessage));
            return;
        }
        var except = block.Arr("except").Strings();
        for (var i = 0; i < except.Count; i++)
        {
            var ep = path.Child("except").Index(i);
            if (!NameRules.TryParseCidr(except[i], out var exceptNet, out var exceptPrefix))
            {
                errs.Add(FieldError.Invalid(ep, except[i], NameRules.CidrMessage));
                continue;
            }
            if (!Contains(network, prefix, exceptNet) || prefix >= exceptPrefix)
            {
                errs.Add(FieldError.Invalid(ep, except[i], "must be a strict subset of `cidr`"));
            }
        }
    }

    private static bool Contains(System.Net.IPAddress network, int prefix, System.Net.IPAddress ip)
    {
        var a = network.GetAddressBytes();
        var b = ip.GetAddressBytes();
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
