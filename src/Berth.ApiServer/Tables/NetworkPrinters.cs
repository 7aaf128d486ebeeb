using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Berth.ApiServer.Tables;

/// <summary>Services, Endpoints, EndpointSlices, Ingresses, IngressClasses and NetworkPolicies, as kube's printers show them.</summary>
internal static class NetworkPrinters
{
    public static void Register(Dictionary<(string Group, string Kind), KindPrinter> printers)
    {
        printers[("", "Service")] = new(
        [
            Columns.Name,
            Columns.Str("Type", ColumnDescriptions.ServiceType),
            Columns.Str("Cluster-IP", ColumnDescriptions.ClusterIP),
            Columns.Str("External-IP", ColumnDescriptions.ExternalIPs),
            Columns.Str("Port(s)", ColumnDescriptions.ServicePorts),
            Columns.Age,
            Columns.Wide("Selector", ColumnDescriptions.ServiceSelector),
        ], Service);

        printers[("", "Endpoints")] = new(
        [
            Columns.Name,
            Columns.Str("Endpoints", ColumnDescriptions.EndpointsSubsets),
            Columns.Age,
        ], Endpoints);

        printers[("discovery.k8s.io", "EndpointSlice")] = new(
        [
            Columns.Name,
            Columns.Str("AddressType", ColumnDescriptions.AddressType),
            Columns.Str("Ports", ColumnDescriptions.SlicePorts),
            Columns.Str("Endpoints", ColumnDescriptions.SliceEndpoints),
            Columns.Age,
        ], EndpointSlice);

        printers[("networking.k8s.io", "Ingress")] = new(
        [
            Columns.Name,
            Columns.Str("Class", "The name of the IngressClass resource that should be used for additional configuration"),
            Columns.Str("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
            Columns.Str("Address", "Address is a list containing ingress points for the load-balancer"),
            Columns.Str("Ports", "Ports of TLS configurations that open"),
            Columns.Age,
        ], Ingress);

        printers[("networking.k8s.io", "IngressClass")] = new(
        [
            Columns.Name,
            Columns.Str("Controller", "Controller that is responsible for handling this class"),
            Columns.Str("Parameters", "A reference to a resource with additional parameters"),
            Columns.Age,
        ], IngressClass);

        printers[("networking.k8s.io", "NetworkPolicy")] = new(
        [
            Columns.Name,
            Columns.Str("Pod-Selector", ColumnDescriptions.PodSelector),
            Columns.Age,
        ], NetworkPolicy);
    }

    /// <summary>kube's <c>makePortString</c>: <c>80/TCP</c>, <c>80:30080/TCP</c>, comma-separated.</summary>
    public static string PortString(JsonArray? ports)
    {
        if (ports is null || ports.Count == 0)
        {
            return "";
        }
        var sb = new StringBuilder();
        foreach (var p in ports)
        {
            var port = p as JsonObject;
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(Fields.L(port, "port").ToString(CultureInfo.InvariantCulture));
            var nodePort = Fields.L(port, "nodePort");
            if (nodePort > 0)
            {
                sb.Append(':').Append(nodePort.ToString(CultureInfo.InvariantCulture));
            }
            // protocol defaults to TCP in the v1 API.
            sb.Append('/').Append(Fields.Str(port, "protocol") ?? "TCP");
        }
        return sb.ToString();
    }

    /// <summary>kube's <c>getServiceExternalIP</c> with <c>wide</c> set (no clipping), as the server prints.</summary>
    public static string ExternalIP(JsonObject? spec, JsonObject? status)
    {
        var externalIPs = Strings(Fields.Arr(spec, "externalIPs"));
        switch (Fields.Str(spec, "type") ?? "ClusterIP")
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : Formats.None;
            case "LoadBalancer":
                var lb = LoadBalancerAddresses(Fields.Obj(status, "loadBalancer"));
                if (externalIPs.Count > 0)
                {
                    var results = new List<string>();
                    if (lb.Length > 0)
                    {
                        results.AddRange(lb.Split(','));
                    }
                    results.AddRange(externalIPs);
                    return string.Join(",", results);
                }
                return lb.Length > 0 ? lb : "<pending>";
            case "ExternalName":
                return Fields.S(spec, "externalName");
            default:
                return "<unknown>";
        }
    }

