using System.Text.Json.Nodes;
using Berth.Api.Json;
using Berth.Api.Validation;

namespace Berth.Api.Strategies;

/// <summary>
/// A strategy written against a <c>k8s.Models</c> type: the JSON object is converted to
/// <typeparamref name="T"/>, changed or checked, and (for the mutating steps) written back in place.
/// </summary>
public abstract class TypedStrategy<T> : IKindStrategy where T : class
{
    public void Default(JsonObject obj) => Mutate(obj, Default);

    public void PrepareForCreate(JsonObject obj) => Mutate(obj, PrepareForCreate);

    public void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
        var typedOld = KubeJson.Deserialize<T>(old);
        Mutate(obj, o => PrepareForUpdate(o, typedOld));
    }

    public IReadOnlyList<FieldError> ValidateCreate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        ValidateCreate(KubeJson.Deserialize<T>(obj), errors);
        return errors;
    }

    public IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        var errors = new List<FieldError>();
        ValidateUpdate(KubeJson.Deserialize<T>(obj), KubeJson.Deserialize<T>(old), errors);
        return errors;
    }

    /// <summary>Applies defaults in place.</summary>
    protected virtual void Default(T obj)
    {
    }

    protected virtual void PrepareForCreate(T obj)
    {
    }

    protected virtual void PrepareForUpdate(T obj, T old)
    {
    }

    /// <summary>Adds every error of a new object to <paramref name="errors"/>.</summary>
    protected virtual void ValidateCreate(T obj, List<FieldError> errors)
    {
    }

    /// <summary>Adds every error of an update; by default the create rules.</summary>
    protected virtual void ValidateUpdate(T obj, T old, List<FieldError> errors) => ValidateCreate(obj, errors);

    private static void Mutate(JsonObject obj, Action<T> change)
    {
        var typed = KubeJson.Deserialize<T>(obj);
        change(typed);
        var updated = KubeJson.ToNode(typed);
        obj.Clear();
        foreach (var (k, v) in updated.ToList())
        {
            updated.Remove(k);
            obj[k] = v;
        }
    }
}
