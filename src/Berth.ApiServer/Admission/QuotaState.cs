using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>One ResourceQuota as admission sees it: its limits, scopes and the usage recorded so far.</summary>
public sealed record QuotaState(string Name, IDictionary<string, ResourceQuantity> Hard,
    IReadOnlyList<V1ScopedResourceSelectorRequirement> Scopes, IDictionary<string, ResourceQuantity> Used);
