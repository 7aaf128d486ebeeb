using System.Collections.Concurrent;

namespace Berth.Api.Quota;

/// <summary>
/// The evaluators by group-resource: pods, services and persistent volume claims have their own; configmaps,
/// secrets, replicationcontrollers and resourcequotas are counted under their legacy names too; every other
/// resource gets an <see cref="ObjectCountEvaluator"/> on first use (kube's quota registry plus the
/// evaluators that quota admission and the controller create on demand). Thread-safe.
/// </summary>
public sealed class QuotaRegistry
{
    private readonly ConcurrentDictionary<(string Group, string Resource), IQuotaEvaluator> _evaluators = new();

    public QuotaRegistry()
    {
        foreach (var e in new IQuotaEvaluator[]
        {
            new PodEvaluator(),
            new ServiceEvaluator(),
            new PersistentVolumeClaimEvaluator(),
            new ObjectCountEvaluator("", "configmaps", "configmaps"),
            new ObjectCountEvaluator("", "secrets", "secrets"),
            new ObjectCountEvaluator("", "replicationcontrollers", "replicationcontrollers"),
            new ObjectCountEvaluator("", "resourcequotas", "resourcequotas"),
        })
        {
            _evaluators[(e.Group, e.Resource)] = e;
        }
    }

    /// <summary>Resources whose objects quota never counts (kube ignores events).</summary>
    public static bool Ignored(string group, string resource) => group.Length == 0 && resource == "events";

    /// <summary>The evaluator of a group-resource, creating an object counter for one seen the first time.</summary>
    public IQuotaEvaluator Get(string group, string resource) =>
        _evaluators.GetOrAdd((group, resource), k => new ObjectCountEvaluator(k.Group, k.Resource));

    /// <summary>
    /// The evaluators that measure at least one of <paramref name="names"/> (a quota's hard resources):
    /// the built-in ones that match, plus an object counter for each <c>count/&lt;resource&gt;[.&lt;group&gt;]</c>.
    /// </summary>
    public IReadOnlyList<IQuotaEvaluator> For(IEnumerable<string> names)
    {
        var list = names.ToList();
        var result = new List<IQuotaEvaluator>();
        foreach (var e in _evaluators.Values)
        {
            if (e.MatchingResources(list).Count > 0)
            {
                result.Add(e);
            }
        }
        foreach (var n in list)
        {
            if (!n.StartsWith("count/", StringComparison.Ordinal) || n.Length == 6)
            {
                continue;
            }
            var gr = n[6..];
            var dot = gr.IndexOf('.', StringComparison.Ordinal);
            var e = dot < 0 ? Get("", gr) : Get(gr[(dot + 1)..], gr[..dot]);
            if (!result.Contains(e))
            {
                result.Add(e);
            }
        }
        return result;
    }
}
