using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;

namespace Berth.Api.Validation;

/// <summary>
/// Validation of <c>metadata</c> common to every kind, as apimachinery's ValidateObjectMeta(Update)
/// plus core validation's finalizer rule, with each kind's name rule (DNS-1123 subdomain by default;
/// Namespace and StatefulSet DNS-1123 labels; Service DNS-1035 labels; Event and RBAC names path
/// segments; a CustomResourceDefinition must be named <c>&lt;plural&gt;.&lt;group&gt;</c>).
/// </summary>
/// <remarks>
/// Errors come in kube-apiserver's order: generateName, name, namespace, generation, labels,
/// annotations, ownerReferences, finalizers, managedFields. The REST layer runs this before the kind's
/// own <see cref="Strategies.IKindStrategy.ValidateCreate"/>, as kube's strategies validate metadata first.
/// </remarks>
public static class ObjectMetaValidator
{
    private static readonly HashSet<string> StandardFinalizers = new(StringComparer.Ordinal)
    {
        "kubernetes", "orphan", "foregroundDeletion",
    };

    /// <summary>ValidateObjectMeta for a new object (after generateName has been turned into a name).</summary>
    public static List<FieldError> ValidateCreate(JsonObject obj, ResourceInfo info)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(info);
        var errs = new List<FieldError>();
        var meta = obj.Obj("metadata");
        var path = FieldPath.New("metadata");

