using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.ApiExtensions;

/// <summary>
/// CustomResourceDefinitions (apiextensions.k8s.io/v1): singular and listKind default from the kind,
/// conversion None; the basic rules of the group, scope, names and versions (exactly one storage
/// version). The name rule (<c>&lt;plural&gt;.&lt;group&gt;</c>) is part of <see cref="ObjectMetaValidator"/>.
/// Schema structural validation is not covered here.
/// </summary>
public sealed class CustomResourceDefinitionStrategy : KindStrategy
{
    public static readonly CustomResourceDefinitionStrategy Instance = new();

    private CustomResourceDefinitionStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var spec = obj.Ensure("spec");
        var names = spec.Ensure("names");
        names.Default("singular", names.S("kind").ToLowerInvariant());
        if (names.S("listKind").Length == 0 && names.S("kind").Length > 0)
        {
            names["listKind"] = names.S("kind") + "List";
        }
        spec.DefaultPtr("conversion", new JsonObject { ["strategy"] = "None" });
        if (spec.Obj("conversion").Obj("webhook").Obj("clientConfig").Obj("service") is { } service)
        {
            service.DefaultPtr("port", 443);
        }
        var status = obj.Ensure("status");
        if (status.Arr("storedVersions").Count() == 0)
        {
            var versions = spec.Arr("versions");
            for (var i = 0; i < versions.Count(); i++)
            {
                if (versions.At(i).Bool("storage") == true)
                {
                    status["storedVersions"] = new JsonArray(versions.At(i).S("name"));
                    break;
                }
            }
        }
        if (status.Count == 0)
        {
            obj.Remove("status");
        }
    }

    /// <summary>Status starts empty but for the stored version (acceptedNames and conditions come from the controllers).</summary>
    protected override void BeforeCreate(JsonObject obj) => ClearStatus(obj);

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        var path = FieldPath.New("spec");
        var group = spec.S("group");
        if (group.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("group")));
        }
        else
        {
            Check.Dns1123Subdomain(group, path.Child("group"), errs);
            if (group.Split('.').Length < 2)
            {
                errs.Add(FieldError.Invalid(path.Child("group"), group, "should be a domain with at least one dot"));
            }
        }
        var scope = spec.S("scope");
        if (scope.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("scope")));
        }
        else if (scope is not ("Cluster" or "Namespaced"))
        {
            errs.Add(FieldError.NotSupported(path.Child("scope"), scope, ["Cluster", "Namespaced"]));
        }
        var versions = spec.Arr("versions");
        var storage = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count(); i++)
        {
            var v = versions.At(i);
            var name = v.S("name");
            if (v.Bool("storage") == true)
            {
                storage++;
            }
            unique &= seen.Add(name);
            var msgs = NameRules.Dns1035Label(name);
            if (msgs.Count > 0)
            {
                errs.Add(FieldError.Invalid(path.Child("versions").Index(i).Child("name"), name, string.Join(",", msgs)));
            }
        }
        if (!unique)
        {
            errs.Add(FieldError.Invalid(path.Child("versions"), Check.Json(versions), "must contain unique version names"));
        }
        if (storage != 1)
        {
            errs.Add(FieldError.Invalid(path.Child("versions"), Check.Json(versions), "must have exactly one version marked as storage version"));
        }
        var names = spec.Obj("names");
        var np = path.Child("names");
        foreach (var f in (ReadOnlySpan<string>)["plural", "singular", "kind", "listKind"])
        {
            if (names.S(f).Length == 0)
            {
                errs.Add(FieldError.Required(np.Child(f)));
            }
        }
        Names(names, np, errs);
        var conversion = spec.Obj("conversion");
        var strategy = conversion.S("strategy");
        if (conversion is not null && strategy is not ("None" or "Webhook"))
        {
            errs.Add(FieldError.NotSupported(path.Child("conversion", "strategy"), strategy, ["None", "Webhook"]));
        }
    }

    private static void Names(JsonObject? names, FieldPath path, List<FieldError> errs)
    {
        void Label(string value, FieldPath p, string prefix)
        {
            var msgs = NameRules.Dns1035Label(prefix.Length > 0 ? value.ToLowerInvariant() : value);
            if (value.Length > 0 && msgs.Count > 0)
            {
                errs.Add(FieldError.Invalid(p, value, prefix + string.Join(",", msgs)));
            }
        }
        Label(names.S("plural"), path.Child("plural"), "");
        Label(names.S("singular"), path.Child("singular"), "");
        Label(names.S("kind"), path.Child("kind"), "may have mixed case, but should otherwise match: ");
        Label(names.S("listKind"), path.Child("listKind"), "may have mixed case, but should otherwise match: ");
        var shortNames = names.Arr("shortNames").Strings();
        for (var i = 0; i < shortNames.Count; i++)
        {
            var msgs = NameRules.Dns1035Label(shortNames[i]);
            if (msgs.Count > 0)
            {
                errs.Add(FieldError.Invalid(path.Child("shortNames").Index(i), shortNames[i], string.Join(",", msgs)));
            }
        }
        if (names.S("kind").Length > 0 && names.S("kind") == names.S("listKind"))
        {
            errs.Add(FieldError.Invalid(path.Child("listKind"), names.S("listKind"), "kind and listKind may not be the same"));
        }
        var categories = names.Arr("categories").Strings();
        for (var i = 0; i < categories.Count; i++)
        {
            var msgs = NameRules.Dns1035Label(categories[i]);
            if (msgs.Count > 0)
            {
                errs.Add(FieldError.Invalid(path.Child("categories").Index(i), categories[i], string.Join(",", msgs)));
            }
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        Check.Immutable(obj.Obj("spec")?["group"], old.Obj("spec")?["group"], FieldPath.New("spec", "group"), errs);
        Check.Immutable(obj.Obj("spec").Obj("names")?["plural"], old.Obj("spec").Obj("names")?["plural"], FieldPath.New("spec", "names", "plural"), errs);
    }
}
