using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Pods;

/// <summary>
/// Kubernetes 1.33's pod defaulting (pkg/apis/core/v1/defaults.go and the declarative defaults of the
/// generated defaulters) on JSON: <see cref="Pod"/> for Pods, <see cref="PodSpec"/> for every pod template.
/// </summary>
internal static class PodDefaults
{
    /// <summary>SetDefaults_Pod then the PodSpec defaults: only real Pods get requests from limits and enableServiceLinks.</summary>
    public static void Pod(JsonObject pod)
    {
        var spec = pod.Ensure("spec");
        RequestsFromLimits(spec.Arr("containers"));
        RequestsFromLimits(spec.Arr("initContainers"));
        spec.DefaultPtr("enableServiceLinks", true);
        if (spec.Bool("hostNetwork") == true)
        {
            HostNetworkPorts(spec.Arr("containers"));
            HostNetworkPorts(spec.Arr("initContainers"));
        }
        PodSpec(spec);
    }

    /// <summary>The defaults of a PodTemplateSpec (Deployments, Jobs…): the PodSpec only.</summary>
    public static void Template(JsonObject? template)
    {
        if (template is not null)
        {
            PodSpec(template.Ensure("spec"));
        }
    }

    /// <summary>SetDefaults_PodSpec and everything nested in it.</summary>
    public static void PodSpec(JsonObject spec)
    {
        spec.Default("dnsPolicy", "ClusterFirst");
        spec.Default("restartPolicy", "Always");
        spec.DefaultPtr("securityContext", new JsonObject());
        spec.DefaultPtr("terminationGracePeriodSeconds", 30);
        spec.Default("schedulerName", "default-scheduler");
        var volumes = spec.Arr("volumes");
        for (var i = 0; i < volumes.Count(); i++)
        {
            if (volumes.At(i) is { } v)
            {
                Volume(v);
            }
        }
        foreach (var list in (ReadOnlySpan<string>)["initContainers", "containers", "ephemeralContainers"])
        {
            var containers = spec.Arr(list);
            for (var i = 0; i < containers.Count(); i++)
            {
                if (containers.At(i) is { } c)
                {
                    Container(c);
                }
            }
        }
    }

    private static void RequestsFromLimits(JsonArray? containers)
    {
        for (var i = 0; i < containers.Count(); i++)
        {
            var resources = containers.At(i).Obj("resources");
            if (resources.Obj("limits") is not { } limits)
            {
                continue;
            }
            var requests = resources!.Ensure("requests");
            foreach (var (k, v) in limits)
            {
                if (!requests.ContainsKey(k))
                {
                    requests[k] = v?.DeepClone();
                }
            }
        }
    }

    private static void HostNetworkPorts(JsonArray? containers)
    {
        for (var i = 0; i < containers.Count(); i++)
        {
            var ports = containers.At(i).Arr("ports");
            for (var j = 0; j < ports.Count(); j++)
            {
                if (ports.At(j) is { } p && (p.Int("hostPort") ?? 0) == 0 && p.Int("containerPort") is { } cp)
                {
                    p["hostPort"] = cp;
                }
            }
        }
    }

    /// <summary>SetDefaults_Container and its ports, env, probes and lifecycle handlers.</summary>
    public static void Container(JsonObject c)
    {
        if (c.S("imagePullPolicy").Length == 0)
        {
            c["imagePullPolicy"] = ImageTag(c.S("image")) == "latest" ? "Always" : "IfNotPresent";
        }
        c.Default("terminationMessagePath", "/dev/termination-log");
        c.Default("terminationMessagePolicy", "File");
        var ports = c.Arr("ports");
        for (var i = 0; i < ports.Count(); i++)
        {
            ports.At(i)?.Default("protocol", "TCP");
        }
        var env = c.Arr("env");
        for (var i = 0; i < env.Count(); i++)
        {
            FieldRef(env.At(i).Obj("valueFrom").Obj("fieldRef"));
        }
        Probe(c.Obj("livenessProbe"));
        Probe(c.Obj("readinessProbe"));
        Probe(c.Obj("startupProbe"));
        var lifecycle = c.Obj("lifecycle");
        Handler(lifecycle.Obj("postStart"));
        Handler(lifecycle.Obj("preStop"));
    }

