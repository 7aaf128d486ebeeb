using Berth.Api.Errors;
using Berth.Api.Quantities;
using Berth.Api.Quota;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// kube's quota CheckRequest as a pure function: which quotas an object falls under, the required-resource
/// constraints (<c>failed quota: …: must specify …</c>), and the new usage of each quota with the object
/// admitted, or 403 <c>exceeded quota: …, requested: …, used: …, limited: …</c>. Updates are charged by
/// what they add (never less than nothing); an update that enters a quota's scope is charged in full.
/// </summary>
public static class QuotaCheck
{
    /// <summary>The new <c>status.used</c> of each quota (by index) the admission charges; empty when none changes.</summary>
    /// <exception cref="StatusException">403 Forbidden when a quota is exceeded or a constraint is not met.</exception>
    public static Dictionary<int, Dictionary<string, ResourceQuantity>> Check(IReadOnlyList<QuotaState> quotas, IQuotaEvaluator evaluator,
        QuotaSubject subject, DateTimeOffset now)
    {
        var result = new Dictionary<int, Dictionary<string, ResourceQuantity>>();
        var interesting = new List<int>();
        for (var i = 0; i < quotas.Count; i++)
        {
            var q = quotas[i];
            if (!QuotaUsage.Matches(evaluator, q.Hard.Keys, q.Scopes, subject.Item))
            {
                continue;
            }
            var restricted = evaluator.MatchingResources(q.Hard.Keys);
            if (evaluator.Constraints(restricted, subject.Item) is { } constraint)
            {
                throw Forbidden(subject, $"failed quota: {q.Name}: {constraint}");
            }
            var missing = restricted.Where(r => !q.Used.ContainsKey(r)).OrderBy(r => r, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw Forbidden(subject, $"status unknown for quota: {q.Name}, resources: {string.Join(",", missing)}");
            }
            interesting.Add(i);
        }
        if (interesting.Count == 0)
        {
            return result;
        }
        var input = evaluator.Usage(subject.Item, now);
        var negative = ResourceLists.Negative(input);
        if (negative.Count > 0)
        {
            throw Forbidden(subject, $"quota usage is negative for resource(s): {string.Join(",", negative)}");
        }
        var deltas = new Dictionary<int, Dictionary<string, ResourceQuantity>>();
        foreach (var i in interesting)
        {
            deltas[i] = input;
        }
        if (subject.Operation == "UPDATE" && subject.OldItem is not null)
        {
            var delta = ResourceLists.SubtractWithNonNegativeResult(input, evaluator.Usage(subject.OldItem, now));
            foreach (var i in interesting)
            {
                // The old object counted in this quota already: charge what grew. Else it enters the quota now.
                if (QuotaUsage.Matches(evaluator, quotas[i].Hard.Keys, quotas[i].Scopes, subject.OldItem))
                {
                    deltas[i] = delta;
                }
            }
        }
        foreach (var i in interesting)
        {
            var q = quotas[i];
            var requested = ResourceLists.Mask(ResourceLists.RemoveZeros(deltas[i]), q.Hard.Keys);
            if (requested.Count == 0)
            {
                continue;
            }
            var newUsage = ResourceLists.Add(q.Used, requested);
            var (ok, exceeded) = ResourceLists.LessThanOrEqual(ResourceLists.Mask(newUsage, requested.Keys), q.Hard);
            if (!ok)
            {
                throw Forbidden(subject,
                    $"exceeded quota: {q.Name}, requested: {ResourceLists.PrettyPrint(ResourceLists.Mask(requested, exceeded))}, "
                    + $"used: {ResourceLists.PrettyPrint(ResourceLists.Mask(q.Used, exceeded))}, "
                    + $"limited: {ResourceLists.PrettyPrint(ResourceLists.Mask(q.Hard, exceeded))}");
            }
            result[i] = newUsage;
        }
        return result;
    }

    private static StatusException Forbidden(QuotaSubject s, string message) => StatusException.Forbidden(s.Resource, s.Group, s.Name, message);
}
