using System.Net;
using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Json;
using Berth.Api.Validation;
using Berth.ApiServer.Registry;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// Allocates Service cluster IPs from the service CIDR and node ports from the node-port range, and
/// rejects requested ones that are taken, with kube-apiserver's messages. The in-use sets are read from
/// the watch cache under one lock, so two creates cannot get the same address.
/// </summary>
public sealed class ServiceAllocation : IAdmissionPlugin
{
    private readonly Func<RestStorage> _storage;
    private readonly uint _base;
    private readonly uint _size;
    private readonly (int First, int Last) _ports;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public ServiceAllocation(Func<RestStorage> storage, string cidr, (int First, int Last) nodePorts)
    {
        _storage = storage;
        var slash = cidr.IndexOf('/');
        var ip = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var bits = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _size = bits >= 32 ? 1u : 1u << (32 - bits);
        _base = ((uint)ip[0] << 24 | (uint)ip[1] << 16 | (uint)ip[2] << 8 | ip[3]) & ~(_size - 1);
        _ports = nodePorts;
        Cidr = cidr;
    }

    public string Cidr { get; }

    /// <summary>The first usable address (given to the kubernetes Service).</summary>
    public string FirstAddress => ToIp(_base + 1);

    public string Name => "ServiceAllocation";

    private static string ToIp(uint v) => $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";

    private bool InRange(string ip, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(ip, out var addr) || addr.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }
        var b = addr.GetAddressBytes();
        value = (uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3];
        return value > _base && value < _base + _size - 1;
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Resource.StorageResource != "services" || request.Object is null || request.Subresource.Length > 0
            || request.Operation == AdmissionRequest.Delete)
        {
            return;
        }
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Allocate(request);
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Allocate(AdmissionRequest request)
    {
        var spec = request.Object!["spec"] as JsonObject ?? new JsonObject();
        request.Object["spec"] = spec;
        var type = spec["type"]?.GetValue<string>() ?? "ClusterIP";
        var name = request.Name;
        var (usedIps, usedPorts) = InUse(request.Namespace, name);
        var errors = new List<FieldError>();
        var oldSpec = request.OldObject?["spec"] as JsonObject;
        if (type == "ExternalName")
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
        }
        else
        {
            var requested = spec["clusterIP"]?.GetValue<string>();
            var oldIp = oldSpec?["clusterIP"]?.GetValue<string>();
            if (string.IsNullOrEmpty(requested) && !string.IsNullOrEmpty(oldIp))
            {
                requested = oldIp;
            }
            if (string.IsNullOrEmpty(requested))
            {
                var ip = FreeIp(usedIps);
                if (ip is null)
                {
                    throw StatusException.Internal("failed to allocate a serviceIP: range is full");
                }
                spec["clusterIP"] = ip;
                spec["clusterIPs"] = new JsonArray(ip);
            }
            else if (requested != "None" && requested != oldIp)
            {
                if (!InRange(requested, out var v))
                {
                    errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested },
                        $"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {Cidr}"));
                }
                else if (usedIps.Contains(v))
                {
                    errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested },
                        $"failed to allocate IP {requested}: provided IP is already allocated"));
                }
                spec["clusterIPs"] = new JsonArray(requested);
            }
            else
            {
                spec["clusterIPs"] ??= new JsonArray(requested);
            }
        }
        if (type is "NodePort" or "LoadBalancer" && spec["ports"] is JsonArray ports)
        {
            var oldPorts = new Dictionary<(int, string), int>();
            if (oldSpec?["ports"] is JsonArray op)
            {
                foreach (var p in op)
                {
                    if (JsonNumbers.Int(p?["nodePort"]) is int n)
                    {
                        oldPorts[(JsonNumbers.Int(p!["port"]) ?? 0, p["protocol"]?.GetValue<string>() ?? "TCP")] = n;
                    }
                }
            }
            var mine = new HashSet<int>(oldPorts.Values);
            for (var i = 0; i < ports.Count; i++)
            {
                var p = ports[i] as JsonObject;
                if (p is null)
                {
                    continue;
                }
                var key = (JsonNumbers.Int(p["port"]) ?? 0, p["protocol"]?.GetValue<string>() ?? "TCP");
                if (JsonNumbers.Int(p["nodePort"]) is int requested && requested != 0)
                {
                    if (mine.Contains(requested))
                    {
                        continue;
                    }
                    if (requested < _ports.First || requested > _ports.Last)
                    {
                        errors.Add(FieldError.Invalid($"spec.ports[{i}].nodePort", requested,
                            $"provided port is not in the valid range. The range of valid ports is {_ports.First}-{_ports.Last}"));
                    }
                    else if (usedPorts.Contains(requested))
                    {
                        errors.Add(FieldError.Invalid($"spec.ports[{i}].nodePort", requested, "provided port is already allocated"));
                    }
                    usedPorts.Add(requested);
                    continue;
                }
                if (oldPorts.TryGetValue(key, out var kept))
                {
                    p["nodePort"] = kept;
                    continue;
                }
                var port = FreePort(usedPorts);
                if (port == 0)
                {
                    throw StatusException.Internal("failed to allocate a nodePort: range is full");
                }
                usedPorts.Add(port);
                p["nodePort"] = port;
            }
        }
        else if (spec["ports"] is JsonArray plain)
        {
            foreach (var p in plain)
            {
                (p as JsonObject)?.Remove("nodePort");
            }
        }
        if (errors.Count > 0)
        {
            throw StatusException.Invalid("Service", "", name, errors);
        }
    }

    private (HashSet<uint> Ips, HashSet<int> Ports) InUse(string ns, string name)
    {
        var s = _storage();
        var info = s.Kinds.Find("", "v1", "services")!;
        var ips = new HashSet<uint>();
        var ports = new HashSet<int>();
        foreach (var o in s.Cache.Resource(ObjectCodec.Prefix(info)).List())
        {
            if (o.Namespace == ns && o.Name == name)
            {
                continue;
            }
            var svc = KubeJson.Deserialize<V1Service>(o.Json);
            foreach (var ip in svc.Spec?.ClusterIPs ?? (svc.Spec?.ClusterIP is { } c ? [c] : []))
            {
                if (InRange(ip, out var v))
                {
                    ips.Add(v);
                }
            }
            foreach (var p in svc.Spec?.Ports ?? [])
            {
                if (p.NodePort is int n)
                {
                    ports.Add(n);
                }
            }
        }
        return (ips, ports);
    }

    private string? FreeIp(HashSet<uint> used)
    {
        // Random start, like kube's allocator, so deleted-and-recreated services rarely reuse an address.
        var count = _size - 2;
        if (count == 0)
        {
            return null;
        }
        var start = (uint)Random.Shared.NextInt64(0, count);
        for (uint i = 0; i < count; i++)
        {
            var v = _base + 1 + ((start + i) % count);
            // .1 is reserved for the kubernetes Service.
            if (v != _base + 1 && !used.Contains(v))
            {
                return ToIp(v);
            }
        }
        return null;
    }

    private int FreePort(HashSet<int> used)
    {
        var count = _ports.Last - _ports.First + 1;
        var start = Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var p = _ports.First + ((start + i) % count);
            if (!used.Contains(p))
            {
                return p;
            }
        }
        return 0;
    }
}
