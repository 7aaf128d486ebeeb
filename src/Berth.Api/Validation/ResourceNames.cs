using System.Text.Json.Nodes;

namespace Berth.Api.Validation;

/// <summary>
/// Resource name rules of core/helper and core/validation (validateResourceName,
/// validateContainerResourceName, ValidateResourceQuotaResourceName) and quantity checks.
/// </summary>
public static class ResourceNames
{
    private static readonly HashSet<string> Standard = new(StringComparer.Ordinal)
    {
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
        "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
        "services.nodeports", "services.loadbalancers",
    };

    private static readonly HashSet<string> StandardContainer = new(StringComparer.Ordinal) { "cpu", "memory", "ephemeral-storage" };

    private static readonly HashSet<string> StandardQuota = new(StringComparer.Ordinal)
    {
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
        "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
        "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
        "services.nodeports", "services.loadbalancers",
    };

    private static readonly HashSet<string> Integer = new(StringComparer.Ordinal)
    {
        "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
        "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
    };

    public static bool IsHugePage(string name) => name.StartsWith("hugepages-", StringComparison.Ordinal);

    private static bool IsQuotaHugePage(string name) => IsHugePage(name) || name.StartsWith("requests.hugepages-", StringComparison.Ordinal);

    /// <summary>Unprefixed names and names under kubernetes.io/ are native.</summary>
    public static bool IsNative(string name) =>
        !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    public static bool IsExtended(string name) =>
        !IsNative(name) && !name.StartsWith("requests.", StringComparison.Ordinal) && NameRules.QualifiedName("requests." + name).Count == 0;

    /// <summary>Native resources other than huge pages may have requests below limits.</summary>
    public static bool IsOvercommitAllowed(string name) => IsNative(name) && !IsHugePage(name);

    public static bool IsInteger(string name) => Integer.Contains(name) || IsExtended(name);

    public static bool IsStandard(string name) => Standard.Contains(name) || IsQuotaHugePage(name);

    public static bool IsStandardQuota(string name) => StandardQuota.Contains(name) || IsQuotaHugePage(name);

    /// <summary>validateResourceName.</summary>
    public static void ValidateResourceName(string name, FieldPath path, List<FieldError> errs)
    {
        var before = errs.Count;
        foreach (var msg in NameRules.QualifiedName(name))
        {
            errs.Add(FieldError.Invalid(path, name, msg));
        }
        if (errs.Count > before)
        {
            return;
        }
        if (!name.Contains('/', StringComparison.Ordinal) && !IsStandard(name))
        {
            errs.Add(FieldError.Invalid(path, name, "must be a standard resource type or fully qualified"));
        }
    }

    /// <summary>validateContainerResourceName.</summary>
    public static void ValidateContainerResourceName(string name, FieldPath path, List<FieldError> errs)
    {
        ValidateResourceName(name, path, errs);
        if (!name.Contains('/', StringComparison.Ordinal))
        {
            if (!StandardContainer.Contains(name) && !IsHugePage(name))
            {
                errs.Add(FieldError.Invalid(path, name, "must be a standard resource for containers"));
            }
        }
        else if (!IsNative(name) && !IsExtended(name))
        {
            errs.Add(FieldError.Invalid(path, name, "doesn't follow extended resource name standard"));
        }
    }

    /// <summary>ValidateResourceQuotaResourceName.</summary>
    public static void ValidateQuotaResourceName(string name, FieldPath path, List<FieldError> errs)
    {
        ValidateResourceName(name, path, errs);
        if (!name.Contains('/', StringComparison.Ordinal) && !IsStandardQuota(name))
        {
            errs.Add(FieldError.Invalid(path, name, "must be a standard resource for quota"));
        }
    }

    /// <summary>ValidateResourceQuantityValue: not negative; whole numbers for countable resources.</summary>
    public static void ValidateQuantityValue(string resource, Quantity q, FieldPath path, List<FieldError> errs)
    {
        if (q.Sign < 0)
        {
            errs.Add(FieldError.Invalid(path, q.ToString(), Check.IsNegativeErrorMsg));
        }
        if (IsInteger(resource) && q.MilliValue() % 1000 != 0)
        {
            errs.Add(FieldError.Invalid(path, q.ToString(), "must be an integer"));
        }
    }

    /// <summary>Reads a resource list (map of quantities) in document order; malformed values are skipped.</summary>
    public static List<(string Name, Quantity Value)> Read(JsonObject? list)
    {
        var result = new List<(string, Quantity)>(list?.Count ?? 0);
        if (list is not null)
        {
            foreach (var (k, v) in list)
            {
                if (Check.ReadQuantity(v) is { } q)
                {
                    result.Add((k, q));
                }
            }
        }
        return result;
    }

    public static Quantity? Get(JsonObject? list, string name) => Check.ReadQuantity(list?[name]);
}
