using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Rbac;

/// <summary>RoleBindings and ClusterRoleBindings: roleRef and subject rules; roleRef cannot change.</summary>
public sealed class RbacBindingStrategy : KindStrategy
{
    public static readonly RbacBindingStrategy RoleBinding = new(namespaced: true);
    public static readonly RbacBindingStrategy ClusterRoleBinding = new(namespaced: false);

    private const string Group = "rbac.authorization.k8s.io";

    private readonly bool _namespaced;

    private RbacBindingStrategy(bool namespaced)
        : base(null)
    {
        _namespaced = namespaced;
    }

    protected override void SetDefaults(JsonObject obj)
    {
        obj.Ensure("roleRef").Default("apiGroup", Group);
        var subjects = obj.Arr("subjects");
        for (var i = 0; i < subjects.Count(); i++)
        {
            if (subjects.At(i) is { } s && s.S("apiGroup").Length == 0 && s.S("kind") is "User" or "Group")
            {
                s["apiGroup"] = Group;
            }
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var roleRef = obj.Obj("roleRef");
        if (roleRef.S("apiGroup") != Group)
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("roleRef", "apiGroup"), roleRef.S("apiGroup"), [Group]));
        }
        var kind = roleRef.S("kind");
        string[] kinds = _namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
        if (Array.IndexOf(kinds, kind) < 0)
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("roleRef", "kind"), kind, kinds));
        }
        var name = roleRef.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("roleRef", "name")));
        }
        else
        {
            foreach (var m in NameRules.PathSegmentName(name))
            {
                errs.Add(FieldError.Invalid(FieldPath.New("roleRef", "name"), name, m));
            }
        }
        var subjects = obj.Arr("subjects");
        for (var i = 0; i < subjects.Count(); i++)
        {
            Subject(subjects.At(i), FieldPath.New("subjects").Index(i), errs);
        }
    }

    private void Subject(JsonObject? subject, FieldPath path, List<FieldError> errs)
    {
        var name = subject.S("name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required(path.Child("name")));
        }
        var apiGroup = subject.S("apiGroup");
        switch (subject.S("kind"))
        {
            case "ServiceAccount":
                if (name.Length > 0)
                {
                    Check.Dns1123Subdomain(name, path.Child("name"), errs);
                }
                if (apiGroup.Length > 0)
                {
                    errs.Add(FieldError.NotSupported(path.Child("apiGroup"), apiGroup, [""]));
                }
                if (!_namespaced && subject.S("namespace").Length == 0)
                {
                    errs.Add(FieldError.Required(path.Child("namespace")));
                }
                break;
            case "User" or "Group":
                if (apiGroup != Group)
                {
                    errs.Add(FieldError.NotSupported(path.Child("apiGroup"), apiGroup, [Group]));
                }
                break;
            default:
                errs.Add(FieldError.NotSupported(path.Child("kind"), subject.S("kind"), ["ServiceAccount", "User", "Group"]));
                break;
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        var roleRef = obj.Obj("roleRef");
        var oldRef = old.Obj("roleRef");
        if (roleRef.S("apiGroup") != oldRef.S("apiGroup") || roleRef.S("kind") != oldRef.S("kind") || roleRef.S("name") != oldRef.S("name"))
        {
            errs.Add(FieldError.Invalid(FieldPath.New("roleRef"),
                Check.GoStruct(("APIGroup", roleRef.S("apiGroup")), ("Kind", roleRef.S("kind")), ("Name", roleRef.S("name"))), "cannot change roleRef"));
        }
    }
}
