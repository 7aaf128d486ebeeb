using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Rbac;

/// <summary>Roles and ClusterRoles: every rule needs verbs, and resource rules need API groups and resources.</summary>
public sealed class RbacRoleStrategy : KindStrategy
{
    public static readonly RbacRoleStrategy Role = new(namespaced: true);
    public static readonly RbacRoleStrategy ClusterRole = new(namespaced: false);

    private readonly bool _namespaced;

    private RbacRoleStrategy(bool namespaced)
        : base(null)
    {
        _namespaced = namespaced;
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var rules = obj.Arr("rules");
        for (var i = 0; i < rules.Count(); i++)
        {
            PolicyRule(rules.At(i), _namespaced, FieldPath.New("rules").Index(i), errs);
        }
        if (!_namespaced && obj.Obj("aggregationRule") is { } aggregation)
        {
            var selectors = aggregation.Arr("clusterRoleSelectors");
            if (selectors.Count() == 0)
            {
                errs.Add(FieldError.Required(FieldPath.New("aggregationRule", "clusterRoleSelectors"),
                    "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }
            for (var i = 0; i < selectors.Count(); i++)
            {
                LabelSelectorValidation.Validate(selectors.At(i), FieldPath.New("aggregationRule", "clusterRoleSelectors").Index(i), errs);
            }
        }
    }

    private static void PolicyRule(JsonObject? rule, bool namespaced, FieldPath path, List<FieldError> errs)
    {
        if (rule.Arr("verbs").Count() == 0)
        {
            errs.Add(FieldError.Required(path.Child("verbs"), "verbs must contain at least one value"));
        }
        var urls = rule.Arr("nonResourceURLs").Strings();
        if (urls.Count > 0)
        {
            if (namespaced)
            {
                errs.Add(FieldError.Invalid(path.Child("nonResourceURLs"), GoValues.StringList(urls), "namespaced rules cannot apply to non-resource URLs"));
            }
            if (rule.Arr("apiGroups").Count() > 0 || rule.Arr("resources").Count() > 0 || rule.Arr("resourceNames").Count() > 0)
            {
                errs.Add(FieldError.Invalid(path.Child("nonResourceURLs"), GoValues.StringList(urls), "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return;
        }
        if (rule.Arr("apiGroups").Count() == 0)
        {
            errs.Add(FieldError.Required(path.Child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (rule.Arr("resources").Count() == 0)
        {
            errs.Add(FieldError.Required(path.Child("resources"), "resource rules must supply at least one resource"));
        }
    }
}
