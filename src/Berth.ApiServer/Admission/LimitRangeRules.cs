using System.Text.Json.Nodes;
using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.ApiServer.Admission;

/// <summary>
/// The rules of kube's LimitRanger admission plugin, as pure functions: LimitRange defaulting, default
/// container resources (with the <c>kubernetes.io/limit-ranger</c> annotation), and the min, max and
/// maxLimitRequestRatio checks per Container, Pod and PersistentVolumeClaim, with kube's messages.
/// </summary>
public static class LimitRangeRules
{
    public const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>
    /// kube's SetDefaults_LimitRangeItem for Container items: default limit ← max, default request ←
    /// default limit, then ← min. Applied when a LimitRange is read, so ones stored without defaulting behave the same.
    /// </summary>
    public static V1LimitRange WithDefaults(V1LimitRange lr)
    {
        foreach (var item in lr.Spec?.Limits ?? [])
        {
            if (item.Type != "Container")
            {
                continue;
            }
            item.DefaultProperty ??= new Dictionary<string, ResourceQuantity>();
            item.DefaultRequest ??= new Dictionary<string, ResourceQuantity>();
            foreach (var (k, v) in item.Max ?? new Dictionary<string, ResourceQuantity>())
            {
                item.DefaultProperty.TryAdd(k, v);
            }
            foreach (var (k, v) in item.DefaultProperty)
            {
                item.DefaultRequest.TryAdd(k, v);
            }
            foreach (var (k, v) in item.Min ?? new Dictionary<string, ResourceQuantity>())
            {
                item.DefaultRequest.TryAdd(k, v);
            }
        }
        return lr;
    }

    /// <summary>
    /// Sets the LimitRange's Container defaults on every container and init container of <paramref name="pod"/>
    /// (JSON, changed in place) that lacks them, and records what it set in the annotation
    /// (<c>LimitRanger plugin set: cpu, memory request for container web; cpu limit for container web</c>).
    /// Like kube, each LimitRange that sets something overwrites the annotation of the ones before it.
    /// </summary>
    public static bool MutatePod(JsonObject pod, V1LimitRange limitRange)
    {
        var requests = new SortedDictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new SortedDictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var item in limitRange.Spec?.Limits ?? [])
        {
            if (item.Type != "Container")
            {
                continue;
            }
            foreach (var (k, v) in item.DefaultRequest ?? new Dictionary<string, ResourceQuantity>())
            {
                requests[k] = v;
            }
            foreach (var (k, v) in item.DefaultProperty ?? new Dictionary<string, ResourceQuantity>())
            {
                limits[k] = v;
            }
        }
        if (requests.Count == 0 && limits.Count == 0 || pod["spec"] is not JsonObject spec)
        {
            return false;
        }
        var notes = new List<string>();
        Merge(spec["containers"] as JsonArray, "container", requests, limits, notes);
        Merge(spec["initContainers"] as JsonArray, "init container", requests, limits, notes);
        if (notes.Count == 0)
        {
            return false;
        }
        var meta = pod["metadata"] as JsonObject ?? new JsonObject();
        pod["metadata"] = meta;
        var annotations = meta["annotations"] as JsonObject ?? new JsonObject();
        meta["annotations"] = annotations;
        annotations[Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
        return true;
    }