    private static void Probe(JsonObject? probe)
    {
        if (probe is null)
        {
            return;
        }
        probe.DefaultInt("timeoutSeconds", 1);
        probe.DefaultInt("periodSeconds", 10);
        probe.DefaultInt("successThreshold", 1);
        probe.DefaultInt("failureThreshold", 3);
        Handler(probe);
        if (probe.Obj("grpc") is { } grpc)
        {
            grpc.DefaultPtr("service", "");
        }
    }

    private static void Handler(JsonObject? handler)
    {
        if (handler.Obj("httpGet") is { } http)
        {
            http.Default("path", "/");
            http.Default("scheme", "HTTP");
        }
    }

    private static void FieldRef(JsonObject? fieldRef) => fieldRef?.Default("apiVersion", "v1");

    /// <summary>SetDefaults_Volume and the defaults of each volume source.</summary>
    public static void Volume(JsonObject v)
    {
        var hasSource = false;
        foreach (var (k, val) in v)
        {
            if (k != "name" && val is not null)
            {
                hasSource = true;
                break;
            }
        }
        if (!hasSource)
        {
            v["emptyDir"] = new JsonObject();
        }
        v.Obj("secret")?.DefaultPtr("defaultMode", 420);
        v.Obj("configMap")?.DefaultPtr("defaultMode", 420);
        if (v.Obj("downwardAPI") is { } dapi)
        {
            dapi.DefaultPtr("defaultMode", 420);
            DownwardItems(dapi.Arr("items"));
        }
        if (v.Obj("projected") is { } projected)
        {
            projected.DefaultPtr("defaultMode", 420);
            var sources = projected.Arr("sources");
            for (var i = 0; i < sources.Count(); i++)
            {
                var s = sources.At(i);
                s.Obj("serviceAccountToken")?.DefaultPtr("expirationSeconds", 3600);
                DownwardItems(s.Obj("downwardAPI").Arr("items"));
            }
        }
        v.Obj("hostPath")?.DefaultPtr("type", "");
        if (v.Obj("ephemeral").Obj("volumeClaimTemplate").Obj("spec") is { } pvcSpec)
        {
            pvcSpec.DefaultPtr("volumeMode", "Filesystem");
        }
        if (v.Obj("iscsi") is { } iscsi)
        {
            iscsi.Default("iscsiInterface", "default");
        }
        if (v.Obj("rbd") is { } rbd)
        {
            rbd.Default("pool", "rbd");
            rbd.Default("user", "admin");
            rbd.Default("keyring", "/etc/ceph/keyring");
        }
        if (v.Obj("azureDisk") is { } azure)
        {
            azure.DefaultPtr("cachingMode", "ReadWrite");
            azure.DefaultPtr("fsType", "ext4");
            azure.DefaultPtr("readOnly", false);
            azure.DefaultPtr("kind", "Shared");
        }
        if (v.Obj("scaleIO") is { } scaleIo)
        {
            scaleIo.Default("storageMode", "ThinProvisioned");
            scaleIo.Default("fsType", "xfs");
        }
    }

    private static void DownwardItems(JsonArray? items)
    {
        for (var i = 0; i < items.Count(); i++)
        {
            FieldRef(items.At(i).Obj("fieldRef"));
        }
    }

    /// <summary>
    /// The tag of an image reference as parsers.ParseImageName sees it: "latest" when neither a tag
    /// nor a digest is given, "" for a digest-only or unparsable reference.
    /// </summary>
    public static string ImageTag(string image)
    {
        if (image.Length == 0 || image != image.Trim())
        {
            return "";
        }
        var name = image;
        var hasDigest = false;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            hasDigest = true;
            name = image[..at];
        }
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var tag = "";
        if (colon > lastSlash)
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }
        // Repository names must be lowercase (the registry host part may not be, nor contain a port).
        var repoStart = name.IndexOf('/', StringComparison.Ordinal);
        var repo = repoStart >= 0 && (name[..repoStart].Contains('.', StringComparison.Ordinal)
            || name[..repoStart].Contains(':', StringComparison.Ordinal) || name[..repoStart] == "localhost")
            ? name[(repoStart + 1)..]
            : name;
        if (repo.Length == 0 || repo.Any(char.IsUpper) || repo.Any(char.IsWhiteSpace))
        {
            return "";
        }
        if (tag.Length == 0 && !hasDigest)
        {
            return "latest";
        }
        return tag;
    }
}
