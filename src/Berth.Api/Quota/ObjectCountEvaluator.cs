using System.Text.Json.Nodes;
using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Counts objects of any resource as <c>count/&lt;resource&gt;.&lt;group&gt;</c> (and a legacy alias such as
/// <c>configmaps</c>), charged on create only (kube's generic objectCountEvaluator).
/// </summary>
public sealed class ObjectCountEvaluator : IQuotaEvaluator
{
    private readonly string[] _names;

    public ObjectCountEvaluator(string group, string resource, string? alias = null)
    {
        Group = group;
        Resource = resource;
        _names = alias is null ? [CountName(group, resource)] : [CountName(group, resource), alias];
    }

    public string Group { get; }

    public string Resource { get; }

    /// <summary><c>count/pods</c> for core resources, <c>count/deployments.apps</c> otherwise.</summary>
    public static string CountName(string group, string resource) =>
        string.IsNullOrEmpty(group) ? "count/" + resource : "count/" + resource + "." + group;

    public object Decode(JsonObject obj) => obj;

    public bool Handles(string operation, string subresource, object? item, object? oldItem) => operation == "CREATE";

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) => names.Where(n => _names.Contains(n)).ToList();

    public bool MatchesScope(V1ScopedResourceSelectorRequirement scope, object item) => false;

    public string? Constraints(IReadOnlyCollection<string> required, object item) => null;

    public Dictionary<string, ResourceQuantity> Usage(object item, DateTimeOffset now)
    {
        var r = ResourceLists.Empty();
        foreach (var n in _names)
        {
            r[n] = QuantityMath.Count(1);
        }
        return r;
    }
}