        var generateName = meta.S("generateName");
        if (generateName.Length > 0)
        {
            foreach (var msg in NameErrors(info, obj, generateName, prefix: true))
            {
                errs.Add(FieldError.Invalid(path.Child("generateName"), generateName, msg));
            }
        }
        var name = meta.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("name"), "name or generateName is required"));
        }
        else
        {
            foreach (var msg in NameErrors(info, obj, name, prefix: false))
            {
                errs.Add(FieldError.Invalid(path.Child("name"), name, msg));
            }
        }

        var ns = meta.S("namespace");
        if (info.Namespaced)
        {
            if (ns.Length == 0)
            {
                errs.Add(FieldError.Required(path.Child("namespace")));
            }
            else
            {
                foreach (var msg in NameRules.Dns1123Label(ns))
                {
                    errs.Add(FieldError.Invalid(path.Child("namespace"), ns, msg));
                }
            }
        }
        else if (ns.Length > 0)
        {
            errs.Add(FieldError.Forbidden(path.Child("namespace"), "not allowed on this type"));
        }

        Check.Nonnegative(meta.Int("generation"), path.Child("generation"), errs);
        ValidateCommon(meta, info, path, errs);
        return errs;
    }

    /// <summary>ValidateObjectMetaUpdate: immutable identity fields plus the syntax rules of <see cref="ValidateCreate"/>.</summary>
    /// <remarks>
    /// As kube-apiserver, an empty <c>metadata.resourceVersion</c> is rejected; the REST layer fills it
    /// (and uid, creationTimestamp) from the stored object for unconditional updates before calling this.
    /// </remarks>
    public static List<FieldError> ValidateUpdate(JsonObject obj, JsonObject old, ResourceInfo info)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(info);
        var errs = new List<FieldError>();
        var meta = obj.Obj("metadata");
        var oldMeta = old.Obj("metadata");
        var path = FieldPath.New("metadata");

        if (oldMeta.Has("deletionTimestamp"))
        {
            var oldFinalizers = new HashSet<string>(oldMeta.Arr("finalizers").Strings(), StringComparer.Ordinal);
            var extra = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var f in meta.Arr("finalizers").Strings())
            {
                if (!oldFinalizers.Contains(f))
                {
                    extra.Add(f);
                }
            }
            if (extra.Count > 0)
            {
                errs.Add(FieldError.Forbidden(path.Child("finalizers"),
                    "no new finalizers can be added if the object is being deleted, found new finalizers " + GoStringSlice(extra)));
            }
        }
        if (meta.S("resourceVersion").Length == 0)
        {
            errs.Add(FieldError.Invalid(path.Child("resourceVersion"), "", "must be specified for an update"));
        }
        var generation = meta.Int("generation") ?? 0;
        if (generation < (oldMeta.Int("generation") ?? 0))
        {
            errs.Add(FieldError.Invalid(path.Child("generation"), generation, "must not be decremented"));
        }
        foreach (var f in (ReadOnlySpan<string>)["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"])
        {
            var n = meta?[f];
            var o = oldMeta?[f];
            if (!JsonAccess.SemanticEquals(n, o))
            {
                errs.Add(FieldError.Invalid(path.Child(f), Check.Render(n), Check.FieldImmutableErrorMsg));
            }
        }
        ValidateCommon(meta, info, path, errs);
        return errs;
    }

    private static void ValidateCommon(JsonObject? meta, ResourceInfo info, FieldPath path, List<FieldError> errs)
    {
        Check.Labels(meta.Obj("labels"), path.Child("labels"), errs);
        Check.Annotations(meta.Obj("annotations"), path.Child("annotations"), errs);
        ValidateOwnerReferences(meta.Arr("ownerReferences"), path.Child("ownerReferences"), errs);

        var finalizers = meta.Arr("finalizers").Strings();
        var finalizersPath = path.Child("finalizers");
        bool orphan = false, foreground = false;
        foreach (var f in finalizers)
        {
            Check.QualifiedName(f, finalizersPath, errs);
            orphan |= f == "orphan";
            foreground |= f == "foregroundDeletion";
        }
        if (orphan && foreground)
        {
            errs.Add(FieldError.Invalid(finalizersPath, GoValues.StringList(finalizers), "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        ValidateManagedFields(meta.Arr("managedFields"), path.Child("managedFields"), errs);

        // core/validation adds the legacy finalizer rule for the built-in kinds it validates.
        if (info.ModelType is not null && !IsEvent(info))
        {
            for (var i = 0; i < finalizers.Count; i++)
            {
                if (!finalizers[i].Contains('/', StringComparison.Ordinal) && !StandardFinalizers.Contains(finalizers[i]))
                {
                    errs.Add(FieldError.Invalid(finalizersPath.Index(i), finalizers[i], "name is neither a standard finalizer name nor is it fully qualified"));
                }
            }
        }
    }

    private static bool IsEvent(ResourceInfo info) =>
        info.Resource == "events" && info.Group is "" or "events.k8s.io";

    /// <summary>The name rule of a resource, in kube's words (empty when valid).</summary>
    public static List<string> NameErrors(ResourceInfo info, JsonObject obj, string name, bool prefix)
    {
        ArgumentNullException.ThrowIfNull(info);
        var n = prefix ? NameRules.MaskTrailingDash(name) : name;
        switch (info.Group, info.Resource)
        {
            case ("", "namespaces"):
            case ("apps", "statefulsets"):
                return NameRules.Dns1123Label(n);
            case ("", "services"):
                return NameRules.Dns1035Label(n);
            case ("", "events"):
            case ("events.k8s.io", "events"):
            case ("rbac.authorization.k8s.io", _):
            case ("", "bindings"):
                return NameRules.PathSegmentName(name);
            case ("apiextensions.k8s.io", "customresourcedefinitions"):
                var errs = new List<string>(NameRules.Dns1123Subdomain(n));
                var spec = obj.Obj("spec");
                if (name != spec.Obj("names").S("plural") + "." + spec.S("group"))
                {
                    errs.Add("must be spec.names.plural+\".\"+spec.group");
                }
                return errs;
            default:
                return NameRules.Dns1123Subdomain(n);
        }
    }

    private static void ValidateOwnerReferences(JsonArray? refs, FieldPath path, List<FieldError> errs)
    {
        string? firstController = null;
        for (var i = 0; i < refs.Count(); i++)
        {
            var r = refs.At(i);
            var apiVersion = r.S("apiVersion");
            var kind = r.S("kind");
            if (VersionOf(apiVersion).Length == 0)
            {
                errs.Add(FieldError.Invalid(path.Child("apiVersion"), apiVersion, "version must not be empty"));
            }
            if (kind.Length == 0)
            {
                errs.Add(FieldError.Invalid(path.Child("kind"), kind, "must not be empty"));
            }
            if (r.S("name").Length == 0)
            {
                errs.Add(FieldError.Invalid(path.Child("name"), r.S("name"), "must not be empty"));
            }
            if (r.S("uid").Length == 0)
            {
                errs.Add(FieldError.Invalid(path.Child("uid"), r.S("uid"), "must not be empty"));
            }
            if (apiVersion == "v1" && kind == "Event")
            {
                errs.Add(FieldError.Invalid(path, Check.Json(r), "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (r.Bool("controller") == true)
            {
                var cur = kind + "/" + r.S("name");
                if (firstController is not null)
                {
                    errs.Add(FieldError.Invalid(path, Check.Json(refs),
                        $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {cur}"));
                }
                else
                {
                    firstController = cur;
                }
            }
        }
    }

    // schema.ParseGroupVersion: "v1" → version v1; "apps/v1" → v1; more than one '/' is an error.
    private static string VersionOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        if (slash < 0)
        {
            return apiVersion;
        }
        return apiVersion.IndexOf('/', slash + 1) >= 0 ? "" : apiVersion[(slash + 1)..];
    }

    private static void ValidateManagedFields(JsonArray? entries, FieldPath path, List<FieldError> errs)
    {
        for (var i = 0; i < entries.Count(); i++)
        {
            var e = entries.At(i);
            var p = path.Index(i);
            var op = e.S("operation");
            if (op is not ("Apply" or "Update"))
            {
                errs.Add(FieldError.Invalid(p.Child("operation"), op, "must be `Apply` or `Update`"));
            }
            var fieldsType = e.S("fieldsType");
            if (fieldsType.Length > 0 && fieldsType != "FieldsV1")
            {
                errs.Add(FieldError.Invalid(p.Child("fieldsType"), fieldsType, "must be `FieldsV1`"));
            }
            var manager = e.S("manager");
            if (manager.Length > 128)
            {
                errs.Add(FieldError.TooLong(p.Child("manager"), 128));
            }
            foreach (var c in manager)
            {
                if (char.IsControl(c))
                {
                    errs.Add(FieldError.Invalid(p.Child("manager"), manager, "must only contain printable characters"));
                    break;
                }
            }
            if (e.S("subresource").Length > 256)
            {
                errs.Add(FieldError.TooLong(p.Child("subresource"), 256));
            }
        }
    }

    // Go's %#v of a []string: []string{"a", "b"}.
    private static string GoStringSlice(IEnumerable<string> items)
    {
        var sb = new StringBuilder("[]string{");
        var first = true;
        foreach (var s in items)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            sb.Append(GoValues.Quote(s));
        }
        return sb.Append('}').ToString();
    }
}
