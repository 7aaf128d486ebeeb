using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Networking;

/// <summary>Ingresses (networking.k8s.io/v1): rules, paths (pathType required), TLS hosts, backends.</summary>
public sealed class IngressStrategy : KindStrategy
{
    public static readonly IngressStrategy Instance = new();

    private static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
    private static readonly string[] InvalidSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidSuffixes = ["/..", "/."];

    private IngressStrategy()
        : base(typeof(V1Ingress))
    {
    }

    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), allowInvalidSecretName: false, allowInvalidWildcardHostRule: false, errs);
        var annotation = obj.Obj("metadata").Obj("annotations").Str("kubernetes.io/ingress.class");
        if (annotation is not null && obj.Obj("spec").Str("ingressClassName") is { } className && annotation != className)
        {
            errs.Add(FieldError.Invalid(FieldPath.New("annotations", "kubernetes.io/ingress.class"), annotation, "must match `ingressClassName` when both are specified"));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        var oldSpec = old.Obj("spec");
        var allowSecret = false;
        var tls = oldSpec.Arr("tls");
        for (var i = 0; i < tls.Count(); i++)
        {
            var name = tls.At(i).S("secretName");
            allowSecret |= name.Length > 0 && NameRules.Dns1123Subdomain(name).Count > 0;
        }
        var allowWildcard = false;
        var rules = oldSpec.Arr("rules");
        for (var i = 0; i < rules.Count(); i++)
        {
            var probe = new List<FieldError>();
            if (rules.At(i).S("host").Contains('*', StringComparison.Ordinal))
            {
                RuleValue(rules.At(i), FieldPath.Root, probe);
                allowWildcard |= probe.Count > 0;
            }
        }
        ValidateSpec(obj.Obj("spec"), FieldPath.New("spec"), allowSecret, allowWildcard, errs);
    }

    private static void ValidateSpec(JsonObject? spec, FieldPath path, bool allowInvalidSecretName, bool allowInvalidWildcardHostRule, List<FieldError> errs)
    {
        var rules = spec.Arr("rules");
        if (rules.Count() == 0 && !spec.Has("defaultBackend"))
        {
            errs.Add(FieldError.Invalid(path, rules is null ? null : Check.Json(rules), "either `defaultBackend` or `rules` must be specified"));
        }
        if (spec.Obj("defaultBackend") is { } backend)
        {
            Backend(backend, path.Child("defaultBackend"), errs);
        }
        for (var i = 0; i < rules.Count(); i++)
        {
            var rule = rules.At(i);
            var rp = path.Child("rules").Index(i);
            var host = rule.S("host");
            var wildcard = false;
            if (host.Length > 0)
            {
                if (NameRules.ParseIp(host) is not null)
                {
                    errs.Add(FieldError.Invalid(rp.Child("host"), host, "must be a DNS name, not an IP address"));
                }
                if (host.Contains('*', StringComparison.Ordinal))
                {
                    foreach (var m in NameRules.WildcardDns1123Subdomain(host))
                    {
                        errs.Add(FieldError.Invalid(rp.Child("host"), host, m));
                    }
                    wildcard = true;
                }
                else
                {
                    Check.Dns1123Subdomain(host, rp.Child("host"), errs);
                }
            }
            if (!wildcard || !allowInvalidWildcardHostRule)
            {
                RuleValue(rule, rp, errs);
            }
        }
        var tls = spec.Arr("tls");
        for (var i = 0; i < tls.Count(); i++)
        {
            var t = tls.At(i);
            var tp = path.Child("tls").Index(i);
            var hosts = t.Arr("hosts").Strings();
            for (var j = 0; j < hosts.Count; j++)
            {
                if (hosts[j].Contains('*', StringComparison.Ordinal))
                {
                    foreach (var m in NameRules.WildcardDns1123Subdomain(hosts[j]))
                    {
                        errs.Add(FieldError.Invalid(tp.Child("hosts").Index(j), hosts[j], m));
                    }
                    continue;
                }
                Check.Dns1123Subdomain(hosts[j], tp.Child("hosts").Index(j), errs);
            }
            var secret = t.S("secretName");
            if (!allowInvalidSecretName && secret.Length > 0)
            {
                Check.Dns1123Subdomain(secret, tp.Child("secretName"), errs);
            }
        }
        if (spec.Str("ingressClassName") is { } className)
        {
            Check.Dns1123Subdomain(className, path.Child("ingressClassName"), errs);
        }
    }

    private static void RuleValue(JsonObject? rule, FieldPath path, List<FieldError> errs)
    {
        if (rule.Obj("http") is not { } http)
        {
            return;
        }
        var hp = path.Child("http");
        var paths = http.Arr("paths");
        if (paths.Count() == 0)
        {
            errs.Add(FieldError.Required(hp.Child("paths")));
        }
        for (var i = 0; i < paths.Count(); i++)
        {
            HttpPath(paths.At(i) ?? new JsonObject(), hp.Child("paths").Index(i), errs);
        }
    }

    private static void HttpPath(JsonObject p, FieldPath path, List<FieldError> errs)
    {
        if (p.Str("pathType") is not { } pathType)
        {
            errs.Add(FieldError.Required(path.Child("pathType"), "pathType must be specified"));
            return;
        }
        var value = p.S("path");
        switch (pathType)
        {
            case "Exact" or "Prefix":
                if (!value.StartsWith('/'))
                {
                    errs.Add(FieldError.Invalid(path.Child("path"), value, "must be an absolute path"));
                }
                if (value.Length > 0)
                {
                    foreach (var seq in InvalidSequences)
                    {
                        if (value.Contains(seq, StringComparison.Ordinal))
                        {
                            errs.Add(FieldError.Invalid(path.Child("path"), value, $"must not contain '{seq}'"));
                        }
                    }
                    foreach (var suffix in InvalidSuffixes)
                    {
                        if (value.EndsWith(suffix, StringComparison.Ordinal))
                        {
                            errs.Add(FieldError.Invalid(path.Child("path"), value, $"cannot end with '{suffix}'"));
                        }
                    }
                }
                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/'))
                {
                    errs.Add(FieldError.Invalid(path.Child("path"), value, "must be an absolute path"));
                }
                break;
            default:
                errs.Add(FieldError.NotSupported(path.Child("pathType"), pathType, PathTypes));
                break;
        }
        Backend(p.Obj("backend"), path.Child("backend"), errs);
    }

    private static void Backend(JsonObject? backend, FieldPath path, List<FieldError> errs)
    {
        var resource = backend.Obj("resource");
        var service = backend.Obj("service");
        if (resource is not null && service is not null)
        {
            errs.Add(FieldError.Invalid(path, "", "cannot set both resource and service backends"));
            return;
        }
        if (resource is not null)
        {
            IngressClassStrategy.TypedLocalObjectReference(resource, path.Child("resource"), errs);
            return;
        }
        if (service is null)
        {
            errs.Add(FieldError.Invalid(path, "", "resource or service backend is required"));
            return;
        }
        var name = service.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("service", "name")));
        }
        else
        {
            foreach (var m in NameRules.Dns1035Label(name))
            {
                errs.Add(FieldError.Invalid(path.Child("service", "name"), name, m));
            }
        }
        var port = service.Obj("port");
        var portName = port.S("name");
        var portNumber = port.Int("number") ?? 0;
        if (portName.Length > 0 && portNumber != 0)
        {
            errs.Add(FieldError.Invalid(path, "", "cannot set both port name & port number"));
        }
        else if (portName.Length > 0)
        {
            foreach (var m in NameRules.PortName(portName))
            {
                errs.Add(FieldError.Invalid(path.Child("service", "port", "name"), portName, m));
            }
        }
        else if (portNumber != 0)
        {
            if (!NameRules.IsValidPortNum(portNumber))
            {
                errs.Add(FieldError.Invalid(path.Child("service", "port", "number"), portNumber, NameRules.PortRangeError));
            }
        }
        else
        {
            errs.Add(FieldError.Required(path, "port name or number is required"));
        }
    }
}
