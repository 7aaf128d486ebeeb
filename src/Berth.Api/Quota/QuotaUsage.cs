using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Usage of a whole namespace against one quota (kube's quota.CalculateUsage and CalculateUsageStats),
/// and whether a quota applies to an object (generic.Matches).
/// </summary>
public static class QuotaUsage
{
    /// <summary>A quota's scopes as selector requirements: each of spec.scopes as Exists, then spec.scopeSelector's expressions.</summary>
    public static IReadOnlyList<V1ScopedResourceSelectorRequirement> Scopes(V1ResourceQuotaSpec? spec)
    {
        var result = new List<V1ScopedResourceSelectorRequirement>();
        foreach (var s in spec?.Scopes ?? [])
        {
            result.Add(new V1ScopedResourceSelectorRequirement { ScopeName = s, OperatorProperty = "Exists" });
        }
        result.AddRange(spec?.ScopeSelector?.MatchExpressions ?? []);
        return result;
    }

    /// <summary>Whether every scope holds for the item.</summary>
    public static bool InScopes(IQuotaEvaluator evaluator, IReadOnlyList<V1ScopedResourceSelectorRequirement> scopes, object item)
    {
        foreach (var s in scopes)
        {
            if (!evaluator.MatchesScope(s, item))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the quota limits at least one resource the evaluator measures and the item is in all its scopes.</summary>
    public static bool Matches(IQuotaEvaluator evaluator, IEnumerable<string> hardNames, IReadOnlyList<V1ScopedResourceSelectorRequirement> scopes,
        object item) =>
        evaluator.MatchingResources(hardNames).Count > 0 && InScopes(evaluator, scopes, item);

    /// <summary>
    /// The usage of every resource in <paramref name="hard"/> that some evaluator measures, summed over the
    /// namespace's objects in the quota's scopes. <paramref name="items"/> gives an evaluator's objects of the
    /// namespace, already decoded with <see cref="IQuotaEvaluator.Decode"/>.
    /// </summary>
    public static Dictionary<string, ResourceQuantity> Calculate(IEnumerable<string> hard, IReadOnlyList<V1ScopedResourceSelectorRequirement> scopes,
        QuotaRegistry registry, Func<IQuotaEvaluator, IEnumerable<object>> items, DateTimeOffset now)
    {
        var hardNames = hard.ToList();
        var used = ResourceLists.Empty();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evaluator in registry.For(hardNames))
        {
            var names = evaluator.MatchingResources(hardNames);
            var stats = ResourceLists.Empty();
            foreach (var n in names)
            {
                matched.Add(n);
                stats[n] = QuantityMath.Zero;
            }
            foreach (var item in items(evaluator))
            {
                if (InScopes(evaluator, scopes, item))
                {
                    ResourceLists.AddInto(stats, evaluator.Usage(item, now));
                }
            }
            ResourceLists.AddInto(used, stats);
        }
        return ResourceLists.Mask(used, matched);
    }
}
