using System.Text.Json.Nodes;
using Berth.Api.Validation;

namespace Berth.Api.Strategies;

/// <summary>
/// The per-kind rules of the REST pipeline, like kube-apiserver's registry strategies: defaulting
/// (SetDefaults_*), create/update preparation and validation. Implementations are stateless and
/// thread-safe. Generic rules (status and generation handling, ObjectMeta validation) live in the
/// REST layer and run in addition to these.
/// </summary>
/// <remarks>
/// Order on create: decode → <see cref="Default"/> → admission (mutating) → <see cref="PrepareForCreate"/>
/// → <see cref="ValidateCreate"/> → admission (validating, quota) → store.
/// On update and patch the same with the old object.
/// </remarks>
public interface IKindStrategy
{
    /// <summary>Fills defaulted fields in place, as Kubernetes does when it decodes an object.</summary>
    void Default(JsonObject obj);

    /// <summary>Create-time changes beyond defaults (e.g. a Pod's status.phase Pending and qosClass).</summary>
    void PrepareForCreate(JsonObject obj);

    /// <summary>Update-time changes beyond the generic status/generation rules.</summary>
    void PrepareForUpdate(JsonObject obj, JsonObject old);

    /// <summary>Every error of a new object (spec-level; ObjectMeta is validated generically).</summary>
    IReadOnlyList<FieldError> ValidateCreate(JsonObject obj);

    /// <summary>Every error of an updated object, including changes to immutable fields.</summary>
    IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old);
}

/// <summary>The strategy of kinds with no rules of their own.</summary>
public class DefaultStrategy : IKindStrategy
{
    public static readonly DefaultStrategy Instance = new();

    public virtual void Default(JsonObject obj)
    {
    }

    public virtual void PrepareForCreate(JsonObject obj)
    {
    }

    public virtual void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
    }

    public virtual IReadOnlyList<FieldError> ValidateCreate(JsonObject obj) => [];

    public virtual IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old) => [];
}