    private static void Merge(JsonArray? containers, string label, SortedDictionary<string, ResourceQuantity> requests,
        SortedDictionary<string, ResourceQuantity> limits, List<string> notes)
    {
        foreach (var node in containers ?? [])
        {
            if (node is not JsonObject c)
            {
                continue;
            }
            var name = c["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            var setLimits = Fill(c, "limits", limits);
            var setRequests = Fill(c, "requests", requests);
            if (setRequests.Count > 0)
            {
                notes.Add(string.Join(", ", setRequests) + $" request for {label} {name}");
            }
            if (setLimits.Count > 0)
            {
                notes.Add(string.Join(", ", setLimits) + $" limit for {label} {name}");
            }
        }
    }

    private static List<string> Fill(JsonObject container, string field, SortedDictionary<string, ResourceQuantity> defaults)
    {
        var set = new List<string>();
        if (defaults.Count == 0)
        {
            return set;
        }
        var resources = container["resources"] as JsonObject;
        var list = resources?[field] as JsonObject;
        foreach (var (k, q) in defaults)
        {
            if (list is not null && list.ContainsKey(k))
            {
                continue;
            }
            if (resources is null)
            {
                resources = new JsonObject();
                container["resources"] = resources;
            }
            if (list is null)
            {
                list = new JsonObject();
                resources[field] = list;
            }
            list[k] = QuantityMath.Format(q);
            set.Add(k);
        }
        return set;
    }

    /// <summary>Every violation of the LimitRange's Container and Pod items by the pod, in kube's words.</summary>
    public static List<string> ValidatePod(V1Pod pod, V1LimitRange limitRange)
    {
        var errors = new List<string>();
        foreach (var item in limitRange.Spec?.Limits ?? [])
        {
            if (item.Type == "Container")
            {
                foreach (var c in (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []))
                {
                    CheckAll(item, c.Resources?.Requests, c.Resources?.Limits, errors);
                }
            }
            else if (item.Type == "Pod")
            {
                var (requests, limits) = PodTotals(pod);
                CheckAll(item, requests, limits, errors);
            }
        }
        return errors;
    }

    /// <summary>Every violation of the LimitRange's PersistentVolumeClaim items: min and max of the requests only.</summary>
    public static List<string> ValidateClaim(V1PersistentVolumeClaim pvc, V1LimitRange limitRange)
    {
        var errors = new List<string>();
        var requests = pvc.Spec?.Resources?.Requests;
        foreach (var item in limitRange.Spec?.Limits ?? [])
        {
            if (item.Type != "PersistentVolumeClaim")
            {
                continue;
            }
            foreach (var (k, v) in Sorted(item.Min))
            {
                AddIf(errors, Min(item.Type, k, v, requests, null));
            }
            foreach (var (k, v) in Sorted(item.Max))
            {
                AddIf(errors, MaxRequest(item.Type, k, v, requests));
            }
        }
        return errors;
    }

    /// <summary>utilerrors.NewAggregate(errs).Error(): one message alone, several deduplicated in brackets.</summary>
    public static string Aggregate(IReadOnlyList<string> errors)
    {
        if (errors.Count == 1)
        {
            return errors[0];
        }
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    private static void CheckAll(V1LimitRangeItem item, IDictionary<string, ResourceQuantity>? requests,
        IDictionary<string, ResourceQuantity>? limits, List<string> errors)
    {
        foreach (var (k, v) in Sorted(item.Min))
        {
            AddIf(errors, Min(item.Type, k, v, requests, limits));
        }
        foreach (var (k, v) in Sorted(item.Max))
        {
            AddIf(errors, Max(item.Type, k, v, requests, limits));
        }
        foreach (var (k, v) in Sorted(item.MaxLimitRequestRatio))
        {
            AddIf(errors, Ratio(item.Type, k, v, requests, limits));
        }
    }

    // Go iterates these maps in random order; sorted names make the message stable.
    private static IEnumerable<KeyValuePair<string, ResourceQuantity>> Sorted(IDictionary<string, ResourceQuantity>? map) =>
        map is null ? [] : map.OrderBy(p => p.Key, StringComparer.Ordinal);

    private static void AddIf(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    // requestLimitEnforcedValues: milli precision when nothing overflows it, whole units otherwise.
    private static (decimal Request, decimal Limit, decimal Enforced) Observed(ResourceQuantity? request, ResourceQuantity? limit, ResourceQuantity enforced)
    {
        var r = request?.Value() ?? 0m;
        var l = limit?.Value() ?? 0m;
        var e = enforced.Value();
        if (r <= QuantityMath.MaxMilliValue && l <= QuantityMath.MaxMilliValue && e <= QuantityMath.MaxMilliValue)
        {
            return (request?.MilliValue() ?? 0m, limit?.MilliValue() ?? 0m, enforced.MilliValue());
        }
        return (r, l, e);
    }

    private static ResourceQuantity? Get(IDictionary<string, ResourceQuantity>? list, string name) =>
        list is not null && list.TryGetValue(name, out var q) ? q : null;

    private static string? Min(string type, string name, ResourceQuantity enforced, IDictionary<string, ResourceQuantity>? requests,
        IDictionary<string, ResourceQuantity>? limits)
    {
        var req = Get(requests, name);
        var lim = Get(limits, name);
        var (r, l, e) = Observed(req, lim, enforced);
        var min = QuantityMath.Format(enforced);
        if (req is null)
        {
            return $"minimum {name} usage per {type} is {min}.  No request is specified";
        }
        if (r < e)
        {
            return $"minimum {name} usage per {type} is {min}, but request is {QuantityMath.Format(req)}";
        }
        if (lim is not null && l < e)
        {
            return $"minimum {name} usage per {type} is {min}, but limit is {QuantityMath.Format(lim)}";
        }
        return null;
    }

    private static string? Max(string type, string name, ResourceQuantity enforced, IDictionary<string, ResourceQuantity>? requests,
        IDictionary<string, ResourceQuantity>? limits)
    {
        var req = Get(requests, name);
        var lim = Get(limits, name);
        var (r, l, e) = Observed(req, lim, enforced);
        var max = QuantityMath.Format(enforced);
        if (lim is null)
        {
            return $"maximum {name} usage per {type} is {max}.  No limit is specified";
        }
        if (l > e)
        {
            return $"maximum {name} usage per {type} is {max}, but limit is {QuantityMath.Format(lim)}";
        }
        if (req is not null && r > e)
        {
            return $"maximum {name} usage per {type} is {max}, but request is {QuantityMath.Format(req)}";
        }
        return null;
    }

    private static string? MaxRequest(string type, string name, ResourceQuantity enforced, IDictionary<string, ResourceQuantity>? requests)
    {
        var req = Get(requests, name);
        var (r, _, e) = Observed(req, null, enforced);
        var max = QuantityMath.Format(enforced);
        if (req is null)
        {
            return $"maximum {name} usage per {type} is {max}.  No request is specified";
        }
        return r > e ? $"maximum {name} usage per {type} is {max}, but request is {QuantityMath.Format(req)}" : null;
    }

    private static string? Ratio(string type, string name, ResourceQuantity enforced, IDictionary<string, ResourceQuantity>? requests,
        IDictionary<string, ResourceQuantity>? limits)
    {
        var req = Get(requests, name);
        var lim = Get(limits, name);
        var (r, l, _) = Observed(req, lim, enforced);
        var max = QuantityMath.Format(enforced);
        if (req is null || r == 0)
        {
            return $"{name} max limit to request ratio per {type} is {max}, but no request is specified or request is 0";
        }
        if (lim is null || l == 0)
        {
            return $"{name} max limit to request ratio per {type} is {max}, but no limit is specified or limit is 0";
        }
        var observed = (double)l / (double)r;
        var display = observed;
        var allowed = (double)enforced.Value();
        if (enforced.Value() <= QuantityMath.MaxMilliValue)
        {
            observed *= 1000;
            allowed = (double)enforced.MilliValue();
        }
        return observed > allowed
            ? $"{name} max limit to request ratio per {type} is {max}, but provided ratio is {QuantityMath.FormatFloat(display)}"
            : null;
    }

    // The limit ranger's own pod totals: containers summed, init containers (with sidecars) as a floor;
    // unlike the quota's, without overhead or pod-level resources.
    private static (Dictionary<string, ResourceQuantity> Requests, Dictionary<string, ResourceQuantity> Limits) PodTotals(V1Pod pod)
    {
        var bare = new V1Pod
        {
            Spec = new V1PodSpec { Containers = pod.Spec?.Containers ?? [], InitContainers = pod.Spec?.InitContainers },
        };
        return (Api.Quota.PodResources.Requests(bare), Api.Quota.PodResources.Limits(bare));
    }
}
