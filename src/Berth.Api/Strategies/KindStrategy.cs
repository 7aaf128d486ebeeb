using System.Text.Json.Nodes;
using Berth.Api.Errors;
using Berth.Api.Schema;
using Berth.Api.Validation;

namespace Berth.Api.Strategies;

/// <summary>
/// Base of the built-in strategies. They work on the JSON form directly (no model round trip, so
/// int-or-string values, timestamps and unknown fields survive unchanged); defaulting also
/// canonicalizes every resource quantity of the kind's model type as kube-apiserver's decoding does
/// (<c>1000m</c> → <c>1</c>, resource lists rounded up to milli precision).
/// </summary>
public abstract class KindStrategy : IKindStrategy
{
    private readonly TypeSchema? _schema;

    /// <param name="modelType">The <c>k8s.Models</c> type whose quantities are canonicalized; null for none.</param>
    protected KindStrategy(Type? modelType)
    {
        _schema = modelType is null ? null : TypeSchema.For(modelType);
    }

    /// <summary>Applies the kind's SetDefaults_* and canonicalizes quantities.</summary>
    /// <exception cref="StatusException">400 when a quantity is malformed, as kube's decoder answers.</exception>
    public void Default(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        SetDefaults(obj);
        if (_schema is not null)
        {
            QuantityNormalizer.Normalize(obj, _schema);
        }
    }

    /// <summary>The kind's SetDefaults_* functions, in kube's order.</summary>
    protected virtual void SetDefaults(JsonObject obj)
    {
    }

    /// <summary>
    /// The kind's create-time changes, then its defaults once more: kube-apiserver defaults every object
    /// it reads back, so fields filled after the first defaulting pass (a Job's labels from its generated
    /// template labels, a cleared PVC status's phase) are what clients see.
    /// </summary>
    public void PrepareForCreate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        BeforeCreate(obj);
        SetDefaults(obj);
    }

    /// <summary>The kind's update-time changes, then its defaults again (see <see cref="PrepareForCreate"/>).</summary>
    public void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(old);
        BeforeUpdate(obj, old);
        SetDefaults(obj);
    }

    /// <summary>PrepareForCreate of kube's strategy (status, generated fields).</summary>
    protected virtual void BeforeCreate(JsonObject obj)
    {
    }

    /// <summary>PrepareForUpdate of kube's strategy beyond the generic status and generation rules.</summary>
    protected virtual void BeforeUpdate(JsonObject obj, JsonObject old)
    {
    }

    public IReadOnlyList<FieldError> ValidateCreate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errs = new List<FieldError>();
        Validate(obj, errs);
        return errs;
    }

    public IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(old);
        var errs = new List<FieldError>();
        ValidateUpdate(obj, old, errs);
        return errs;
    }

    /// <summary>Adds every error of a new object (metadata is validated by <see cref="ObjectMetaValidator"/>).</summary>
    protected virtual void Validate(JsonObject obj, List<FieldError> errs)
    {
    }

    /// <summary>Adds every error of an update; by default the create rules.</summary>
    protected virtual void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs) => Validate(obj, errs);

    /// <summary>Replaces <c>status</c> with an empty one (kube strategies clear status on create).</summary>
    protected static void ClearStatus(JsonObject obj) => obj.Remove("status");
}
