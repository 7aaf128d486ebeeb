using System.Net.Sockets;
using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Services;

/// <summary>
/// Services (core/v1): SetDefaults_Service; on create and update the clusterIP/clusterIPs and
/// IP-family normalization of kube's service registry (values already allocated are carried over on
/// update, as patchAllocatedValues does); ValidateService and ValidateServiceUpdate. Allocating cluster
/// IPs and node ports is the REST layer's job and happens between PrepareForCreate and validation.
/// </summary>
public sealed class ServiceStrategy : KindStrategy
{
    public static readonly ServiceStrategy Instance = new();

    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    private ServiceStrategy()
        : base(typeof(V1Service))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        spec.Default("sessionAffinity", "None");
        if (spec.S("sessionAffinity") == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        if (spec.S("sessionAffinity") == "ClientIP" && spec.Obj("sessionAffinityConfig").Obj("clientIP")?.Int("timeoutSeconds") is null)
        {
            spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = 10800 } };
        }
        spec.Default("type", "ClusterIP");
        var ports = spec.Arr("ports");
        for (var i = 0; i < ports.Count(); i++)
        {
            if (ports.At(i) is not { } p)
            {
                continue;
            }
            p.Default("protocol", "TCP");
            var target = p["targetPort"];
            if (target is null || JsonAccess.AsLong(target) == 0 || JsonAccess.AsString(target) == "")
            {
                if (p.Int("port") is { } port)
                {
                    p["targetPort"] = port;
                }
            }
        }
        if (ExternallyAccessible(spec))
        {
            spec.Default("externalTrafficPolicy", "Cluster");
        }
        if (spec.S("type") is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            spec.DefaultPtr("internalTrafficPolicy", "Cluster");
        }
        if (spec.S("type") == "LoadBalancer")
        {
            spec.DefaultPtr("allocateLoadBalancerNodePorts", true);
            var ingress = obj.Obj("status").Obj("loadBalancer").Arr("ingress");
            for (var i = 0; i < ingress.Count(); i++)
            {
                if (ingress.At(i) is { } ing && ing.S("ip").Length > 0)
                {
                    ing.DefaultPtr("ipMode", "VIP");
                }
            }
        }
    }

    /// <summary>Externally reachable: NodePort, LoadBalancer, or ClusterIP with external IPs.</summary>
    private static bool ExternallyAccessible(JsonObject? spec) =>
        spec.S("type") is "LoadBalancer" or "NodePort" || (spec.S("type") == "ClusterIP" && spec.Arr("externalIPs").Count() > 0);

    private static bool NeedsClusterIp(JsonObject? spec) => spec.S("type") != "ExternalName";

    private static bool NeedsNodePort(JsonObject? spec) =>
        spec.S("type") == "NodePort" || (spec.S("type") == "LoadBalancer" && spec.Bool("allocateLoadBalancerNodePorts") != false);

    private static bool NeedsHealthCheck(JsonObject? spec) => spec.S("type") == "LoadBalancer" && spec.S("externalTrafficPolicy") == "Local";

    private static bool IsHeadless(JsonObject? spec)
    {
        var ips = spec.Arr("clusterIPs");
        return ips.Count() == 1 && JsonAccess.AsString(ips![0]) == "None";
    }

    protected override void BeforeCreate(JsonObject obj)
    {
        ClearStatus(obj);
        var spec = obj.Ensure("spec");
        // An old client sets only clusterIP: mirror it into clusterIPs.
        if (spec.S("clusterIP").Length > 0 && spec.Arr("clusterIPs").Count() == 0)
        {
            spec["clusterIPs"] = new JsonArray(spec.S("clusterIP"));
        }
        InitIpFamilies(spec);
    }

    // What the service allocator settles before allocation, for a single-stack IPv4 cluster.
    private static void InitIpFamilies(JsonObject spec)
    {
        if (!NeedsClusterIp(spec))
        {
            return;
        }
        var headlessWithoutSelector = spec.S("clusterIP") == "None" && spec.Obj("selector") is not { Count: > 0 };
        if (headlessWithoutSelector)
        {
            // Headless services without selectors have no IPs and default to both families.
            spec.DefaultPtr("ipFamilyPolicy", "RequireDualStack");
            if (spec.Arr("ipFamilies").Count() == 0)
            {
                spec["ipFamilies"] = new JsonArray("IPv4", "IPv6");
            }
            return;
        }
        spec.DefaultPtr("ipFamilyPolicy", "SingleStack");
        if (spec.Arr("ipFamilies").Count() == 0)
        {
            var families = new JsonArray();
            var ips = spec.Arr("clusterIPs").Strings();
            foreach (var ip in ips)
            {
                if (ip != "None" && NameRules.ParseIp(ip) is { } parsed)
                {
                    families.Add(parsed.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4");
                }
            }
            if (families.Count == 0)
            {
                families.Add("IPv4");
            }
            spec["ipFamilies"] = families;
        }
    }

    protected override void BeforeUpdate(JsonObject obj, JsonObject old)
    {
        var spec = obj.Ensure("spec");
        var oldSpec = old.Obj("spec") ?? new JsonObject();
        DropTypeDependentFields(spec, oldSpec);
        NormalizeClusterIps(spec, oldSpec);
        PatchAllocatedValues(spec, oldSpec);
        if (NeedsClusterIp(spec) && NeedsClusterIp(oldSpec))
        {
            spec.DefaultPtr("ipFamilyPolicy", oldSpec["ipFamilyPolicy"]?.DeepClone() ?? "SingleStack");
            if (spec.Arr("ipFamilies").Count() == 0 && oldSpec.Arr("ipFamilies").Count() > 0)
            {
                spec["ipFamilies"] = oldSpec["ipFamilies"]!.DeepClone();
            }
        }
        InitIpFamilies(spec);
    }

    // NormalizeClusterIPs for updates: keep clusterIPs in step with what an old client did to clusterIP.
    private static void NormalizeClusterIps(JsonObject spec, JsonObject oldSpec)
    {
        var oldIp = oldSpec.S("clusterIP");
        var newIp = spec.S("clusterIP");
        var oldIps = oldSpec.Arr("clusterIPs");
        var newIps = spec.Arr("clusterIPs");
        if (oldIp.Length > 0 && newIp.Length == 0 && JsonAccess.SemanticEquals(oldIps, newIps))
        {
            spec["clusterIP"] = oldIp;
            newIp = oldIp;
        }
        if (oldIp != newIp)
        {
            if (oldIp.Length > 0 && newIp.Length == 0)
            {
                spec.Remove("clusterIPs");
                return;
            }
            if (JsonAccess.SemanticEquals(oldIps, newIps) && newIps.Count() > 0)
            {
                newIps![0] = newIp;
            }
        }
        if (oldIps.Count() > 0 && newIps.Count() == 0 && oldIp == spec.S("clusterIP"))
        {
            spec["clusterIPs"] = oldIps!.DeepClone();
        }
        if (spec.S("clusterIP").Length > 0 && spec.Arr("clusterIPs").Count() == 0)
        {
            spec["clusterIPs"] = new JsonArray(spec.S("clusterIP"));
        }
    }

    // patchAllocatedValues: a client that omits allocated values (kubectl apply, replace) keeps them.
    private static void PatchAllocatedValues(JsonObject spec, JsonObject oldSpec)
    {
        if (NeedsClusterIp(oldSpec) && NeedsClusterIp(spec))
        {
            if (spec.S("clusterIP").Length == 0 && oldSpec.Str("clusterIP") is { Length: > 0 } ip)
            {
                spec["clusterIP"] = ip;
            }
            if (spec.Arr("clusterIPs").Count() == 0 && oldSpec.Arr("clusterIPs").Count() > 0)
            {
                spec["clusterIPs"] = oldSpec["clusterIPs"]!.DeepClone();
            }
        }
        if (NeedsNodePort(oldSpec) && NeedsNodePort(spec))
        {
            var oldPorts = oldSpec.Arr("ports");
            var newPorts = spec.Arr("ports");
            var usedOld = new HashSet<long>();
            var usedNew = new HashSet<long>();
            var byName = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < oldPorts.Count(); i++)
            {
                var np = oldPorts.At(i).Int("nodePort") ?? 0;
                usedOld.Add(np);
                byName[oldPorts.At(i).S("name")] = np;
            }
            for (var i = 0; i < newPorts.Count(); i++)
            {
                usedNew.Add(newPorts.At(i).Int("nodePort") ?? 0);
            }
            usedOld.IntersectWith(usedNew);
            for (var i = 0; i < newPorts.Count(); i++)
            {
                var p = newPorts.At(i);
                if (p is not null && (p.Int("nodePort") ?? 0) == 0 && byName.TryGetValue(p.S("name"), out var oldValue)
                    && oldValue != 0 && !usedOld.Contains(oldValue))
                {
                    p["nodePort"] = oldValue;
                }
            }
        }
        if (NeedsHealthCheck(oldSpec) && NeedsHealthCheck(spec) && (spec.Int("healthCheckNodePort") ?? 0) == 0
            && oldSpec.Int("healthCheckNodePort") is { } hc)
        {
            spec["healthCheckNodePort"] = hc;
        }
    }

    // dropTypeDependentFields: switching type drops values that no longer apply, unless the user changed them.
    private static void DropTypeDependentFields(JsonObject spec, JsonObject oldSpec)
    {
        if (NeedsClusterIp(oldSpec) && !NeedsClusterIp(spec))
        {
            if (oldSpec.S("clusterIP") == spec.S("clusterIP") && JsonAccess.SemanticEquals(oldSpec["clusterIPs"], spec["clusterIPs"]))
            {
                spec.Remove("clusterIP");
                spec.Remove("clusterIPs");
            }
            if (JsonAccess.SemanticEquals(oldSpec["ipFamilies"], spec["ipFamilies"]))
            {
                spec.Remove("ipFamilies");
            }
            if (oldSpec.Str("ipFamilyPolicy") == spec.Str("ipFamilyPolicy"))
            {
                spec.Remove("ipFamilyPolicy");
            }
        }
        if (NeedsNodePort(oldSpec) && !NeedsNodePort(spec))
        {
            var oldPorts = oldSpec.Arr("ports");
            var newPorts = spec.Arr("ports");
            var same = oldPorts.Count() == newPorts.Count();
            for (var i = 0; same && i < newPorts.Count(); i++)
            {
                same = (oldPorts.At(i).Int("nodePort") ?? 0) == (newPorts.At(i).Int("nodePort") ?? 0);
            }
            if (same)
            {
                for (var i = 0; i < newPorts.Count(); i++)
                {
                    newPorts.At(i)?.Remove("nodePort");
                }
            }
        }
        if (NeedsHealthCheck(oldSpec) && !NeedsHealthCheck(spec) && oldSpec.Int("healthCheckNodePort") == spec.Int("healthCheckNodePort"))
        {
            spec.Remove("healthCheckNodePort");
        }
        if (oldSpec.S("type") == "LoadBalancer" && spec.S("type") != "LoadBalancer")
        {
            if (spec.Bool("allocateLoadBalancerNodePorts") is { } a && oldSpec.Bool("allocateLoadBalancerNodePorts") == a)
            {
                spec.Remove("allocateLoadBalancerNodePorts");
            }
            if (spec.Str("loadBalancerClass") is { } c && oldSpec.Str("loadBalancerClass") == c)
            {
                spec.Remove("loadBalancerClass");
            }
        }
        if (ExternallyAccessible(oldSpec) && !ExternallyAccessible(spec) && spec.S("externalTrafficPolicy") == oldSpec.S("externalTrafficPolicy"))
        {
            spec.Remove("externalTrafficPolicy");
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs) => ValidateService(obj, errs);

    /// <summary>ValidateServiceUpdate: cluster IPs and families may be added or released but not changed.</summary>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var oldSpec = old.Obj("spec");
        var ipsPath = FieldPath.New("spec", "clusterIPs");
        var famPath = FieldPath.New("spec", "ipFamilies");
        if (spec.S("type") != "ExternalName" && oldSpec.S("type") != "ExternalName")
        {
            var newIps = spec.Arr("clusterIPs").Strings();
            var oldIps = oldSpec.Arr("clusterIPs").Strings();
            if (!(IsHeadless(spec) && IsHeadless(oldSpec)))
            {
                var rendered = GoValues.StringList(newIps);
                if (oldIps.Count == newIps.Count)
                {
                    for (var i = 0; i < oldIps.Count; i++)
                    {
                        if (oldIps[i] != newIps[i])
                        {
                            errs.Add(FieldError.Invalid(ipsPath.Index(i), rendered, "may not change once set"));
                        }
                    }
                }
                else if (oldIps.Count > newIps.Count)
                {
                    if (newIps.Count == 0)
                    {
                        errs.Add(FieldError.Invalid(ipsPath.Index(0), rendered, "primary clusterIP can not be unset"));
                    }
                    if (oldIps.Count > 0 && newIps.Count > 0 && newIps[0] != oldIps[0])
                    {
                        errs.Add(FieldError.Invalid(ipsPath.Index(0), rendered, "may not change once set"));
                    }
                    if (newIps.Count == 1 && spec.Str("ipFamilyPolicy") != "SingleStack")
                    {
                        errs.Add(FieldError.Invalid(FieldPath.New("spec", "ipFamilyPolicy"), spec.Str("ipFamilyPolicy"),
                            "must be set to 'SingleStack' when releasing the secondary clusterIP"));
                    }
                }
                else if (oldIps.Count > 0 && newIps[0] != oldIps[0])
                {
                    errs.Add(FieldError.Invalid(ipsPath.Index(0), rendered, "may not change once set"));
                }
            }
            if (IsHeadless(spec) == IsHeadless(oldSpec) && !IsHeadless(spec))
            {
                var newFam = spec.Arr("ipFamilies").Strings();
                var oldFam = oldSpec.Arr("ipFamilies").Strings();
                var renderedFam = GoValues.StringList(newFam);
                if (oldFam.Count == newFam.Count)
                {
                    for (var i = 0; i < oldFam.Count; i++)
                    {
                        if (oldFam[i] != newFam[i])
                        {
                            errs.Add(FieldError.Invalid(famPath.Index(0), renderedFam, "may not change once set"));
                        }
                    }
                }
                else if (oldFam.Count > newFam.Count)
                {
                    if (newIps.Count == 0)
                    {
                        errs.Add(FieldError.Invalid(famPath.Index(0), renderedFam, "primary ipFamily can not be unset"));
                    }
                    if (newFam.Count > 0 && newFam[0] != oldFam[0])
                    {
                        errs.Add(FieldError.Invalid(famPath.Index(0), GoValues.StringList(newIps), "may not change once set"));
                    }
                    if (newFam.Count == 1 && spec.Str("ipFamilyPolicy") != "SingleStack")
                    {
                        errs.Add(FieldError.Invalid(FieldPath.New("spec", "ipFamilyPolicy"), spec.Str("ipFamilyPolicy"),
                            "must be set to 'SingleStack' when releasing the secondary ipFamily"));
                    }
                }
                else if (oldFam.Count > 0 && newFam.Count > 0 && newFam[0] != oldFam[0])
                {
                    errs.Add(FieldError.Invalid(famPath.Index(0), GoValues.StringList(newIps), "may not change once set"));
                }
            }
        }
        if (oldSpec.S("type") == "LoadBalancer" && spec.S("type") == "LoadBalancer" && oldSpec.Str("loadBalancerClass") != spec.Str("loadBalancerClass"))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("spec", "loadBalancerClass"), spec.Str("loadBalancerClass"), "may not change once set"));
        }
        if (NeedsHealthCheck(oldSpec) && NeedsHealthCheck(spec) && spec.Int("healthCheckNodePort") != oldSpec.Int("healthCheckNodePort"))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec", "healthCheckNodePort"), "field is immutable"));
        }
        ValidateService(obj, errs, updating: true);
    }

    private static void ValidateService(JsonObject obj, List<FieldError> errs, bool updating = false)
    {
        var spec = obj.Obj("spec") ?? new JsonObject();
        var annotations = obj.Obj("metadata").Obj("annotations");
        var specPath = FieldPath.New("spec");
        var type = spec.S("type");
        const string HintsKey = "service.kubernetes.io/topology-aware-hints";
        const string ModeKey = "service.kubernetes.io/topology-mode";
        if (annotations?.Str(ModeKey) is { } mode && annotations.Str(HintsKey) is { } hints && mode != hints)
        {
            errs.Add(FieldError.Invalid(FieldPath.New("metadata", "annotations").Key(ModeKey), mode, $"must match annotations[{HintsKey}] when both are specified"));
        }
        var headless = IsHeadless(spec);
        var ports = spec.Arr("ports");
        if (ports.Count() == 0 && !headless && type != "ExternalName")
        {
            errs.Add(FieldError.Required(specPath.Child("ports")));
        }
        switch (type)
        {
            case "LoadBalancer" when headless:
                errs.Add(FieldError.Invalid(specPath.Child("clusterIPs").Index(0), "None", "may not be set to 'None' for LoadBalancer services"));
                break;
            case "NodePort" when headless:
                errs.Add(FieldError.Invalid(specPath.Child("clusterIPs").Index(0), "None", "may not be set to 'None' for NodePort services"));
                break;
            case "ExternalName":
                if (spec.Arr("clusterIPs").Count() > 0)
                {
                    errs.Add(FieldError.Forbidden(specPath.Child("clusterIPs"), "may not be set for ExternalName services"));
                }
                if (spec.Arr("ipFamilies").Count() > 0)
                {
                    errs.Add(FieldError.Forbidden(specPath.Child("ipFamilies"), "may not be set for ExternalName services"));
                }
                if (spec.Has("ipFamilyPolicy"))
                {
                    errs.Add(FieldError.Forbidden(specPath.Child("ipFamilyPolicy"), "may not be set for ExternalName services"));
                }
                var cname = spec.S("externalName");
                cname = cname.EndsWith('.') ? cname[..^1] : cname;
                if (cname.Length > 0)
                {
                    Check.Dns1123Subdomain(cname, specPath.Child("externalName"), errs);
                }
                else
                {
                    errs.Add(FieldError.Required(specPath.Child("externalName")));
                }
                break;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count(); i++)
        {
            ValidatePort(ports.At(i) ?? new JsonObject(), ports!.Count > 1, names, specPath.Child("ports").Index(i), errs);
        }
        if (spec.Obj("selector") is { } selector)
        {
            Check.Labels(selector, specPath.Child("selector"), errs);
        }
        var affinity = spec.S("sessionAffinity");
        if (affinity.Length == 0)
        {
            errs.Add(FieldError.Required(specPath.Child("sessionAffinity")));
        }
        else if (affinity is not ("ClientIP" or "None"))
        {
            errs.Add(FieldError.NotSupported(specPath.Child("sessionAffinity"), affinity, ["ClientIP", "None"]));
        }
        var cfgPath = specPath.Child("sessionAffinityConfig");
        if (affinity == "ClientIP")
        {
            var cfg = spec.Obj("sessionAffinityConfig");
            if (cfg is null)
            {
                errs.Add(FieldError.Required(cfgPath, "when session affinity type is ClientIP"));
            }
            else if (cfg.Obj("clientIP") is not { } clientIp)
            {
                errs.Add(FieldError.Required(cfgPath.Child("clientIP"), "when session affinity type is ClientIP"));
            }
            else if (clientIp.Int("timeoutSeconds") is not { } timeout)
            {
                errs.Add(FieldError.Required(cfgPath.Child("clientIP", "timeoutSeconds"), "when session affinity type is ClientIP"));
            }
            else if (timeout <= 0 || timeout > 86400)
            {
                errs.Add(FieldError.Invalid(cfgPath.Child("clientIP", "timeoutSeconds"), timeout, "must be greater than 0 and less than 86400"));
            }
        }
        else if (affinity == "None" && spec.Has("sessionAffinityConfig"))
        {
            errs.Add(FieldError.Forbidden(cfgPath, "must not be set when session affinity is None"));
        }
        ClusterIpsRelatedFields(spec, specPath, errs);
        var externalIps = spec.Arr("externalIPs").Strings();
        for (var i = 0; i < externalIps.Count; i++)
        {
            var p = specPath.Child("externalIPs").Index(i);
            if (NameRules.ParseIp(externalIps[i]) is null)
            {
                errs.Add(FieldError.Invalid(p, externalIps[i], NameRules.IpMessage));
            }
            else
            {
                NonSpecialIp(externalIps[i], p, errs);
            }
        }
        if (type.Length == 0)
        {
            errs.Add(FieldError.Required(specPath.Child("type")));
        }
        else if (Array.IndexOf(Types, type) < 0)
        {
            errs.Add(FieldError.NotSupported(specPath.Child("type"), type, Types));
        }
        if (type == "ClusterIP")
        {
            for (var i = 0; i < ports.Count(); i++)
            {
                if ((ports.At(i).Int("nodePort") ?? 0) != 0)
                {
                    errs.Add(FieldError.Forbidden(specPath.Child("ports").Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }
        var nodePorts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count(); i++)
        {
            var np = ports.At(i).Int("nodePort") ?? 0;
            if (np != 0 && !nodePorts.Add(ports.At(i).S("protocol") + "/" + np))
            {
                errs.Add(FieldError.Duplicate(specPath.Child("ports").Index(i).Child("nodePort"), np));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count(); i++)
        {
            var p = ports.At(i);
            var port = p.Int("port") ?? 0;
            var protocol = p.S("protocol");
            if (!seen.Add(protocol + "/" + port))
            {
                errs.Add(FieldError.Duplicate(specPath.Child("ports").Index(i), Check.GoStruct(
                    ("Name", ""), ("Protocol", protocol), ("AppProtocol", null), ("Port", port), ("TargetPort", 0), ("NodePort", 0))));
            }
        }
        var ranges = spec.Arr("loadBalancerSourceRanges").Strings();
        if (ranges.Count > 0)
        {
            var rp = specPath.Child("LoadBalancerSourceRanges");
            if (type != "LoadBalancer")
            {
                errs.Add(FieldError.Forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
            }
            for (var i = 0; i < ranges.Count; i++)
            {
                Check.Cidr(ranges[i].Trim(), rp.Index(i), errs);
            }
        }
        else if (annotations?.Str("service.beta.kubernetes.io/load-balancer-source-ranges") is { } rangesAnnotation)
        {
            var ap = FieldPath.New("metadata", "annotations").Key("service.beta.kubernetes.io/load-balancer-source-ranges");
            if (type != "LoadBalancer")
            {
                errs.Add(FieldError.Forbidden(ap, "may only be used when `type` is 'LoadBalancer'"));
            }
            var trimmed = rangesAnnotation.Trim();
            if (trimmed.Length > 0)
            {
                foreach (var cidr in trimmed.Split(','))
                {
                    Check.Cidr(cidr.Trim(), ap, errs);
                }
            }
        }
        if (spec.Has("allocateLoadBalancerNodePorts") && type != "LoadBalancer")
        {
            errs.Add(FieldError.Forbidden(specPath.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
        }
        if (type == "LoadBalancer" && !spec.Has("allocateLoadBalancerNodePorts"))
        {
            errs.Add(FieldError.Required(FieldPath.New("allocateLoadBalancerNodePorts")));
        }
        if (type == "LoadBalancer")
        {
            if (spec.Str("loadBalancerClass") is { } lbc)
            {
                Check.QualifiedName(lbc, specPath.Child("loadBalancerClass"), errs);
            }
        }
        else if (spec.Has("loadBalancerClass"))
        {
            errs.Add(FieldError.Forbidden(specPath.Child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
        }
        var etp = spec.S("externalTrafficPolicy");
        if (!ExternallyAccessible(spec))
        {
            if (etp.Length > 0)
            {
                errs.Add(FieldError.Invalid(specPath.Child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"));
            }
        }
        else if (etp.Length == 0)
        {
            errs.Add(FieldError.Required(specPath.Child("externalTrafficPolicy")));
        }
        else if (etp is not ("Cluster" or "Local"))
        {
            errs.Add(FieldError.NotSupported(specPath.Child("externalTrafficPolicy"), etp, ["Cluster", "Local"]));
        }
        var hcnp = spec.Int("healthCheckNodePort") ?? 0;
        if (!NeedsHealthCheck(spec))
        {
            if (hcnp != 0)
            {
                errs.Add(FieldError.Invalid(specPath.Child("healthCheckNodePort"), hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
            }
        }
        else if (hcnp == 0)
        {
            // The REST layer allocates it before validation; on update it is carried over.
            if (updating)
            {
                errs.Add(FieldError.Required(specPath.Child("healthCheckNodePort")));
            }
        }
        else if (!NameRules.IsValidPortNum(hcnp))
        {
            errs.Add(FieldError.Invalid(specPath.Child("healthCheckNodePort"), hcnp, NameRules.PortRangeError));
        }
        if (spec.Str("internalTrafficPolicy") is not { } itp)
        {
            if (type is "NodePort" or "LoadBalancer" or "ClusterIP")
            {
                errs.Add(FieldError.Required(specPath.Child("internalTrafficPolicy")));
            }
        }
        else if (itp is not ("Cluster" or "Local"))
        {
            errs.Add(FieldError.NotSupported(specPath.Child("internalTrafficPolicy"), itp, ["Cluster", "Local"]));
        }
        if (spec.Str("trafficDistribution") is { } td && td != "PreferClose")
        {
            errs.Add(FieldError.NotSupported(specPath.Child("trafficDistribution"), td, ["PreferClose"]));
        }
    }

    private static void ValidatePort(JsonObject sp, bool requireName, HashSet<string> names, FieldPath path, List<FieldError> errs)
    {
        var name = sp.S("name");
        if (requireName && name.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("name")));
        }
        else if (name.Length != 0)
        {
            Check.Dns1123Label(name, path.Child("name"), errs);
            if (!names.Add(name))
            {
                errs.Add(FieldError.Duplicate(path.Child("name"), name));
            }
        }
        var port = sp.Int("port") ?? 0;
        if (!NameRules.IsValidPortNum(port))
        {
            errs.Add(FieldError.Invalid(path.Child("port"), port, NameRules.PortRangeError));
        }
        var protocol = sp.S("protocol");
        if (protocol.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("protocol")));
        }
        else if (Array.IndexOf(Protocols, protocol) < 0)
        {
            errs.Add(FieldError.NotSupported(path.Child("protocol"), protocol, Protocols));
        }
        Check.PortNumOrName(sp["targetPort"], path.Child("targetPort"), errs);
        if (sp.Str("appProtocol") is { } ap)
        {
            Check.QualifiedName(ap, path.Child("appProtocol"), errs);
        }
    }

    // ValidateServiceClusterIPsRelatedFields.
    private static void ClusterIpsRelatedFields(JsonObject spec, FieldPath specPath, List<FieldError> errs)
    {
        if (spec.S("type") == "ExternalName")
        {
            return;
        }
        var ipsPath = specPath.Child("clusterIPs");
        var famPath = specPath.Child("ipFamilies");
        var clusterIp = spec.S("clusterIP");
        var ips = spec.Arr("clusterIPs").Strings();
        var rendered = GoValues.StringList(ips);
        if (clusterIp.Length != 0)
        {
            if (ips.Count == 0)
            {
                errs.Add(FieldError.Required(ipsPath));
            }
            else if (ips[0] != clusterIp)
            {
                errs.Add(FieldError.Invalid(ipsPath, rendered, "first value must match `clusterIP`"));
            }
        }
        else if (ips.Count != 0)
        {
            errs.Add(FieldError.Invalid(ipsPath, rendered, "must be empty when `clusterIP` is not specified"));
        }
        var families = spec.Arr("ipFamilies").Strings();
        var seenFamilies = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] is not ("IPv4" or "IPv6"))
            {
                errs.Add(FieldError.NotSupported(famPath.Index(i), families[i], ["IPv4", "IPv6"]));
            }
            if (!seenFamilies.Add(families[i]))
            {
                errs.Add(FieldError.Duplicate(famPath.Index(i), families[i]));
            }
        }
        if (spec.Str("ipFamilyPolicy") is { } policy && policy is not ("PreferDualStack" or "RequireDualStack" or "SingleStack"))
        {
            errs.Add(FieldError.NotSupported(specPath.Child("ipFamilyPolicy"), policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
        }
        var invalid = false;
        for (var i = 0; i < ips.Count; i++)
        {
            if (i == 0 && ips[i] == "None")
            {
                if (ips.Count > 1)
                {
                    invalid = true;
                    errs.Add(FieldError.Invalid(ipsPath, rendered, "'None' must be the first and only value"));
                }
                continue;
            }
            if (NameRules.ParseIp(ips[i]) is null)
            {
                invalid = true;
                errs.Add(FieldError.Invalid(ipsPath.Index(i), ips[i], NameRules.IpMessage));
            }
        }
        if (ips.Count > 2)
        {
            errs.Add(FieldError.Invalid(ipsPath, rendered, "may only hold up to 2 values"));
        }
        if (invalid)
        {
            return;
        }
        if (ips.Count > 1)
        {
            var v6 = ips.Count(ip => NameRules.ParseIp(ip)!.AddressFamily == AddressFamily.InterNetworkV6);
            if (v6 != 1 || ips.Count != 2)
            {
                errs.Add(FieldError.Invalid(ipsPath, rendered, "may specify no more than one IP for each IP family"));
            }
        }
        if (!IsHeadless(spec) && ips.Count > 0 && families.Count > 0)
        {
            for (var i = 0; i < ips.Count && i < families.Count; i++)
            {
                var isV6 = NameRules.ParseIp(ips[i])?.AddressFamily == AddressFamily.InterNetworkV6;
                if (families[i] == "IPv4" && isV6)
                {
                    errs.Add(FieldError.Invalid(ipsPath.Index(i), ips[i], $"expected an IPv4 value as indicated by `ipFamilies[{i}]`"));
                }
                if (families[i] == "IPv6" && !isV6)
                {
                    errs.Add(FieldError.Invalid(ipsPath.Index(i), ips[i], $"expected an IPv6 value as indicated by `ipFamilies[{i}]`"));
                }
            }
        }
    }

    /// <summary>ValidateNonSpecialIP: no unspecified, loopback or link-local addresses.</summary>
    public static void NonSpecialIp(string value, FieldPath path, List<FieldError> errs)
    {
        var ip = NameRules.ParseIp(value);
        if (ip is null)
        {
            errs.Add(FieldError.Invalid(path, value, "must be a valid IP address"));
            return;
        }
        var bytes = ip.GetAddressBytes();
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        if (ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any))
        {
            errs.Add(FieldError.Invalid(path, value, $"may not be unspecified ({value})"));
        }
        if (System.Net.IPAddress.IsLoopback(ip))
        {
            errs.Add(FieldError.Invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        if ((v4 && bytes[0] == 169 && bytes[1] == 254) || ip.IsIPv6LinkLocal)
        {
            errs.Add(FieldError.Invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        if ((v4 && bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) || (!v4 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02))
        {
            errs.Add(FieldError.Invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
    }
}
