using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies.Storage;

/// <summary>StorageClasses: reclaimPolicy Delete, volumeBindingMode Immediate; everything but labels is immutable.</summary>
public sealed class StorageClassStrategy : KindStrategy
{
    public static readonly StorageClassStrategy Instance = new();

    private StorageClassStrategy()
        : base(null)
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        obj.DefaultPtr("reclaimPolicy", "Delete");
        obj.DefaultPtr("volumeBindingMode", "Immediate");
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var provisioner = obj.S("provisioner");
        if (provisioner.Length == 0)
        {
            errs.Add(FieldError.Required(FieldPath.New("provisioner"), provisioner));
        }
        else
        {
            if (provisioner.Length > 63)
            {
                errs.Add(FieldError.TooLong(FieldPath.New("provisioner"), 63));
            }
            foreach (var m in NameRules.QualifiedName(provisioner.ToLowerInvariant()))
            {
                errs.Add(FieldError.Invalid(FieldPath.New("provisioner"), provisioner, m));
            }
        }
        if (obj.Obj("parameters") is { } parameters)
        {
            if (parameters.Count > 512)
            {
                errs.Add(FieldError.TooLong(FieldPath.New("parameters"), 512));
            }
            long total = 0;
            foreach (var (k, v) in parameters)
            {
                if (k.Length == 0)
                {
                    errs.Add(FieldError.Invalid(FieldPath.New("parameters"), k, "field can not be empty."));
                }
                total += k.Length + (JsonAccess.AsString(v)?.Length ?? 0);
            }
            if (total > 256 * 1024)
            {
                errs.Add(FieldError.TooLong(FieldPath.New("parameters"), 256 * 1024));
            }
        }
        if (obj.Str("reclaimPolicy") is { } rp && rp is not ("Delete" or "Retain"))
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("reclaimPolicy"), rp, ["Delete", "Retain"]));
        }
        if (obj.Str("volumeBindingMode") is { } mode && mode is not ("Immediate" or "WaitForFirstConsumer"))
        {
            errs.Add(FieldError.NotSupported(FieldPath.New("volumeBindingMode"), mode, ["Immediate", "WaitForFirstConsumer"]));
        }
    }

    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
        Validate(obj, errs);
        if (!JsonAccess.SemanticEquals(obj["parameters"], old["parameters"]))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("parameters"), "updates to parameters are forbidden."));
        }
        if (obj.S("provisioner") != old.S("provisioner"))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("provisioner"), "updates to provisioner are forbidden."));
        }
        if (obj.S("reclaimPolicy") != old.S("reclaimPolicy"))
        {
            errs.Add(FieldError.Forbidden(FieldPath.New("reclaimPolicy"), "updates to reclaimPolicy are forbidden."));
        }
        Check.Immutable(obj["volumeBindingMode"], old["volumeBindingMode"], FieldPath.New("volumeBindingMode"), errs);
    }
}
