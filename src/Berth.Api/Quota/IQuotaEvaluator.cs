using System.Text.Json.Nodes;
using k8s.Models;

namespace Berth.Api.Quota;

/// <summary>
/// Measures what one kind of object consumes of a ResourceQuota, as kube's quota.Evaluator: which quota
/// resource names it answers for, which scopes an object is in, and its usage. Used both by the
/// ResourceQuota admission plugin (one object) and by the quota controller (every object of a namespace).
/// </summary>
/// <remarks>
/// Objects are first turned into the evaluator's own form with <see cref="Decode"/> (a typed model), so a
/// caller that looks at the same object often can decode it once. Implementations are stateless and thread-safe.
/// </remarks>
public interface IQuotaEvaluator
{
    /// <summary>API group of the evaluated resource ("" for core).</summary>
    string Group { get; }

    /// <summary>Plural resource name, e.g. <c>pods</c>.</summary>
    string Resource { get; }

    /// <summary>The evaluator's form of an object; never throws (an unreadable object counts as a bare object).</summary>
    object Decode(JsonObject obj);

    /// <summary>Whether an admission operation (CREATE/UPDATE) on <paramref name="subresource"/> can change usage.</summary>
    bool Handles(string operation, string subresource, object? item, object? oldItem);

    /// <summary>The names among <paramref name="names"/> this evaluator measures.</summary>
    IReadOnlyList<string> MatchingResources(IEnumerable<string> names);

    /// <summary>Whether the object is in the scope (Terminating, BestEffort, PriorityClass…); false for kinds without scopes.</summary>
    bool MatchesScope(V1ScopedResourceSelectorRequirement scope, object item);

    /// <summary>Kube's required-field check: an error text when the object must declare a resource a quota limits, else null.</summary>
    string? Constraints(IReadOnlyCollection<string> required, object item);

    /// <summary>What the object consumes now (time matters for pods stuck terminating).</summary>
    Dictionary<string, ResourceQuantity> Usage(object item, DateTimeOffset now);
}
