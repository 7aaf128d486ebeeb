using System.Text.Json.Nodes;
using Berth.Api.Strategies.Batch;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Networking;

/// <summary>IngressClasses: parameters scope defaults to Cluster; the controller is immutable.</summary>
public sealed class IngressClassStrategy : KindStrategy
{
    public static readonly IngressClassStrategy Instance = new();

    private IngressClassStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        if (obj.Obj("spec").Obj("parameters") is { } parameters)
        {
            parameters.DefaultPtr("scope", "Cluster");
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        var controller = spec.S("controller");
        if (controller.Length > 250)
        {
            errs.Add(FieldError.TooLong(path.Child("controller"), 250));
        }
        JobValidation.DomainPrefixedPath(controller, path.Child("controller"), errs);
        if (spec.Obj("parameters") is { } parameters)
        {
            var pp = path.Child("parameters");
            TypedLocalObjectReference(parameters, pp, errs);
            if (parameters.Str("scope") is not { } scope)
            {
                errs.Add(FieldError.Required(pp.Child("scope")));
                return;
            }
            if (scope is not ("Cluster" or "Namespace"))
            {
                errs.Add(FieldError.NotSupported(pp.Child("scope"), scope, ["Cluster", "Namespace"]));
            }
            else if (scope == "Namespace")
            {
                if (parameters.Str("namespace") is not { } ns)
                {
                    errs.Add(FieldError.Required(pp.Child("namespace"), "`parameters.scope` is set to 'Namespace'"));
                }
                else
                {
                    Check.Dns1123Label(ns, pp.Child("namespace"), errs);
                }
            }
            else if (parameters.Has("namespace"))
            {
                errs.Add(FieldError.Forbidden(pp.Child("namespace"), "`parameters.scope` is set to 'Cluster'"));
            }
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Check.Immutable(obj.Obj("spec")?["controller"], old.Obj("spec")?["controller"], FieldPath.New("spec", "controller"), errs);
        Validate(obj, errs);
    }

    /// <summary>validateIngressTypedLocalObjectReference.</summary>
    internal static void TypedLocalObjectReference(JsonObject reference, FieldPath path, List<FieldError> errs)
    {
        if (reference.Str("apiGroup") is { } group)
        {
            Check.Dns1123Subdomain(group, path.Child("apiGroup"), errs);
        }
        foreach (var f in (ReadOnlySpan<string>)["kind", "name"])
        {
            var v = reference.S(f);
            if (v.Length == 0)
            {
                errs.Add(FieldError.Required(path.Child(f), f + " is required"));
            }
            else
            {
                foreach (var m in NameRules.PathSegmentName(v))
                {
                    errs.Add(FieldError.Invalid(path.Child(f), v, m));
                }
            }
        }
    }
}
