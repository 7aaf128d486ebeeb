using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Pods;

/// <summary>
/// core/validation's ValidatePodSpec, ValidatePodTemplateSpec and the container, probe, port, env,
/// resource, security context, affinity, toleration and DNS rules, on JSON, in kube's order.
/// </summary>
internal static class PodValidation
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] TerminationMessagePolicies = ["File", "FallbackToLogsOnError"];
    private static readonly string[] Schemes = ["HTTP", "HTTPS"];

    private static readonly HashSet<string> EnvFieldPaths = new(StringComparer.Ordinal)
    {
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    };

    // Field labels the downward API converter knows (ConvertDownwardAPIFieldLabel).
    private static readonly HashSet<string> ConvertibleFieldPaths = new(StringComparer.Ordinal)
    {
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    };

    private static readonly string[] ContainerResourceFields =
        ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

    /// <summary>ValidatePodTemplateSpec (the template of a workload; its spec need not be a runnable Pod).</summary>
    public static void TemplateSpec(JsonObject? template, FieldPath path, List<FieldError> errs)
    {
        var meta = template.Obj("metadata");
        Check.Labels(meta.Obj("labels"), path.Child("labels"), errs);
        Check.Annotations(meta.Obj("annotations"), path.Child("annotations"), errs);
        PodSpecificAnnotations(meta.Obj("annotations"), template.Obj("spec"), path.Child("annotations"), errs);
        PodSpec(template.Obj("spec"), null, path.Child("spec"), resourceIsPod: false, errs);
        if (template.Obj("spec").Arr("ephemeralContainers").Count() > 0)
        {
            errs.Add(FieldError.Forbidden(path.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
        }
    }

    /// <summary>ValidatePodSpecificAnnotations: mirror pods need a node; the deletion cost is an int32.</summary>
    public static void PodSpecificAnnotations(JsonObject? annotations, JsonObject? spec, FieldPath path, List<FieldError> errs)
    {
        if (annotations is null)
        {
            return;
        }
        if (annotations.Str("kubernetes.io/config.mirror") is { } mirror && spec.S("nodeName").Length == 0)
        {
            errs.Add(FieldError.Invalid(path.Key("kubernetes.io/config.mirror"), mirror, "must set spec.nodeName if mirror pod annotation is set"));
        }
        if (annotations.Str("controller.kubernetes.io/pod-deletion-cost") is { } cost
            && !int.TryParse(cost, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            errs.Add(FieldError.Invalid(path.Key("controller.kubernetes.io/pod-deletion-cost"), cost, "must be a 32bit integer"));
        }
    }

    /// <summary>ValidatePodSpec.</summary>
    public static void PodSpec(JsonObject? spec, string? podName, FieldPath path, bool resourceIsPod, List<FieldError> errs)
    {
        spec ??= new JsonObject();
        if (!spec.Has("terminationGracePeriodSeconds"))
        {
            errs.Add(FieldError.Required(path.Child("terminationGracePeriodSeconds")));
        }
        var gracePeriod = spec.Int("terminationGracePeriodSeconds");
        var hostUsers = spec.Obj("securityContext").Bool("hostUsers") ?? true;
        var restartPolicy = spec.S("restartPolicy");

        var volumes = VolumeValidation.Validate(spec.Arr("volumes"), podName, path.Child("volumes"), errs);
        var claimNames = new HashSet<string>(StringComparer.Ordinal);
        var claims = spec.Arr("resourceClaims");
        for (var i = 0; i < claims.Count(); i++)
        {
            var c = claims.At(i);
            var cp = path.Child("resourceClaims").Index(i);
            var name = c.S("name");
            if (name.Length == 0)
            {
                errs.Add(FieldError.Required(cp.Child("name")));
            }
            else if (!claimNames.Add(name))
            {
                errs.Add(FieldError.Duplicate(cp.Child("name"), name));
            }
            else
            {
                Check.Dns1123Label(name, cp.Child("name"), errs);
            }
        }
        Containers(spec.Arr("containers"), volumes, claimNames, gracePeriod, path.Child("containers"), restartPolicy, hostUsers, errs);
        InitContainers(spec.Arr("initContainers"), spec.Arr("containers"), volumes, claimNames, gracePeriod, path.Child("initContainers"), restartPolicy, hostUsers, errs);
        HostNetworkDeps(spec, path, resourceIsPod, errs);

        if (restartPolicy.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("restartPolicy")));
        }
        else if (Array.IndexOf(RestartPolicies, restartPolicy) < 0)
        {
            errs.Add(FieldError.NotSupported(path.Child("restartPolicy"), restartPolicy, RestartPolicies));
        }
        var dnsPolicy = spec.S("dnsPolicy");
        if (dnsPolicy.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("dnsPolicy")));
        }
        else if (Array.IndexOf(DnsPolicies, dnsPolicy) < 0)
        {
            errs.Add(FieldError.NotSupported(path.Child("dnsPolicy"), dnsPolicy, DnsPolicies));
        }
        Check.Labels(spec.Obj("nodeSelector"), path.Child("nodeSelector"), errs);
        PodSecurityContext(spec, path, errs);
        var pullSecrets = spec.Arr("imagePullSecrets");
        for (var i = 0; i < pullSecrets.Count(); i++)
        {
            if (pullSecrets.At(i) is { } ps && ps.Any(kv => kv.Key != "name"))
            {
                errs.Add(FieldError.Invalid(path.Child("imagePullSecrets").Index(i), Check.Json(ps), "only name may be set"));
            }
        }
        Affinity(spec.Obj("affinity"), path.Child("affinity"), errs);
        DnsConfig(spec.Obj("dnsConfig"), dnsPolicy, path.Child("dnsConfig"), errs);
        var gates = spec.Arr("readinessGates");
        for (var i = 0; i < gates.Count(); i++)
        {
            Check.QualifiedName(gates.At(i).S("conditionType"), path.Child("readinessGates").Index(i).Child("conditionType"), errs);
        }
        var schedulingGates = spec.Arr("schedulingGates");
        var seenGates = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schedulingGates.Count(); i++)
        {
            var g = schedulingGates.At(i).S("name");
            Check.QualifiedName(g, path.Child("schedulingGates").Index(i), errs);
            if (!seenGates.Add(g))
            {
                errs.Add(FieldError.Duplicate(path.Child("schedulingGates").Index(i), g));
            }
        }
        TopologySpread(spec.Arr("topologySpreadConstraints"), path.Child("topologySpreadConstraints"), errs);
        if (!hostUsers)
        {
            if (spec.Bool("hostNetwork") == true)
            {
                errs.Add(FieldError.Forbidden(path.Child("hostNetwork"), "when `pod.Spec.HostUsers` is false"));
            }
            if (spec.Bool("hostPID") == true)
            {
                errs.Add(FieldError.Forbidden(path.Child("HostPID"), "when `pod.Spec.HostUsers` is false"));
            }
            if (spec.Bool("hostIPC") == true)
            {
                errs.Add(FieldError.Forbidden(path.Child("HostIPC"), "when `pod.Spec.HostUsers` is false"));
            }
        }
        var sa = spec.S("serviceAccountName");
        if (sa.Length > 0)
        {
            Check.Dns1123Subdomain(sa, path.Child("serviceAccountName"), errs);
        }
        var nodeName = spec.S("nodeName");
        if (nodeName.Length > 0)
        {
            Check.Dns1123Subdomain(nodeName, path.Child("nodeName"), errs);
        }
        if (spec.Int("activeDeadlineSeconds") is { } ads && (ads < 1 || ads > int.MaxValue))
        {
            errs.Add(FieldError.Invalid(path.Child("activeDeadlineSeconds"), ads, NameRules.InclusiveRangeError(1, int.MaxValue)));
        }
        if (spec.S("hostname").Length > 0)
        {
            Check.Dns1123Label(spec.S("hostname"), path.Child("hostname"), errs);
        }
        if (spec.S("subdomain").Length > 0)
        {
            Check.Dns1123Label(spec.S("subdomain"), path.Child("subdomain"), errs);
        }
        Tolerations(spec.Arr("tolerations"), path.Child("tolerations"), errs);
        var aliases = spec.Arr("hostAliases");
        for (var i = 0; i < aliases.Count(); i++)
        {
            var a = aliases.At(i);
            Check.Ip(a.S("ip"), path.Child("hostAliases").Index(i).Child("ip"), errs);
            var hostnames = a.Arr("hostnames").Strings();
            for (var j = 0; j < hostnames.Count; j++)
            {
                Check.Dns1123Subdomain(hostnames[j], path.Child("hostAliases").Index(i).Child("hostnames").Index(j), errs);
            }
        }
        if (spec.S("priorityClassName").Length > 0)
        {
            Check.Dns1123Subdomain(spec.S("priorityClassName"), path.Child("priorityClassName"), errs);
        }
        if (spec.Str("runtimeClassName") is { } rc)
        {
            Check.Dns1123Subdomain(rc, path.Child("runtimeClassName"), errs);
        }
        if (spec.Str("preemptionPolicy") is { } pp)
        {
            PreemptionPolicy(pp, path.Child("preemptionPolicy"), errs);
        }
        if (spec.Obj("overhead") is { } overhead)
        {
            Resources(new JsonObject { ["limits"] = overhead.DeepClone() }, claimNames, path.Child("overhead"), errs);
        }
        if (spec.Obj("os") is { } os)
        {
            var osName = os.S("name");
            if (osName.Length == 0)
            {
                errs.Add(FieldError.Required(path.Child("os", "name"), "cannot be empty"));
            }
            else if (osName is not ("linux" or "windows"))
            {
                errs.Add(FieldError.NotSupported(path.Child("os"), osName, ["linux", "windows"]));
            }
            else if (osName == "linux")
            {
                if (spec.Obj("securityContext").Has("windowsOptions"))
                {
                    errs.Add(FieldError.Forbidden(path.Child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"));
                }
                VisitContainers(spec, path, (c, cp) =>
                {
                    if (c.Obj("securityContext").Has("windowsOptions"))
                    {
                        errs.Add(FieldError.Forbidden(cp.Child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"));
                    }
                });
            }
        }
    }

    /// <summary>PreemptionPolicy values, shared with PriorityClass.</summary>
    public static void PreemptionPolicy(string value, FieldPath path, List<FieldError> errs)
    {
        if (value.Length == 0)
        {
            errs.Add(FieldError.Required(path));
        }
        else if (value is not ("PreemptLowerPriority" or "Never"))
        {
            errs.Add(FieldError.NotSupported(path, value, ["PreemptLowerPriority", "Never"]));
        }
    }

    private static void VisitContainers(JsonObject spec, FieldPath path, Action<JsonObject, FieldPath> visit)
    {
        foreach (var list in (ReadOnlySpan<string>)["initContainers", "containers", "ephemeralContainers"])
        {
            var a = spec.Arr(list);
            for (var i = 0; i < a.Count(); i++)
            {
                if (a.At(i) is { } c)
                {
                    visit(c, path.Child(list).Index(i));
                }
            }
        }
    }

    private static void Containers(JsonArray? containers, Dictionary<string, JsonObject> volumes, HashSet<string> claimNames,
        long? gracePeriod, FieldPath path, string restartPolicy, bool hostUsers, List<FieldError> errs)
    {
        if (containers.Count() == 0)
        {
            errs.Add(FieldError.Required(path));
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers!.Count; i++)
        {
            var c = containers.At(i) ?? new JsonObject();
            var p = path.Index(i);
            ContainerCommon(c, volumes, claimNames, p, restartPolicy, hostUsers, errs);
            if (!names.Add(c.S("name")))
            {
                errs.Add(FieldError.Duplicate(p.Child("name"), c.S("name")));
            }
            if (c.Obj("lifecycle") is { } lc)
            {
                Lifecycle(lc, gracePeriod, p.Child("lifecycle"), errs);
            }
            Probe(c.Obj("livenessProbe"), gracePeriod, p.Child("livenessProbe"), ProbeKind.Liveness, errs);
            Probe(c.Obj("readinessProbe"), gracePeriod, p.Child("readinessProbe"), ProbeKind.Readiness, errs);
            Probe(c.Obj("startupProbe"), gracePeriod, p.Child("startupProbe"), ProbeKind.Startup, errs);
            if (c.Has("restartPolicy"))
            {
                errs.Add(FieldError.Forbidden(p.Child("restartPolicy"), "may not be set for non-init containers"));
            }
        }
        HostPortConflicts(containers, path, errs);
    }

    private static void InitContainers(JsonArray? inits, JsonArray? regular, Dictionary<string, JsonObject> volumes, HashSet<string> claimNames,
        long? gracePeriod, FieldPath path, string restartPolicy, bool hostUsers, List<FieldError> errs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < regular.Count(); i++)
        {
            names.Add(regular.At(i).S("name"));
        }
        for (var i = 0; i < inits.Count(); i++)
        {
            var c = inits.At(i) ?? new JsonObject();
            var p = path.Index(i);
            ContainerCommon(c, volumes, claimNames, p, restartPolicy, hostUsers, errs);
            var restartAlways = false;
            if (c.Str("restartPolicy") is { } rp)
            {
                if (rp != "Always")
                {
                    errs.Add(FieldError.NotSupported(p.Child("restartPolicy"), rp, ["Always"]));
                }
                restartAlways = rp == "Always";
            }
            var name = c.S("name");
            if (names.Contains(name))
            {
                errs.Add(FieldError.Duplicate(p.Child("name"), name));
            }
            else if (name.Length > 0)
            {
                names.Add(name);
            }
            HostPortConflicts(new JsonArray(c.DeepClone()), path, errs);
            if (restartAlways)
            {
                if (c.Obj("lifecycle") is { } lc)
                {
                    Lifecycle(lc, gracePeriod, p.Child("lifecycle"), errs);
                }
                Probe(c.Obj("livenessProbe"), gracePeriod, p.Child("livenessProbe"), ProbeKind.Liveness, errs);
                Probe(c.Obj("readinessProbe"), gracePeriod, p.Child("readinessProbe"), ProbeKind.Readiness, errs);
                Probe(c.Obj("startupProbe"), gracePeriod, p.Child("startupProbe"), ProbeKind.Startup, errs);
            }
            else
            {
                foreach (var f in (ReadOnlySpan<string>)["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"])
                {
                    if (c.Has(f))
                    {
                        errs.Add(FieldError.Forbidden(p.Child(f), "may not be set for init containers without restartPolicy=Always"));
                    }
                }
            }
        }
    }

    private static void ContainerCommon(JsonObject c, Dictionary<string, JsonObject> volumes, HashSet<string> claimNames, FieldPath p,
        string podRestartPolicy, bool hostUsers, List<FieldError> errs)
    {
        var name = c.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(p.Child("name")));
        }
        else
        {
            Check.Dns1123Label(name, p.Child("name"), errs);
        }
        if (c.S("image").Length == 0)
        {
            errs.Add(FieldError.Required(p.Child("image")));
        }
        var tmp = c.S("terminationMessagePolicy");
        if (tmp.Length == 0)
        {
            errs.Add(FieldError.Required(p.Child("terminationMessagePolicy")));
        }
        else if (Array.IndexOf(TerminationMessagePolicies, tmp) < 0)
        {
            errs.Add(FieldError.NotSupported(p.Child("terminationMessagePolicy"), tmp, TerminationMessagePolicies));
        }
        ContainerPorts(c.Arr("ports"), p.Child("ports"), errs);
        Env(c.Arr("env"), p.Child("env"), errs);
        EnvFrom(c.Arr("envFrom"), p.Child("envFrom"), errs);
        VolumeMounts(c, volumes, p.Child("volumeMounts"), errs);
        var policy = c.S("imagePullPolicy");
        if (policy.Length == 0)
        {
            errs.Add(FieldError.Required(p.Child("imagePullPolicy")));
        }
        else if (Array.IndexOf(PullPolicies, policy) < 0)
        {
            errs.Add(FieldError.NotSupported(p.Child("imagePullPolicy"), policy, PullPolicies));
        }
        Resources(c.Obj("resources"), claimNames, p.Child("resources"), errs);
        ResizePolicy(c.Arr("resizePolicy"), p.Child("resizePolicy"), podRestartPolicy, errs);
        SecurityContext(c.Obj("securityContext"), p.Child("securityContext"), hostUsers, errs);
    }

    /// <summary>Pod-only container rule: no surrounding whitespace in the image.</summary>
    public static void ContainersOnlyForPod(JsonArray? containers, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < containers.Count(); i++)
        {
            var image = containers.At(i).S("image");
            if (image.Length != image.Trim().Length)
            {
                errs.Add(FieldError.Invalid(path.Index(i).Child("image"), image, "must not have leading or trailing whitespace"));
            }
        }
    }

    private static void ContainerPorts(JsonArray? ports, FieldPath path, List<FieldError> errs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count(); i++)
        {
            var port = ports.At(i);
            var p = path.Index(i);
            var name = port.S("name");
            if (name.Length > 0)
            {
                var msgs = NameRules.PortName(name);
                if (msgs.Count > 0)
                {
                    foreach (var m in msgs)
                    {
                        errs.Add(FieldError.Invalid(p.Child("name"), name, m));
                    }
                }
                else if (!names.Add(name))
                {
                    errs.Add(FieldError.Duplicate(p.Child("name"), name));
                }
            }
            var containerPort = port.Int("containerPort") ?? 0;
            if (containerPort == 0)
            {
                errs.Add(FieldError.Required(p.Child("containerPort")));
            }
            else if (!NameRules.IsValidPortNum(containerPort))
            {
                errs.Add(FieldError.Invalid(p.Child("containerPort"), containerPort, NameRules.PortRangeError));
            }
            var hostPort = port.Int("hostPort") ?? 0;
            if (hostPort != 0 && !NameRules.IsValidPortNum(hostPort))
            {
                errs.Add(FieldError.Invalid(p.Child("hostPort"), hostPort, NameRules.PortRangeError));
            }
            var protocol = port.S("protocol");
            if (protocol.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("protocol")));
            }
            else if (Array.IndexOf(Protocols, protocol) < 0)
            {
                errs.Add(FieldError.NotSupported(p.Child("protocol"), protocol, Protocols));
            }
        }
    }

    private static void HostPortConflicts(JsonArray? containers, FieldPath path, List<FieldError> errs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var ci = 0; ci < containers.Count(); ci++)
        {
            var ports = containers.At(ci).Arr("ports");
            for (var pi = 0; pi < ports.Count(); pi++)
            {
                var port = ports.At(pi);
                var hp = port.Int("hostPort") ?? 0;
                if (hp == 0)
                {
                    continue;
                }
                var key = $"{port.S("protocol")}/{port.S("hostIP")}/{hp}";
                if (!seen.Add(key))
                {
                    errs.Add(FieldError.Duplicate(path.Index(ci).Child("ports").Index(pi).Child("hostPort"), key));
                }
            }
        }
    }

    private static void HostNetworkDeps(JsonObject spec, FieldPath path, bool resourceIsPod, List<FieldError> errs)
    {
        if (spec.Bool("hostNetwork") != true)
        {
            return;
        }
        var containers = spec.Arr("containers");
        for (var i = 0; i < containers.Count(); i++)
        {
            var ports = containers.At(i).Arr("ports");
            for (var j = 0; j < ports.Count(); j++)
            {
                var hp = ports.At(j).Int("hostPort") ?? 0;
                var cp = ports.At(j).Int("containerPort") ?? 0;
                if ((resourceIsPod || hp != 0) && hp != cp)
                {
                    errs.Add(FieldError.Invalid(path.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort"), hp,
                        "must match `containerPort` when `hostNetwork` is true"));
                }
            }
        }
    }

    private static void Env(JsonArray? env, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < env.Count(); i++)
        {
            var ev = env.At(i);
            var p = path.Index(i);
            var name = ev.S("name");
            if (name.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("name")));
            }
            else
            {
                foreach (var m in NameRules.RelaxedEnvVarName(name))
                {
                    errs.Add(FieldError.Invalid(p.Child("name"), name, m));
                }
            }
            EnvValueFrom(ev, p.Child("valueFrom"), errs);
        }
    }

    private static void EnvValueFrom(JsonObject? ev, FieldPath path, List<FieldError> errs)
    {
        if (ev.Obj("valueFrom") is not { } from)
        {
            return;
        }
        var n = 0;
        if (from.Obj("fieldRef") is { } fr)
        {
            n++;
            ObjectFieldSelector(fr, EnvFieldPaths, path.Child("fieldRef"), errs);
        }
        if (from.Obj("resourceFieldRef") is { } rf)
        {
            n++;
            ResourceFieldSelector(rf, path.Child("resourceFieldRef"), volume: false, errs);
        }
        foreach (var kind in (ReadOnlySpan<string>)["configMapKeyRef", "secretKeyRef"])
        {
            if (from.Obj(kind) is not { } kr)
            {
                continue;
            }
            n++;
            var kp = path.Child(kind);
            foreach (var m in NameRules.Dns1123Subdomain(kr.S("name")))
            {
                errs.Add(FieldError.Invalid(kp.Child("name"), kr.S("name"), m));
            }
            var key = kr.S("key");
            if (key.Length == 0)
            {
                errs.Add(FieldError.Required(kp.Child("key")));
            }
            else
            {
                foreach (var m in NameRules.ConfigMapKey(key))
                {
                    errs.Add(FieldError.Invalid(kp.Child("key"), key, m));
                }
            }
        }
        if (n == 0)
        {
            errs.Add(FieldError.Invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        }
        else if (ev.S("value").Length != 0)
        {
            errs.Add(FieldError.Invalid(path, "", "may not be specified when `value` is not empty"));
        }
        else if (n > 1)
        {
            errs.Add(FieldError.Invalid(path, "", "may not have more than one field specified at a time"));
        }
    }

    /// <summary>validateObjectFieldSelector.</summary>
    public static void ObjectFieldSelector(JsonObject fs, HashSet<string> expressions, FieldPath path, List<FieldError> errs)
    {
        var apiVersion = fs.S("apiVersion");
        var fieldPath = fs.S("fieldPath");
        if (apiVersion.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("apiVersion")));
            return;
        }
        if (fieldPath.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("fieldPath")));
            return;
        }
        var (basePath, subscript, subscripted) = SplitSubscript(fieldPath);
        string? convertError = apiVersion != "v1"
            ? $"unsupported pod version: {apiVersion}"
            : !ConvertibleFieldPaths.Contains(subscripted ? basePath : fieldPath) ? $"field label not supported: {fieldPath}" : null;
        if (convertError is not null)
        {
            errs.Add(FieldError.Invalid(path.Child("fieldPath"), fieldPath, "error converting fieldPath: " + convertError));
            return;
        }
        if (subscripted)
        {
            switch (basePath)
            {
                case "metadata.annotations":
                    Check.QualifiedName(subscript.ToLowerInvariant(), path, errs);
                    break;
                case "metadata.labels":
                    Check.QualifiedName(subscript, path, errs);
                    break;
                default:
                    errs.Add(FieldError.Invalid(path, basePath, "does not support subscript"));
                    break;
            }
        }
        else if (!expressions.Contains(fieldPath))
        {
            errs.Add(FieldError.NotSupported(path.Child("fieldPath"), fieldPath, expressions.Order(StringComparer.Ordinal)));
        }
    }

    // fieldpath.SplitMaybeSubscriptedPath: metadata.labels['key'].
    private static (string Path, string Subscript, bool Ok) SplitSubscript(string fieldPath)
    {
        if (!fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return (fieldPath, "", false);
        }
        var s = fieldPath[..^2];
        var parts = s.Split("['", 2);
        if (parts.Length < 2 || parts[0].Length == 0)
        {
            return (fieldPath, "", false);
        }
        return (parts[0], parts[1], true);
    }

    /// <summary>validateContainerResourceFieldSelector.</summary>
    public static void ResourceFieldSelector(JsonObject fs, FieldPath path, bool volume, List<FieldError> errs)
    {
        var resource = fs.S("resource");
        if (volume && fs.S("containerName").Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("containerName")));
        }
        else if (resource.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("resource")));
        }
        else if (Array.IndexOf(ContainerResourceFields, resource) < 0
            && !resource.StartsWith("requests.hugepages-", StringComparison.Ordinal)
            && !resource.StartsWith("limits.hugepages-", StringComparison.Ordinal))
        {
            errs.Add(FieldError.NotSupported(path.Child("resource"), resource, ContainerResourceFields));
        }
        if (Check.ReadQuantity(fs["divisor"]) is { IsZero: false } divisor)
        {
            var d = divisor.ToString();
            string? msg = resource switch
            {
                "limits.cpu" or "requests.cpu" when d is not ("1m" or "1") => "only divisor's values 1m and 1 are supported with the cpu resource",
                "limits.memory" or "requests.memory" when !IsUnitDivisor(d) => "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource",
                "limits.ephemeral-storage" or "requests.ephemeral-storage" when !IsUnitDivisor(d) => "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
                _ => null,
            };
            if (msg is not null)
            {
                errs.Add(FieldError.Invalid(path.Child("divisor"), resource, msg));
            }
        }
    }

    private static bool IsUnitDivisor(string d) =>
        d is "1" or "1k" or "1M" or "1G" or "1T" or "1P" or "1E" or "1Ki" or "1Mi" or "1Gi" or "1Ti" or "1Pi" or "1Ei";

    private static void EnvFrom(JsonArray? envFrom, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < envFrom.Count(); i++)
        {
            var ev = envFrom.At(i);
            var p = path.Index(i);
            var prefix = ev.S("prefix");
            if (prefix.Length > 0)
            {
                foreach (var m in NameRules.RelaxedEnvVarName(prefix))
                {
                    errs.Add(FieldError.Invalid(p.Child("prefix"), prefix, m));
                }
            }
            var n = 0;
            foreach (var kind in (ReadOnlySpan<string>)["configMapRef", "secretRef"])
            {
                if (ev.Obj(kind) is not { } r)
                {
                    continue;
                }
                n++;
                var name = r.S("name");
                if (name.Length == 0)
                {
                    errs.Add(FieldError.Required(p.Child(kind, "name")));
                }
                else
                {
                    foreach (var m in NameRules.Dns1123Subdomain(NameRules.MaskTrailingDash(name)))
                    {
                        errs.Add(FieldError.Invalid(p.Child(kind, "name"), name, m));
                    }
                }
            }
            if (n == 0)
            {
                errs.Add(FieldError.Invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            }
            else if (n > 1)
            {
                errs.Add(FieldError.Invalid(path, "", "may not have more than one field specified at a time"));
            }
        }
    }

    private static void VolumeMounts(JsonObject c, Dictionary<string, JsonObject> volumes, FieldPath path, List<FieldError> errs)
    {
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        var devs = c.Arr("volumeDevices");
        for (var i = 0; i < devs.Count(); i++)
        {
            devices[devs.At(i).S("name")] = devs.At(i).S("devicePath");
        }
        var mountPoints = new HashSet<string>(StringComparer.Ordinal);
        var mounts = c.Arr("volumeMounts");
        for (var i = 0; i < mounts.Count(); i++)
        {
            var m = mounts.At(i);
            var p = path.Index(i);
            var name = m.S("name");
            var mountPath = m.S("mountPath");
            if (name.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("name")));
            }
            if (!volumes.ContainsKey(name))
            {
                errs.Add(FieldError.NotFound(p.Child("name"), name));
            }
            if (mountPath.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("mountPath")));
            }
            if (!mountPoints.Add(mountPath))
            {
                errs.Add(FieldError.Invalid(p.Child("mountPath"), mountPath, "must be unique"));
            }
            if (devices.ContainsKey(name))
            {
                errs.Add(FieldError.Invalid(p.Child("name"), name, "must not already exist in volumeDevices"));
            }
            if (devices.ContainsValue(mountPath))
            {
                errs.Add(FieldError.Invalid(p.Child("mountPath"), mountPath, "must not already exist as a path in volumeDevices"));
            }
            var subPath = m.S("subPath");
            var subPathExpr = m.S("subPathExpr");
            if (volumes.TryGetValue(name, out var vol) && vol.Has("image"))
            {
                if (subPath.Length != 0)
                {
                    errs.Add(FieldError.Invalid(p.Child("subPath"), subPath, "not allowed in image volume sources"));
                }
                if (subPathExpr.Length != 0)
                {
                    errs.Add(FieldError.Invalid(p.Child("subPathExpr"), subPathExpr, "not allowed in image volume sources"));
                }
            }
            // kube reports these two on the list's path, not the item's.
            if (subPath.Length > 0)
            {
                VolumeValidation.LocalDescendingPath(subPath, path.Child("subPath"), errs);
            }
            if (subPathExpr.Length > 0)
            {
                if (subPath.Length > 0)
                {
                    errs.Add(FieldError.Invalid(p.Child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"));
                }
                VolumeValidation.LocalDescendingPath(subPathExpr, path.Child("subPathExpr"), errs);
            }
            if (m.Str("mountPropagation") is { } prop)
            {
                var privileged = c.Obj("securityContext").Bool("privileged") == true;
                if (prop is not ("None" or "HostToContainer" or "Bidirectional"))
                {
                    errs.Add(FieldError.NotSupported(path.Child("mountPropagation"), prop, ["Bidirectional", "HostToContainer", "None"]));
                }
                else if (prop == "Bidirectional" && !privileged)
                {
                    errs.Add(FieldError.Forbidden(path.Child("mountPropagation"), "Bidirectional mount propagation is available only to privileged containers"));
                }
            }
            if (m.Str("recursiveReadOnly") is { } rro)
            {
                var rp = path.Child("recursiveReadOnly");
                switch (rro)
                {
                    case "Disabled":
                        break;
                    case "Enabled" or "IfPossible":
                        if (m.Bool("readOnly") != true)
                        {
                            errs.Add(FieldError.Forbidden(rp, "may only be specified when readOnly is true"));
                        }
                        if (m.Str("mountPropagation") is { } mp && mp != "None")
                        {
                            errs.Add(FieldError.Forbidden(rp, "may only be specified when mountPropagation is None or not specified"));
                        }
                        break;
                    default:
                        errs.Add(FieldError.NotSupported(rp, rro, ["Disabled", "Enabled", "IfPossible"]));
                        break;
                }
            }
        }
    }

    /// <summary>ValidateContainerResourceRequirements.</summary>
    public static void Resources(JsonObject? resources, HashSet<string> claimNames, FieldPath path, List<FieldError> errs)
    {
        var limPath = path.Child("limits");
        var reqPath = path.Child("requests");
        var limits = resources.Obj("limits");
        var requests = resources.Obj("requests");
        bool limCpuMem = false, reqCpuMem = false, limHuge = false, reqHuge = false;
        foreach (var (name, q) in ResourceNames.Read(limits))
        {
            var fp = limPath.Key(name);
            ResourceNames.ValidateContainerResourceName(name, fp, errs);
            ResourceNames.ValidateQuantityValue(name, q, fp, errs);
            limHuge |= ResourceNames.IsHugePage(name);
            limCpuMem |= name is "cpu" or "memory";
        }
        foreach (var (name, q) in ResourceNames.Read(requests))
        {
            var fp = reqPath.Key(name);
            ResourceNames.ValidateContainerResourceName(name, fp, errs);
            ResourceNames.ValidateQuantityValue(name, q, fp, errs);
            if (ResourceNames.Get(limits, name) is { } limit)
            {
                if (q.CompareTo(limit) != 0 && !ResourceNames.IsOvercommitAllowed(name))
                {
                    errs.Add(FieldError.Invalid(reqPath, q.ToString(), $"must be equal to {name} limit of {limit}"));
                }
                else if (q.CompareTo(limit) > 0)
                {
                    errs.Add(FieldError.Invalid(reqPath, q.ToString(), $"must be less than or equal to {name} limit of {limit}"));
                }
            }
            else if (!ResourceNames.IsOvercommitAllowed(name))
            {
                errs.Add(FieldError.Required(limPath, "Limit must be set for non overcommitable resources"));
            }
            reqHuge |= ResourceNames.IsHugePage(name);
            reqCpuMem |= name is "cpu" or "memory";
        }
        if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge))
        {
            errs.Add(FieldError.Forbidden(path, "HugePages require cpu or memory"));
        }
        var claims = resources.Arr("claims");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < claims.Count(); i++)
        {
            var name = claims.At(i).S("name");
            var cp = path.Child("claims").Index(i);
            if (name.Length == 0)
            {
                errs.Add(FieldError.Required(cp));
                continue;
            }
            if (!seen.Add(name))
            {
                errs.Add(FieldError.Duplicate(cp, name));
            }
            if (!claimNames.Contains(name))
            {
                errs.Add(FieldError.NotFound(cp, name, "must be one of the names in pod.spec.resourceClaims"
                    + (claimNames.Count == 0 ? " which is empty" : ": " + string.Join(", ", claimNames.Order(StringComparer.Ordinal)))));
            }
        }
    }

    private static void ResizePolicy(JsonArray? policies, FieldPath path, string podRestartPolicy, List<FieldError> errs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count(); i++)
        {
            var p = policies.At(i);
            var rn = p.S("resourceName");
            var rp = p.S("restartPolicy");
            if (!seen.Add(rn))
            {
                errs.Add(FieldError.Duplicate(path.Index(i), rn));
            }
            if (rn.Length == 0)
            {
                errs.Add(FieldError.Required(path));
            }
            else if (rn is not ("cpu" or "memory"))
            {
                errs.Add(FieldError.NotSupported(path, rn, ["cpu", "memory"]));
            }
            if (rp.Length == 0)
            {
                errs.Add(FieldError.Required(path));
            }
            else if (rp is not ("NotRequired" or "RestartContainer"))
            {
                errs.Add(FieldError.NotSupported(path, rp, ["NotRequired", "RestartContainer"]));
            }
            if (podRestartPolicy == "Never" && rp != "NotRequired")
            {
                errs.Add(FieldError.Invalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
            }
        }
    }

    private enum ProbeKind
    {
        Liveness,
        Readiness,
        Startup,
    }

    private static void Probe(JsonObject? probe, long? gracePeriod, FieldPath path, ProbeKind kind, List<FieldError> errs)
    {
        if (probe is null)
        {
            return;
        }
        Handler(probe, gracePeriod, path, allowSleep: false, allowGrpc: true, errs);
        Check.Nonnegative(probe.Int("initialDelaySeconds") ?? 0, path.Child("initialDelaySeconds"), errs);
        Check.Nonnegative(probe.Int("timeoutSeconds") ?? 0, path.Child("timeoutSeconds"), errs);
        Check.Nonnegative(probe.Int("periodSeconds") ?? 0, path.Child("periodSeconds"), errs);
        Check.Nonnegative(probe.Int("successThreshold") ?? 0, path.Child("successThreshold"), errs);
        Check.Nonnegative(probe.Int("failureThreshold") ?? 0, path.Child("failureThreshold"), errs);
        if (probe.Int("terminationGracePeriodSeconds") is { } tgps && tgps <= 0)
        {
            errs.Add(FieldError.Invalid(path.Child("terminationGracePeriodSeconds"), tgps, "must be greater than 0"));
        }
        var success = probe.Int("successThreshold") ?? 0;
        if (kind is ProbeKind.Liveness or ProbeKind.Startup && success != 1)
        {
            errs.Add(FieldError.Invalid(path.Child("successThreshold"), success, "must be 1"));
        }
        if (kind == ProbeKind.Readiness && probe.Int("terminationGracePeriodSeconds") is { } rt)
        {
            errs.Add(FieldError.Invalid(path.Child("terminationGracePeriodSeconds"), rt, "must not be set for readinessProbes"));
        }
    }

    private static void Lifecycle(JsonObject lifecycle, long? gracePeriod, FieldPath path, List<FieldError> errs)
    {
        if (lifecycle.Obj("postStart") is { } ps)
        {
            Handler(ps, gracePeriod, path.Child("postStart"), allowSleep: true, allowGrpc: false, errs);
        }
        if (lifecycle.Obj("preStop") is { } pre)
        {
            Handler(pre, gracePeriod, path.Child("preStop"), allowSleep: true, allowGrpc: false, errs);
        }
    }

    private static void Handler(JsonObject h, long? gracePeriod, FieldPath path, bool allowSleep, bool allowGrpc, List<FieldError> errs)
    {
        var n = 0;
        void Another(string name)
        {
            errs.Add(FieldError.Forbidden(path.Child(name), "may not specify more than 1 handler type"));
        }
        if (h.Obj("exec") is { } exec)
        {
            n++;
            if (exec.Arr("command").Count() == 0)
            {
                errs.Add(FieldError.Required(path.Child("exec", "command")));
            }
        }
        if (h.Obj("httpGet") is { } http)
        {
            if (n > 0)
            {
                Another("httpGet");
            }
            else
            {
                n++;
                var hp = path.Child("httpGet");
                if (http.S("path").Length == 0)
                {
                    errs.Add(FieldError.Required(hp.Child("path")));
                }
                Check.PortNumOrName(http["port"], hp.Child("port"), errs);
                var scheme = http.S("scheme");
                if (Array.IndexOf(Schemes, scheme) < 0)
                {
                    errs.Add(FieldError.NotSupported(hp.Child("scheme"), scheme, Schemes));
                }
                var headers = http.Arr("httpHeaders");
                for (var i = 0; i < headers.Count(); i++)
                {
                    var hn = headers.At(i).S("name");
                    foreach (var m in NameRules.HttpHeaderName(hn))
                    {
                        errs.Add(FieldError.Invalid(hp.Child("httpHeaders"), hn, m));
                    }
                }
            }
        }
        if (h.Obj("tcpSocket") is { } tcp)
        {
            if (n > 0)
            {
                Another("tcpSocket");
            }
            else
            {
                n++;
                Check.PortNumOrName(tcp["port"], path.Child("tcpSocket", "port"), errs);
            }
        }
        if (allowGrpc && h.Obj("grpc") is { } grpc)
        {
            if (n > 0)
            {
                Another("grpc");
            }
            else
            {
                n++;
                var port = grpc.Int("port") ?? 0;
                if (!NameRules.IsValidPortNum(port))
                {
                    errs.Add(FieldError.Invalid(path.Child("grpc", "port"), port, NameRules.PortRangeError));
                }
            }
        }
        if (allowSleep && h.Obj("sleep") is { } sleep)
        {
            if (n > 0)
            {
                Another("sleep");
            }
            else
            {
                n++;
                // PodLifecycleSleepActionAllowZero is beta and on in 1.33.
                var seconds = sleep.Int("seconds") ?? 0;
                if (gracePeriod is { } gp && (seconds < 0 || seconds > gp))
                {
                    errs.Add(FieldError.Invalid(path.Child("sleep"), seconds,
                        $"must be non-negative and less than terminationGracePeriodSeconds ({gp})"));
                }
            }
        }
        if (n == 0)
        {
            errs.Add(FieldError.Required(path, "must specify a handler type"));
        }
    }

    private static void SecurityContext(JsonObject? sc, FieldPath path, bool hostUsers, List<FieldError> errs)
    {
        if (sc is null)
        {
            return;
        }
        if (sc.Int("runAsUser") is { } uid && !NameRules.IsValidId(uid))
        {
            errs.Add(FieldError.Invalid(path.Child("runAsUser"), uid, NameRules.IdRangeError));
        }
        if (sc.Int("runAsGroup") is { } gid && !NameRules.IsValidId(gid))
        {
            errs.Add(FieldError.Invalid(path.Child("runAsGroup"), gid, NameRules.IdRangeError));
        }
        if (sc.Str("procMount") is { } pm)
        {
            if (pm is not ("Default" or "Unmasked"))
            {
                errs.Add(FieldError.NotSupported(path.Child("procMount"), pm, ["Default", "Unmasked"]));
            }
            if (hostUsers && pm == "Unmasked")
            {
                errs.Add(FieldError.Invalid(path.Child("procMount"), pm, "`hostUsers` must be false to use `Unmasked`"));
            }
        }
        SeccompProfile(sc.Obj("seccompProfile"), path.Child("seccompProfile"), errs);
        if (sc.Bool("allowPrivilegeEscalation") == false)
        {
            if (sc.Bool("privileged") == true)
            {
                errs.Add(FieldError.Invalid(path, Check.Json(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }
            foreach (var cap in sc.Obj("capabilities").Arr("add").Strings())
            {
                if (cap == "CAP_SYS_ADMIN")
                {
                    errs.Add(FieldError.Invalid(path, Check.Json(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
                }
            }
        }
        AppArmorProfile(sc.Obj("appArmorProfile"), path.Child("appArmorProfile"), errs);
    }

    private static void PodSecurityContext(JsonObject spec, FieldPath specPath, List<FieldError> errs)
    {
        if (spec.Obj("securityContext") is not { } sc)
        {
            return;
        }
        var path = specPath.Child("securityContext");
        if (sc.Int("fsGroup") is { } fsGroup && !NameRules.IsValidId(fsGroup))
        {
            errs.Add(FieldError.Invalid(path.Child("fsGroup"), fsGroup, NameRules.IdRangeError));
        }
        if (sc.Int("runAsUser") is { } uid && !NameRules.IsValidId(uid))
        {
            errs.Add(FieldError.Invalid(path.Child("runAsUser"), uid, NameRules.IdRangeError));
        }
        if (sc.Int("runAsGroup") is { } gid && !NameRules.IsValidId(gid))
        {
            errs.Add(FieldError.Invalid(path.Child("runAsGroup"), gid, NameRules.IdRangeError));
        }
        var groups = sc.Arr("supplementalGroups");
        for (var i = 0; i < groups.Count(); i++)
        {
            if (JsonAccess.AsLong(groups![i]) is { } g && !NameRules.IsValidId(g))
            {
                errs.Add(FieldError.Invalid(path.Child("supplementalGroups").Index(i), g, NameRules.IdRangeError));
            }
        }
        if (spec.Bool("shareProcessNamespace") is true && spec.Bool("hostPID") == true)
        {
            errs.Add(FieldError.Invalid(path.Child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
        }
        var sysctls = sc.Arr("sysctls");
        var sysctlNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sysctls.Count(); i++)
        {
            var name = sysctls.At(i).S("name");
            var np = path.Child("sysctls").Index(i).Child("name");
            if (name.Length == 0)
            {
                errs.Add(FieldError.Required(np));
            }
            else if (!IsValidSysctlName(name))
            {
                errs.Add(FieldError.Invalid(np, name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
            }
            else if (sysctlNames.Contains(name))
            {
                errs.Add(FieldError.Duplicate(np, name));
            }
            if (spec.Bool("hostNetwork") == true && name.StartsWith("net.", StringComparison.Ordinal))
            {
                errs.Add(FieldError.Invalid(np, name, "may not be specified when 'hostNetwork' is true"));
            }
            else if (spec.Bool("hostIPC") == true && (name.StartsWith("kernel.shm", StringComparison.Ordinal)
                || name.StartsWith("kernel.msg", StringComparison.Ordinal) || name == "kernel.sem" || name.StartsWith("fs.mqueue.", StringComparison.Ordinal)))
            {
                errs.Add(FieldError.Invalid(np, name, "may not be specified when 'hostIPC' is true"));
            }
            sysctlNames.Add(name);
        }
        if (sc.Str("fsGroupChangePolicy") is { } fgcp && fgcp is not ("Always" or "OnRootMismatch"))
        {
            errs.Add(FieldError.NotSupported(path.Child("fsGroupChangePolicy"), fgcp, ["Always", "OnRootMismatch"]));
        }
        SeccompProfile(sc.Obj("seccompProfile"), path.Child("seccompProfile"), errs);
        AppArmorProfile(sc.Obj("appArmorProfile"), path.Child("appArmorProfile"), errs);
        if (sc.Str("supplementalGroupsPolicy") is { } sgp && sgp is not ("Merge" or "Strict"))
        {
            errs.Add(FieldError.NotSupported(path.Child("supplementalGroupsPolicy"), sgp, ["Merge", "Strict"]));
        }
        if (sc.Str("seLinuxChangePolicy") is { } slcp && slcp is not ("MountOption" or "Recursive"))
        {
            errs.Add(FieldError.NotSupported(path.Child("seLinuxChangePolicy"), slcp, ["MountOption", "Recursive"]));
        }
    }

    private static bool IsValidSysctlName(string name)
    {
        if (name.Length > 253)
        {
            return false;
        }
        foreach (var segment in name.Split('.', '/'))
        {
            if (segment.Length == 0 || !char.IsAsciiLetterLower(segment[0]) && !char.IsAsciiDigit(segment[0])
                || !char.IsAsciiLetterLower(segment[^1]) && !char.IsAsciiDigit(segment[^1]))
            {
                return false;
            }
            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '_'))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static void SeccompProfile(JsonObject? sp, FieldPath path, List<FieldError> errs)
    {
        if (sp is null)
        {
            return;
        }
        var type = sp.S("type");
        if (type.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("type"), "type is required when seccompProfile is set"));
        }
        else if (type is not ("Localhost" or "RuntimeDefault" or "Unconfined"))
        {
            errs.Add(FieldError.NotSupported(path.Child("type"), type, ["Localhost", "RuntimeDefault", "Unconfined"]));
        }
        if (type == "Localhost")
        {
            if (sp.Str("localhostProfile") is not { } lp)
            {
                errs.Add(FieldError.Required(path.Child("localhostProfile"), "must be set when seccomp type is Localhost"));
            }
            else
            {
                VolumeValidation.LocalDescendingPath(lp, path.Child("localhostProfile"), errs);
            }
        }
        else if (sp.Has("localhostProfile"))
        {
            errs.Add(FieldError.Invalid(path.Child("localhostProfile"), Check.Json(sp), "can only be set when seccomp type is Localhost"));
        }
    }

    private static void AppArmorProfile(JsonObject? profile, FieldPath path, List<FieldError> errs)
    {
        if (profile is null)
        {
            return;
        }
        var type = profile.S("type");
        switch (type)
        {
            case "Localhost":
                if (profile.Str("localhostProfile") is not { } lp)
                {
                    errs.Add(FieldError.Required(path.Child("localhostProfile"), "must be set when AppArmor type is Localhost"));
                }
                else if (lp.Trim() != lp)
                {
                    errs.Add(FieldError.Invalid(path.Child("localhostProfile"), lp, "must not be padded with whitespace"));
                }
                else if (lp.Length == 0)
                {
                    errs.Add(FieldError.Required(path.Child("localhostProfile"), "must be set when AppArmor type is Localhost"));
                }
                break;
            case "RuntimeDefault" or "Unconfined":
                if (profile.Str("localhostProfile") is { } l)
                {
                    errs.Add(FieldError.Invalid(path.Child("localhostProfile"), l, "can only be set when AppArmor type is Localhost"));
                }
                break;
            case "":
                errs.Add(FieldError.Required(path.Child("type"), "type is required when appArmorProfile is set"));
                break;
            default:
                errs.Add(FieldError.NotSupported(path.Child("type"), type, ["Localhost", "RuntimeDefault", "Unconfined"]));
                break;
        }
    }

    private static void Affinity(JsonObject? affinity, FieldPath path, List<FieldError> errs)
    {
        if (affinity is null)
        {
            return;
        }
        if (affinity.Obj("nodeAffinity") is { } na)
        {
            var np = path.Child("nodeAffinity");
            if (na.Obj("requiredDuringSchedulingIgnoredDuringExecution") is { } required)
            {
                NodeSelector(required, np.Child("requiredDuringSchedulingIgnoredDuringExecution"), allowInvalidValues: false, errs);
            }
            var preferred = na.Arr("preferredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < preferred.Count(); i++)
            {
                var t = preferred.At(i);
                var tp = np.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i);
                var w = t.Int("weight") ?? 0;
                if (w <= 0 || w > 100)
                {
                    errs.Add(FieldError.Invalid(tp.Child("weight"), w, "must be in the range 1-100"));
                }
                NodeSelectorTerm(t.Obj("preference"), tp.Child("preference"), allowInvalidValues: true, errs);
            }
        }
        foreach (var kind in (ReadOnlySpan<string>)["podAffinity", "podAntiAffinity"])
        {
            if (affinity.Obj(kind) is not { } pa)
            {
                continue;
            }
            var kp = path.Child(kind);
            var required = pa.Arr("requiredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < required.Count(); i++)
            {
                PodAffinityTerm(required.At(i), kp.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i), errs);
            }
            var preferred = pa.Arr("preferredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < preferred.Count(); i++)
            {
                var t = preferred.At(i);
                var tp = kp.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i);
                var w = t.Int("weight") ?? 0;
                if (w <= 0 || w > 100)
                {
                    errs.Add(FieldError.Invalid(tp.Child("weight"), w, "must be in the range 1-100"));
                }
                PodAffinityTerm(t.Obj("podAffinityTerm"), tp.Child("podAffinityTerm"), errs);
            }
        }
    }

    private static void PodAffinityTerm(JsonObject? term, FieldPath path, List<FieldError> errs)
    {
        LabelSelectorValidation.Validate(term.Obj("labelSelector"), path.Child("labelSelector"), errs);
        LabelSelectorValidation.Validate(term.Obj("namespaceSelector"), path.Child("namespaceSelector"), errs);
        foreach (var ns in term.Arr("namespaces").Strings())
        {
            foreach (var m in NameRules.Dns1123Label(ns))
            {
                errs.Add(FieldError.Invalid(path.Child("namespace"), ns, m));
            }
        }
        var selector = term.Obj("labelSelector");
        var matchKeys = term.Arr("matchLabelKeys").Strings();
        var mismatchKeys = term.Arr("mismatchLabelKeys").Strings();
        foreach (var (field, keys) in new[] { ("matchLabelKeys", matchKeys), ("mismatchLabelKeys", mismatchKeys) })
        {
            if (keys.Count == 0)
            {
                continue;
            }
            if (selector is null)
            {
                errs.Add(FieldError.Forbidden(path.Child(field), "must not be specified when labelSelector is not set"));
                continue;
            }
            for (var i = 0; i < keys.Count; i++)
            {
                Check.LabelName(keys[i], path.Child(field).Index(i), errs);
            }
        }
        if (selector is not null)
        {
            var selectorKeys = new HashSet<string>(selector.StringMap("matchLabels").Keys, StringComparer.Ordinal);
            var exprs = selector.Arr("matchExpressions");
            for (var i = 0; i < exprs.Count(); i++)
            {
                var key = exprs.At(i).S("key");
                var idx = matchKeys.IndexOf(key);
                if (idx >= 0 && selectorKeys.Contains(key))
                {
                    errs.Add(FieldError.Invalid(path.Index(idx), key, "exists in both matchLabelKeys and labelSelector"));
                }
                selectorKeys.Add(key);
            }
        }
        for (var i = 0; i < matchKeys.Count; i++)
        {
            if (mismatchKeys.Contains(matchKeys[i]))
            {
                errs.Add(FieldError.Invalid(path.Child("matchLabelKeys").Index(i), matchKeys[i], "exists in both matchLabelKeys and mismatchLabelKeys"));
            }
        }
        var topologyKey = term.S("topologyKey");
        if (topologyKey.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("topologyKey"), "can not be empty"));
        }
        Check.LabelName(topologyKey, path.Child("topologyKey"), errs);
    }

    /// <summary>ValidateNodeSelector (required node affinity, PV node affinity).</summary>
    public static void NodeSelector(JsonObject selector, FieldPath path, bool allowInvalidValues, List<FieldError> errs)
    {
        var terms = selector.Arr("nodeSelectorTerms");
        var tp = path.Child("nodeSelectorTerms");
        if (terms.Count() == 0)
        {
            errs.Add(FieldError.Required(tp, "must have at least one node selector term"));
            return;
        }
        for (var i = 0; i < terms!.Count; i++)
        {
            NodeSelectorTerm(terms.At(i), tp.Index(i), allowInvalidValues, errs);
        }
    }

    private static void NodeSelectorTerm(JsonObject? term, FieldPath path, bool allowInvalidValues, List<FieldError> errs)
    {
        var exprs = term.Arr("matchExpressions");
        for (var i = 0; i < exprs.Count(); i++)
        {
            var rq = exprs.At(i);
            var p = path.Child("matchExpressions").Index(i);
            var values = rq.Arr("values").Strings();
            var op = rq.S("operator");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        errs.Add(FieldError.Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0)
                    {
                        errs.Add(FieldError.Forbidden(p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                    break;
                case "Gt" or "Lt":
                    if (values.Count != 1)
                    {
                        errs.Add(FieldError.Required(p.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    }
                    break;
                default:
                    errs.Add(FieldError.Invalid(p.Child("operator"), op, "not a valid selector operator"));
                    break;
            }
            Check.LabelName(rq.S("key"), p.Child("key"), errs);
            if (!allowInvalidValues)
            {
                for (var j = 0; j < values.Count; j++)
                {
                    foreach (var m in NameRules.LabelValue(values[j]))
                    {
                        errs.Add(FieldError.Invalid(p.Child("values").Index(j), values[j], m));
                    }
                }
            }
        }
        var fields = term.Arr("matchFields");
        for (var i = 0; i < fields.Count(); i++)
        {
            var rq = fields.At(i);
            var p = path.Child("matchFields").Index(i);
            var values = rq.Arr("values").Strings();
            var op = rq.S("operator");
            if (op is "In" or "NotIn")
            {
                if (values.Count != 1)
                {
                    errs.Add(FieldError.Required(p.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
                }
            }
            else
            {
                errs.Add(FieldError.Invalid(p.Child("operator"), op, "not a valid selector operator"));
            }
            if (rq.S("key") != "metadata.name")
            {
                errs.Add(FieldError.Invalid(p.Child("key"), rq.S("key"), "not a valid field selector key"));
            }
            else
            {
                for (var j = 0; j < values.Count; j++)
                {
                    Check.Dns1123Subdomain(values[j], p.Child("values").Index(j), errs);
                }
            }
        }
    }

    /// <summary>ValidateTolerations.</summary>
    public static void Tolerations(JsonArray? tolerations, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < tolerations.Count(); i++)
        {
            var t = tolerations.At(i);
            var p = path.Index(i);
            var key = t.S("key");
            var op = t.S("operator");
            var effect = t.S("effect");
            var value = t.S("value");
            if (key.Length > 0)
            {
                Check.LabelName(key, p.Child("key"), errs);
            }
            if (key.Length == 0 && op != "Exists")
            {
                errs.Add(FieldError.Invalid(p.Child("operator"), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }
            if (t.Has("tolerationSeconds") && effect != "NoExecute")
            {
                errs.Add(FieldError.Invalid(p.Child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
            switch (op)
            {
                case "Equal" or "":
                    var msgs = NameRules.LabelValue(value);
                    if (msgs.Count > 0)
                    {
                        errs.Add(FieldError.Invalid(p.Child("operator"), value, string.Join(";", msgs)));
                    }
                    break;
                case "Exists":
                    if (value.Length > 0)
                    {
                        errs.Add(FieldError.Invalid(p.Child("operator"), value, "value must be empty when `operator` is 'Exists'"));
                    }
                    break;
                default:
                    errs.Add(FieldError.NotSupported(p.Child("operator"), op, ["Equal", "Exists"]));
                    break;
            }
            if (effect.Length > 0)
            {
                TaintEffect(effect, p.Child("effect"), errs);
            }
        }
    }

    /// <summary>validateTaintEffect for a non-empty effect.</summary>
    public static void TaintEffect(string effect, FieldPath path, List<FieldError> errs)
    {
        if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
        {
            errs.Add(FieldError.NotSupported(path, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
        }
    }

    private static void DnsConfig(JsonObject? config, string dnsPolicy, FieldPath path, List<FieldError> errs)
    {
        if (dnsPolicy == "None")
        {
            if (config is null)
            {
                errs.Add(FieldError.Required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
                return;
            }
            if (config.Arr("nameservers").Count() == 0)
            {
                errs.Add(FieldError.Required(path.Child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"));
                return;
            }
        }
        if (config is null)
        {
            return;
        }
        var nameservers = config.Arr("nameservers").Strings();
        if (nameservers.Count > 3)
        {
            errs.Add(FieldError.Invalid(path.Child("nameservers"), GoValues.StringList(nameservers), "must not have more than 3 nameservers"));
        }
        for (var i = 0; i < nameservers.Count; i++)
        {
            Check.Ip(nameservers[i], path.Child("nameservers").Index(i), errs);
        }
        var searches = config.Arr("searches").Strings();
        if (searches.Count > 32)
        {
            errs.Add(FieldError.Invalid(path.Child("searches"), GoValues.StringList(searches), "must not have more than 32 search paths"));
        }
        if (string.Join(' ', searches).Length > 2048)
        {
            errs.Add(FieldError.Invalid(path.Child("searches"), GoValues.StringList(searches), "must not have more than 2048 characters (including spaces) in the search list"));
        }
        for (var i = 0; i < searches.Count; i++)
        {
            // RelaxedDNSSearchValidation (beta, on in 1.33): "." and underscores are allowed.
            var s = searches[i];
            if (s == ".")
            {
                continue;
            }
            s = s.TrimEnd('.') == s ? s : s[..^1];
            foreach (var m in SubdomainWithUnderscore(s))
            {
                errs.Add(FieldError.Invalid(path.Child("searches").Index(i), s, m));
            }
        }
        var options = config.Arr("options");
        for (var i = 0; i < options.Count(); i++)
        {
            if (options.At(i).S("name").Length == 0)
            {
                errs.Add(FieldError.Required(path.Child("options").Index(i), "must not be empty"));
            }
        }
    }

    private static List<string> SubdomainWithUnderscore(string value)
    {
        var errs = new List<string>();
        if (value.Length > NameRules.Dns1123SubdomainMaxLength)
        {
            errs.Add(NameRules.MaxLenError(NameRules.Dns1123SubdomainMaxLength));
        }
        var ok = value.Length > 0;
        foreach (var label in value.Split('.'))
        {
            var l = label.StartsWith('_') ? label[1..] : label;
            ok &= l.Length > 0 && (char.IsAsciiLetterLower(l[0]) || char.IsAsciiDigit(l[0]))
                && (char.IsAsciiLetterLower(l[^1]) || char.IsAsciiDigit(l[^1]))
                && l.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');
        }
        if (!ok)
        {
            errs.Add(NameRules.RegexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
                "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*", "example.com"));
        }
        return errs;
    }

    private static void TopologySpread(JsonArray? constraints, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < constraints.Count(); i++)
        {
            var c = constraints.At(i);
            var p = path.Index(i);
            var maxSkew = c.Int("maxSkew") ?? 0;
            if (maxSkew <= 0)
            {
                errs.Add(FieldError.Invalid(p.Child("maxSkew"), maxSkew, Check.IsNotPositiveErrorMsg));
            }
            var key = c.S("topologyKey");
            if (key.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("topologyKey"), "can not be empty"));
            }
            var action = c.S("whenUnsatisfiable");
            if (action is not ("DoNotSchedule" or "ScheduleAnyway"))
            {
                errs.Add(FieldError.NotSupported(p.Child("whenUnsatisfiable"), action, ["DoNotSchedule", "ScheduleAnyway"]));
            }
            for (var j = i + 1; j < constraints!.Count; j++)
            {
                var other = constraints.At(j);
                if (other.S("topologyKey") == key && other.S("whenUnsatisfiable") == action)
                {
                    errs.Add(FieldError.Duplicate(p.Child("{topologyKey, whenUnsatisfiable}"), $"{{{key}, {action}}}"));
                    break;
                }
            }
            if (c.Int("minDomains") is { } minDomains)
            {
                if (minDomains <= 0)
                {
                    errs.Add(FieldError.Invalid(p.Child("minDomains"), minDomains, Check.IsNotPositiveErrorMsg));
                }
                if (action != "DoNotSchedule")
                {
                    errs.Add(FieldError.Invalid(p.Child("minDomains"), minDomains, $"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"));
                }
            }
            foreach (var policy in (ReadOnlySpan<string>)["nodeAffinityPolicy", "nodeTaintsPolicy"])
            {
                if (c.Str(policy) is { } v && v is not ("Honor" or "Ignore"))
                {
                    errs.Add(FieldError.NotSupported(p.Child(policy), v, ["Honor", "Ignore"]));
                }
            }
            var matchKeys = c.Arr("matchLabelKeys").Strings();
            if (matchKeys.Count > 0)
            {
                var selector = c.Obj("labelSelector");
                var selectorKeys = new HashSet<string>(StringComparer.Ordinal);
                if (selector is null)
                {
                    errs.Add(FieldError.Forbidden(p.Child("matchLabelKeys"), "must not be specified when labelSelector is not set"));
                }
                else
                {
                    selectorKeys.UnionWith(selector.StringMap("matchLabels").Keys);
                    var exprs = selector.Arr("matchExpressions");
                    for (var j = 0; j < exprs.Count(); j++)
                    {
                        selectorKeys.Add(exprs.At(j).S("key"));
                    }
                }
                for (var j = 0; j < matchKeys.Count; j++)
                {
                    Check.LabelName(matchKeys[j], p.Child("matchLabelKeys").Index(j), errs);
                    if (selectorKeys.Contains(matchKeys[j]))
                    {
                        errs.Add(FieldError.Invalid(p.Child("matchLabelKeys").Index(j), matchKeys[j], "exists in both matchLabelKeys and labelSelector"));
                    }
                }
            }
            LabelSelectorValidation.Validate(c.Obj("labelSelector"), p.Child("labelSelector"), errs);
        }
    }
}
