using System.Globalization;
using k8s.Models;

namespace Berth.Controllers.DaemonSets;

/// <summary>
/// The node checks a DaemonSet makes for itself (kube's daemon predicates): nodeName, nodeSelector,
/// required node affinity (labels and metadata.name fields) and taints against tolerations.
/// </summary>
public static class NodePredicates
{
    /// <summary>The pod's nodeSelector and required node affinity both match the node.</summary>
    public static bool FitsNodeAffinity(V1PodSpec spec, V1Node node)
    {
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        if (spec.NodeSelector is { } selector)
        {
            foreach (var (k, v) in selector)
            {
                if (!labels.TryGetValue(k, out var have) || have != v)
                {
                    return false;
                }
            }
        }
        var terms = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is null)
        {
            return true;
        }
        // Terms are ORed; an empty term matches nothing.
        foreach (var term in terms)
        {
            if (TermMatches(term, labels, node.Metadata.Name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TermMatches(V1NodeSelectorTerm term, IDictionary<string, string> labels, string nodeName)
    {
        var any = false;
        foreach (var r in term.MatchExpressions ?? [])
        {
            any = true;
            if (!RequirementMatches(r, labels.TryGetValue(r.Key, out var v) ? v : null))
            {
                return false;
            }
        }
        foreach (var r in term.MatchFields ?? [])
        {
            any = true;
            if (r.Key != "metadata.name" || !RequirementMatches(r, nodeName))
            {
                return false;
            }
        }
        return any;
    }

    private static bool RequirementMatches(V1NodeSelectorRequirement r, string? value) => r.OperatorProperty switch
    {
        "In" => value is not null && (r.Values?.Contains(value) ?? false),
        "NotIn" => value is null || !(r.Values?.Contains(value) ?? false),
        "Exists" => value is not null,
        "DoesNotExist" => value is null,
        "Gt" => value is not null && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            && r.Values is [var gt] && long.TryParse(gt, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b) && a > b,
        "Lt" => value is not null && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c)
            && r.Values is [var lt] && long.TryParse(lt, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) && c < d,
        _ => false,
    };

    /// <summary>Toleration.ToleratesTaint.</summary>
    public static bool Tolerates(V1Toleration t, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(t.Effect) && t.Effect != taint.Effect)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(t.Key) && t.Key != taint.Key)
        {
            return false;
        }
        return t.OperatorProperty switch
        {
            null or "" or "Equal" => (t.Value ?? "") == (taint.Value ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    /// <summary>The first taint with an effect <paramref name="effects"/> selects that no toleration tolerates, or null.</summary>
    public static V1Taint? UntoleratedTaint(IEnumerable<V1Taint>? taints, IList<V1Toleration>? tolerations, Func<V1Taint, bool> effects)
    {
        foreach (var taint in taints ?? [])
        {
            if (!effects(taint))
            {
                continue;
            }
            if (!(tolerations ?? []).Any(t => Tolerates(t, taint)))
            {
                return taint;
            }
        }
        return null;
    }
}