    /// <summary>The IPs (or hostnames) of a load balancer status, de-duplicated and sorted as Go's string sets are.</summary>
    private static string LoadBalancerAddresses(JsonObject? loadBalancer)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (Fields.Arr(loadBalancer, "ingress") is { } ingress)
        {
            foreach (var i in ingress)
            {
                var entry = i as JsonObject;
                var ip = Fields.S(entry, "ip");
                var hostname = Fields.S(entry, "hostname");
                if (ip.Length > 0)
                {
                    set.Add(ip);
                }
                else if (hostname.Length > 0)
                {
                    set.Add(hostname);
                }
            }
        }
        return string.Join(",", set);
    }

    private static List<string> Strings(JsonArray? array)
    {
        var list = new List<string>();
        if (array is not null)
        {
            foreach (var n in array)
            {
                if (Fields.Str(n) is { } s)
                {
                    list.Add(s);
                }
            }
        }
        return list;
    }

    private static object?[] Service(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        var clusterIP = Fields.Arr(spec, "clusterIPs") is { Count: > 0 } ips ? Fields.Str(ips[0]) : Fields.Str(spec, "clusterIP");
        var ports = PortString(Fields.Arr(spec, "ports"));
        return
        [
            Fields.Name(obj),
            Fields.Str(spec, "type") ?? "ClusterIP",
            string.IsNullOrEmpty(clusterIP) ? Formats.None : clusterIP,
            ExternalIP(spec, status),
            ports.Length == 0 ? Formats.None : ports,
            ctx.Age(obj),
            Formats.Labels(Fields.Obj(spec, "selector")),
        ];
    }

    private static object?[] Endpoints(JsonObject obj, PrintContext ctx) =>
        [Fields.Name(obj), FormatEndpoints(Fields.Arr(obj, "subsets")), ctx.Age(obj)];

    /// <summary>kube's <c>formatEndpoints</c>: up to three <c>ip:port</c> entries, then <c>+ N more...</c>.</summary>
    public static string FormatEndpoints(JsonArray? subsets)
    {
        if (subsets is null || subsets.Count == 0)
        {
            return Formats.None;
        }
        const int max = 3;
        var list = new List<string>(max);
        var more = false;
        var count = 0;
        foreach (var s in subsets)
        {
            var subset = s as JsonObject;
            var addresses = Fields.Arr(subset, "addresses");
            var addressCount = addresses?.Count ?? 0;
            var ports = Fields.Arr(subset, "ports");
            if (ports is null || ports.Count == 0)
            {
                // Headless services may have no ports.
                count += addressCount;
                for (var i = 0; i < addressCount; i++)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(Fields.S(addresses![i] as JsonObject, "ip"));
                }
                continue;
            }
            foreach (var p in ports)
            {
                var port = Fields.L(p as JsonObject, "port").ToString(CultureInfo.InvariantCulture);
                count += addressCount;
                for (var i = 0; i < addressCount; i++)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(JoinHostPort(Fields.S(addresses![i] as JsonObject, "ip"), port));
                }
            }
        }
        var ret = string.Join(",", list);
        return more ? ret + " + " + (count - max).ToString(CultureInfo.InvariantCulture) + " more..." : ret;
    }

    /// <summary>Go's <c>net.JoinHostPort</c>: IPv6 addresses are bracketed.</summary>
    private static string JoinHostPort(string host, string port) =>
        host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]:" + port : host + ":" + port;

    private static object?[] EndpointSlice(JsonObject obj, PrintContext ctx)
    {
        const int max = 3;
        var ports = new List<string>(max);
        var morePorts = false;
        var portCount = 0;
        if (Fields.Arr(obj, "ports") is { } portArray)
        {
            foreach (var p in portArray)
            {
                var port = p as JsonObject;
                if (ports.Count < max)
                {
                    ports.Add(Fields.Long(port, "port") is { } n ? Formats.Int(n) : Fields.Str(port, "name") ?? "*");
                }
                else if (ports.Count == max)
                {
                    morePorts = true;
                }
                portCount++;
            }
        }

        var endpoints = new List<string>(max);
        var moreEndpoints = false;
        var endpointCount = 0;
        if (Fields.Arr(obj, "endpoints") is { } endpointArray)
        {
            foreach (var e in endpointArray)
            {
                if (Fields.Arr(e as JsonObject, "addresses") is not { } addresses)
                {
                    continue;
                }
                foreach (var a in addresses)
                {
                    if (endpoints.Count < max)
                    {
                        endpoints.Add(Fields.Str(a) ?? "");
                    }
                    else if (endpoints.Count == max)
                    {
                        moreEndpoints = true;
                    }
                    endpointCount++;
                }
            }
        }

        return
        [
            Fields.Name(obj),
            Fields.S(obj, "addressType"),
            Formats.ListWithMore(ports, morePorts, portCount, max),
            Formats.ListWithMore(endpoints, moreEndpoints, endpointCount, max),
            ctx.Age(obj),
        ];
    }

    private static object?[] Ingress(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var status = Fields.Obj(obj, "status");
        return
        [
            Fields.Name(obj),
            Fields.Str(spec, "ingressClassName") ?? Formats.None,
            Hosts(Fields.Arr(spec, "rules")),
            LoadBalancerAddresses(Fields.Obj(status, "loadBalancer")),
            Fields.Count(spec, "tls") > 0 ? "80, 443" : "80",
            ctx.Age(obj),
        ];
    }

    /// <summary>kube's <c>formatHosts</c>: up to three hosts, <c>*</c> when no rule names one.</summary>
    private static string Hosts(JsonArray? rules)
    {
        const int max = 3;
        var list = new List<string>(max);
        var more = false;
        var ruleCount = rules?.Count ?? 0;
        for (var i = 0; i < ruleCount; i++)
        {
            if (list.Count == max)
            {
                more = true;
            }
            var host = Fields.S(rules![i] as JsonObject, "host");
            if (!more && host.Length != 0)
            {
                list.Add(host);
            }
        }
        if (list.Count == 0)
        {
            return "*";
        }
        var ret = string.Join(",", list);
        return more ? ret + " + " + (ruleCount - max).ToString(CultureInfo.InvariantCulture) + " more..." : ret;
    }

    private static object?[] IngressClass(JsonObject obj, PrintContext ctx)
    {
        var spec = Fields.Obj(obj, "spec");
        var parameters = Formats.None;
        if (Fields.Obj(spec, "parameters") is { } p)
        {
            parameters = Fields.S(p, "kind");
            if (Fields.Str(p, "apiGroup") is { } group)
            {
                parameters += "." + group;
            }
            parameters += "/" + Fields.S(p, "name");
        }
        return [Fields.Name(obj), Fields.S(spec, "controller"), parameters, ctx.Age(obj)];
    }

    private static object?[] NetworkPolicy(JsonObject obj, PrintContext ctx) =>
    [
        Fields.Name(obj),
        // An absent podSelector prints like the empty one: <none>.
        Formats.FormatLabelSelector(Fields.Obj(Fields.Obj(obj, "spec"), "podSelector")),
        ctx.Age(obj),
    ];
}
