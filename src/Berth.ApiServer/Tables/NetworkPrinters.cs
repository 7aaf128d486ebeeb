using System.Globalization;
using System.Text;

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
    public static string PortString(JsonView ports)
    {
        var sb = new StringBuilder();
        foreach (var port in Formats.Items(ports))
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(port["port"].L.ToString(CultureInfo.InvariantCulture));
            var nodePort = port["nodePort"].L;
            if (nodePort > 0)
            {
                sb.Append(':').Append(nodePort.ToString(CultureInfo.InvariantCulture));
            }
            // protocol defaults to TCP in the v1 API.
            sb.Append('/').Append(port["protocol"].Str ?? "TCP");
        }
        return sb.ToString();
    }

    /// <summary>kube's <c>getServiceExternalIP</c> with <c>wide</c> set (no clipping), as the server prints.</summary>
    public static string ExternalIP(JsonView spec, JsonView status)
    {
        var externalIPs = new List<string>();
        foreach (var ip in Formats.Items(spec["externalIPs"]))
        {
            if (ip.Str is { } s)
            {
                externalIPs.Add(s);
            }
        }
        switch (spec["type"].Str ?? "ClusterIP")
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : Formats.None;
            case "LoadBalancer":
                var lb = LoadBalancerAddresses(status["loadBalancer"]);
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
                return spec["externalName"].S;
            default:
                return "<unknown>";
        }
    }

    /// <summary>The IPs (or hostnames) of a load balancer status, de-duplicated and sorted as Go's string sets are.</summary>
    private static string LoadBalancerAddresses(JsonView loadBalancer)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in Formats.Items(loadBalancer["ingress"]))
        {
            var ip = entry["ip"].S;
            var hostname = entry["hostname"].S;
            if (ip.Length > 0)
            {
                set.Add(ip);
            }
            else if (hostname.Length > 0)
            {
                set.Add(hostname);
            }
        }
        return string.Join(",", set);
    }

    private static object?[] Service(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var clusterIPs = spec["clusterIPs"];
        var clusterIP = clusterIPs.IsArray && clusterIPs.Length > 0 ? clusterIPs[0].Str : spec["clusterIP"].Str;
        var ports = PortString(spec["ports"]);
        return
        [
            PrintContext.Name(obj),
            spec["type"].Str ?? "ClusterIP",
            string.IsNullOrEmpty(clusterIP) ? Formats.None : clusterIP,
            ExternalIP(spec, obj["status"]),
            ports.Length == 0 ? Formats.None : ports,
            ctx.Age(obj),
            Formats.Labels(spec["selector"]),
        ];
    }

    private static object?[] Endpoints(JsonView obj, PrintContext ctx) =>
        [PrintContext.Name(obj), FormatEndpoints(obj["subsets"]), ctx.Age(obj)];

    /// <summary>kube's <c>formatEndpoints</c>: up to three <c>ip:port</c> entries, then <c>+ N more...</c>.</summary>
    public static string FormatEndpoints(JsonView subsets)
    {
        if (!subsets.IsArray || subsets.Length == 0)
        {
            return Formats.None;
        }
        const int max = 3;
        var list = new List<string>(max);
        var more = false;
        var count = 0;
        foreach (var subset in Formats.Items(subsets))
        {
            var addresses = subset["addresses"];
            var addressCount = addresses.IsArray ? addresses.Length : 0;
            var ports = subset["ports"];
            if (!ports.IsArray || ports.Length == 0)
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
                    list.Add(addresses[i]["ip"].S);
                }
                continue;
            }
            foreach (var p in Formats.Items(ports))
            {
                var port = p["port"].L.ToString(CultureInfo.InvariantCulture);
                count += addressCount;
                for (var i = 0; i < addressCount; i++)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(JoinHostPort(addresses[i]["ip"].S, port));
                }
            }
        }
        var ret = string.Join(",", list);
        return more ? ret + " + " + (count - max).ToString(CultureInfo.InvariantCulture) + " more..." : ret;
    }

    /// <summary>Go's <c>net.JoinHostPort</c>: IPv6 addresses are bracketed.</summary>
    private static string JoinHostPort(string host, string port) =>
        host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]:" + port : host + ":" + port;

    private static object?[] EndpointSlice(JsonView obj, PrintContext ctx)
    {
        const int max = 3;
        var ports = new List<string>(max);
        var morePorts = false;
        var portCount = 0;
        foreach (var port in Formats.Items(obj["ports"]))
        {
            if (ports.Count < max)
            {
                ports.Add(port["port"].Long is { } n ? Formats.Int(n) : port["name"].Str ?? "*");
            }
            else if (ports.Count == max)
            {
                morePorts = true;
            }
            portCount++;
        }

        var endpoints = new List<string>(max);
        var moreEndpoints = false;
        var endpointCount = 0;
        foreach (var endpoint in Formats.Items(obj["endpoints"]))
        {
            foreach (var address in Formats.Items(endpoint["addresses"]))
            {
                if (endpoints.Count < max)
                {
                    endpoints.Add(address.S);
                }
                else if (endpoints.Count == max)
                {
                    moreEndpoints = true;
                }
                endpointCount++;
            }
        }

        return
        [
            PrintContext.Name(obj),
            obj["addressType"].S,
            Formats.ListWithMore(ports, morePorts, portCount, max),
            Formats.ListWithMore(endpoints, moreEndpoints, endpointCount, max),
            ctx.Age(obj),
        ];
    }

    private static object?[] Ingress(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var tls = spec["tls"];
        return
        [
            PrintContext.Name(obj),
            spec["ingressClassName"].Str ?? Formats.None,
            Hosts(spec["rules"]),
            LoadBalancerAddresses(obj["status"]["loadBalancer"]),
            tls.IsArray && tls.Length > 0 ? "80, 443" : "80",
            ctx.Age(obj),
        ];
    }

    /// <summary>kube's <c>formatHosts</c>: up to three hosts, <c>*</c> when no rule names one.</summary>
    private static string Hosts(JsonView rules)
    {
        const int max = 3;
        var list = new List<string>(max);
        var more = false;
        var ruleCount = rules.IsArray ? rules.Length : 0;
        for (var i = 0; i < ruleCount; i++)
        {
            if (list.Count == max)
            {
                more = true;
            }
            var host = rules[i]["host"].S;
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

    private static object?[] IngressClass(JsonView obj, PrintContext ctx)
    {
        var spec = obj["spec"];
        var parameters = Formats.None;
        var p = spec["parameters"];
        if (p.IsObject)
        {
            parameters = p["kind"].S;
            if (p["apiGroup"].Str is { } group)
            {
                parameters += "." + group;
            }
            parameters += "/" + p["name"].S;
        }
        return [PrintContext.Name(obj), spec["controller"].S, parameters, ctx.Age(obj)];
    }

    // An absent podSelector prints like the empty one: <none>.
    private static object?[] NetworkPolicy(JsonView obj, PrintContext ctx) =>
        [PrintContext.Name(obj), Formats.FormatLabelSelector(obj["spec"]["podSelector"]), ctx.Age(obj)];
}
