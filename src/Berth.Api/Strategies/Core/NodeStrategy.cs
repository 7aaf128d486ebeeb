using System.Text.Json.Nodes;
using Berth.Api.Strategies.Pods;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Core;

/// <summary>Nodes: allocatable defaults to capacity; taints, pod CIDRs and provider ID rules.</summary>
public sealed class NodeStrategy : KindStrategy
{
    public static readonly NodeStrategy Instance = new();

    private NodeStrategy()
        : base(typeof(V1Node))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        if (obj.Obj("status") is { } status && status.Obj("allocatable") is null && status.Obj("capacity") is { } capacity)
        {
            status["allocatable"] = capacity.DeepClone();
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var spec = obj.Obj("spec");
        Taints(spec.Arr("taints"), FieldPath.New("metadata", "taints"), errs);
        Resources(obj, errs);
        var cidrs = spec.Arr("podCIDRs").Strings();
        var path = FieldPath.New("spec", "podCIDRs");
        for (var i = 0; i < cidrs.Count; i++)
        {
            Check.Cidr(cidrs[i], path.Index(i), errs);
        }
        if (cidrs.Count > 1)
        {
            var v6 = 0;
            foreach (var c in cidrs)
            {
                if (c.Contains(':', StringComparison.Ordinal))
                {
                    v6++;
                }
            }
            if (cidrs.Count > 2 || v6 != 1)
            {
                errs.Add(FieldError.Invalid(path, GoValues.StringList(cidrs), "may specify no more than one CIDR for each IP family"));
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < cidrs.Count; i++)
            {
                if (!seen.Add(cidrs[i]))
                {
                    errs.Add(FieldError.Duplicate(path.Index(i), cidrs[i]));
                }
            }
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Resources(obj, errs);
        var addresses = obj.Obj("status").Arr("addresses");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < addresses.Count(); i++)
        {
            var a = addresses.At(i);
            if (!seen.Add(a.S("type") + "/" + a.S("address")))
            {
                errs.Add(FieldError.Duplicate(FieldPath.New("status", "addresses").Index(i),
                    Check.GoStruct(("Type", a.S("type")), ("Address", a.S("address")))));
            }
        }
        var oldCidrs = old.Obj("spec").Arr("podCIDRs").Strings();
        var newCidrs = obj.Obj("spec").Arr("podCIDRs").Strings();
        const string CidrMessage = "node updates may not change podCIDR except from \"\" to valid";
        if (oldCidrs.Count > 0)
        {
            if (oldCidrs.Count != newCidrs.Count)
            {
                errs.Add(FieldError.Forbidden(FieldPath.New("spec", "podCIDRs"), CidrMessage));
            }
            else
            {
                for (var i = 0; i < oldCidrs.Count; i++)
                {
                    if (oldCidrs[i] != newCidrs[i])
                    {
                        errs.Add(FieldError.Forbidden(FieldPath.New("spec", "podCIDRs"), CidrMessage));
                    }
                }
            }
        }
        var oldProvider = old.Obj("spec").S("providerID");
        if (oldProvider.Length > 0 && oldProvider != obj.Obj("spec").S("providerID"))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"));
        }
        Taints(obj.Obj("spec").Arr("taints"), FieldPath.New("metadata", "taints"), errs);
        if (obj.Obj("spec").S("externalID") != old.Obj("spec").S("externalID"))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("spec", "externalID"), "may not be updated"));
        }
    }

    private static void Resources(JsonObject obj, List<FieldError> errs)
    {
        foreach (var field in (ReadOnlySpan<string>)["capacity", "allocatable"])
        {
            foreach (var (name, q) in ResourceNames.Read(obj.Obj("status").Obj(field)))
            {
                ResourceNames.ValidateQuantityValue(name, q, FieldPath.New("status", field, name), errs);
            }
        }
    }

    /// <summary>validateNodeTaints (kube reports them under metadata.taints).</summary>
    private static void Taints(JsonArray? taints, FieldPath path, List<FieldError> errs)
    {
        var unique = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < taints.Count(); i++)
        {
            var t = taints.At(i);
            var p = path.Index(i);
            Check.LabelName(t.S("key"), p.Child("key"), errs);
            var msgs = NameRules.LabelValue(t.S("value"));
            if (msgs.Count > 0)
            {
                errs.Add(FieldError.Invalid(p.Child("value"), t.S("value"), string.Join(";", msgs)));
            }
            var effect = t.S("effect");
            if (effect.Length == 0)
            {
                errs.Add(FieldError.Required(p.Child("effect")));
            }
            else
            {
                PodValidation.TaintEffect(effect, p.Child("effect"), errs);
            }
            if (unique.TryGetValue(effect, out var keys) && keys.Contains(t.S("key")))
            {
                errs.Add(new FieldError(FieldErrorType.Duplicate, p, Check.Json(t), "taints must be unique by key and effect pair"));
                continue;
            }
            if (!unique.TryGetValue(effect, out keys))
            {
                unique[effect] = keys = new HashSet<string>(StringComparer.Ordinal);
            }
            keys.Add(t.S("key"));
        }
    }
}
