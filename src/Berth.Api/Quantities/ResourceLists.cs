using System.Text.Json.Nodes;
using k8s.Models;

namespace Berth.Api.Quantities;

/// <summary>
/// Operations on resource lists (resource name → quantity), as k8s.io/apiserver/pkg/quota/v1's
/// resources.go: add, subtract, mask, compare and print. Inputs may be null (an empty list); results are
/// new dictionaries with ordinal keys.
/// </summary>
public static class ResourceLists
{
    public static Dictionary<string, ResourceQuantity> Empty() => new(StringComparer.Ordinal);

    /// <summary>A shallow copy (quantities are treated as immutable).</summary>
    public static Dictionary<string, ResourceQuantity> Copy(IDictionary<string, ResourceQuantity>? a)
    {
        var r = Empty();
        if (a is not null)
        {
            foreach (var (k, v) in a)
            {
                r[k] = v;
            }
        }
        return r;
    }

    /// <summary>a + b for every name in either.</summary>
    public static Dictionary<string, ResourceQuantity> Add(IDictionary<string, ResourceQuantity>? a, IDictionary<string, ResourceQuantity>? b)
    {
        var r = Copy(a);
        AddInto(r, b);
        return r;
    }

    /// <summary>Adds <paramref name="b"/> into <paramref name="target"/> in place.</summary>
    public static void AddInto(Dictionary<string, ResourceQuantity> target, IDictionary<string, ResourceQuantity>? b)
    {
        if (b is null)
        {
            return;
        }
        foreach (var (k, v) in b)
        {
            target[k] = target.TryGetValue(k, out var cur) ? QuantityMath.Add(cur, v) : v;
        }
    }

    /// <summary>Sets each name of <paramref name="b"/> in <paramref name="target"/> to the larger value.</summary>
    public static void MaxInto(Dictionary<string, ResourceQuantity> target, IDictionary<string, ResourceQuantity>? b)
    {
        if (b is null)
        {
            return;
        }
        foreach (var (k, v) in b)
        {
            if (!target.TryGetValue(k, out var cur) || QuantityMath.Compare(v, cur) > 0)
            {
                target[k] = v;
            }
        }
    }

    /// <summary>a - b for every name in either (names only in b become -b).</summary>
    public static Dictionary<string, ResourceQuantity> Subtract(IDictionary<string, ResourceQuantity>? a, IDictionary<string, ResourceQuantity>? b)
    {
        var r = Copy(a);
        if (b is not null)
        {
            foreach (var (k, v) in b)
            {
                r[k] = QuantityMath.Subtract(r.TryGetValue(k, out var cur) ? cur : QuantityMath.Zero, v);
            }
        }
        return r;
    }

    /// <summary>a - b, with every result below zero (and every name only in b) set to zero.</summary>
    public static Dictionary<string, ResourceQuantity> SubtractWithNonNegativeResult(IDictionary<string, ResourceQuantity>? a,
        IDictionary<string, ResourceQuantity>? b)
    {
        var r = Empty();
        if (a is not null)
        {
            foreach (var (k, v) in a)
            {
                var q = b is not null && b.TryGetValue(k, out var other) ? QuantityMath.Subtract(v, other) : v;
                r[k] = q.Sign() > 0 ? q : QuantityMath.Zero;
            }
        }
        if (b is not null)
        {
            foreach (var k in b.Keys)
            {
                r.TryAdd(k, QuantityMath.Zero);
            }
        }
        return r;
    }

    /// <summary>The entries of <paramref name="a"/> whose names are in <paramref name="names"/>.</summary>
    public static Dictionary<string, ResourceQuantity> Mask(IDictionary<string, ResourceQuantity>? a, IEnumerable<string> names)
    {
        var r = Empty();
        if (a is null)
        {
            return r;
        }
        foreach (var n in names)
        {
            if (a.TryGetValue(n, out var v))
            {
                r[n] = v;
            }
        }
        return r;
    }

    /// <summary>
    /// True when every name of <paramref name="b"/> that <paramref name="a"/> has is ≤ in a; otherwise false
    /// and the names that exceed (quota.LessThanOrEqual).
    /// </summary>
    public static (bool Ok, List<string> Exceeded) LessThanOrEqual(IDictionary<string, ResourceQuantity>? a, IDictionary<string, ResourceQuantity>? b)
    {
        var exceeded = new List<string>();
        if (a is not null && b is not null)
        {
            foreach (var (k, limit) in b)
            {
                if (a.TryGetValue(k, out var v) && QuantityMath.Compare(v, limit) > 0)
                {
                    exceeded.Add(k);
                }
            }
        }
        exceeded.Sort(StringComparer.Ordinal);
        return (exceeded.Count == 0, exceeded);
    }

    /// <summary>Same names with equal values (quota.Equals).</summary>
    public static bool Equal(IDictionary<string, ResourceQuantity>? a, IDictionary<string, ResourceQuantity>? b)
    {
        var ac = a?.Count ?? 0;
        var bc = b?.Count ?? 0;
        if (ac != bc)
        {
            return false;
        }
        if (ac == 0)
        {
            return true;
        }
        foreach (var (k, v) in a!)
        {
            if (!b!.TryGetValue(k, out var other) || QuantityMath.Compare(v, other) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The list without its zero entries.</summary>
    public static Dictionary<string, ResourceQuantity> RemoveZeros(IDictionary<string, ResourceQuantity>? a)
    {
        var r = Empty();
        if (a is not null)
        {
            foreach (var (k, v) in a)
            {
                if (!v.IsZero())
                {
                    r[k] = v;
                }
            }
        }
        return r;
    }

    /// <summary>The names with a negative value.</summary>
    public static List<string> Negative(IDictionary<string, ResourceQuantity>? a)
    {
        var r = new List<string>();
        if (a is not null)
        {
            foreach (var (k, v) in a)
            {
                if (v.Sign() < 0)
                {
                    r.Add(k);
                }
            }
        }
        r.Sort(StringComparer.Ordinal);
        return r;
    }

    /// <summary><c>name=value</c> pairs sorted by name and joined with commas, as kube's quota errors print them.</summary>
    public static string PrettyPrint(IDictionary<string, ResourceQuantity>? a)
    {
        if (a is null || a.Count == 0)
        {
            return "";
        }
        var keys = a.Keys.ToList();
        keys.Sort(StringComparer.Ordinal);
        return string.Join(",", keys.Select(k => k + "=" + QuantityMath.Format(a[k])));
    }

    /// <summary>The list as a JSON object, names sorted, quantities in canonical form.</summary>
    public static JsonObject ToJson(IDictionary<string, ResourceQuantity>? list)
    {
        var o = new JsonObject();
        if (list is not null)
        {
            foreach (var k in list.Keys.Order(StringComparer.Ordinal))
            {
                o[k] = QuantityMath.Format(list[k]);
            }
        }
        return o;
    }

    /// <summary>Reads a JSON object of quantity strings, skipping entries that are not quantities.</summary>
    public static Dictionary<string, ResourceQuantity> FromJson(JsonNode? node)
    {
        var r = Empty();
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                // YAML without quotes gives numbers; Kubernetes reads those as quantities too.
                var text = v is JsonValue jv && jv.TryGetValue<string>(out var str) ? str
                    : v?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.ToJsonString() : null;
                if (QuantityMath.TryParse(text, out var q))
                {
                    r[k] = q;
                }
            }
        }
        return r;
    }
}
