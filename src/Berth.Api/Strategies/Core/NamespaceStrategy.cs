using System.Text.Json.Nodes;
using Berth.Api.Validation;
using k8s.Models;

namespace Berth.Api.Strategies.Core;

/// <summary>
/// Namespaces: the <c>kubernetes.io/metadata.name</c> label, phase Active and the <c>kubernetes</c>
/// finalizer on create; <c>spec.finalizers</c> cannot be changed by an update (only through the
/// finalize subresource).
/// </summary>
public sealed class NamespaceStrategy : KindStrategy
{
    public static readonly NamespaceStrategy Instance = new();

    public const string NameLabel = "kubernetes.io/metadata.name";

    private NamespaceStrategy()
        : base(typeof(V1Namespace))
    {
    }

    protected override void SetDefaults(JsonObject obj)
    {
        var name = obj.Obj("metadata").S("name");
        if (name.Length > 0)
        {
            obj.Ensure("metadata").Ensure("labels")[NameLabel] = name;
        }
        obj.Ensure("status").Default("phase", "Active");
    }

    protected override void BeforeCreate(JsonObject obj)
    {
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        var spec = obj.Ensure("spec");
        var finalizers = spec.Arr("finalizers");
        if (finalizers is null)
        {
            spec["finalizers"] = new JsonArray("kubernetes");
        }
        else if (!finalizers.Strings().Contains("kubernetes"))
        {
            finalizers.Add("kubernetes");
        }
    }

    protected override void BeforeUpdate(JsonObject obj, JsonObject old)
    {
        var finalizers = old.Obj("spec")?["finalizers"]?.DeepClone();
        if (finalizers is null)
        {
            obj.Obj("spec")?.Remove("finalizers");
        }
        else
        {
            obj.Ensure("spec")["finalizers"] = finalizers;
        }
    }

    protected override void Validate(JsonObject obj, List<FieldError> errs)
    {
        var finalizers = obj.Obj("spec").Arr("finalizers").Strings();
        var path = FieldPath.New("spec", "finalizers");
        foreach (var f in finalizers)
        {
            Check.QualifiedName(f, path, errs);
            if (!f.Contains('/', StringComparison.Ordinal) && f is not ("kubernetes" or "orphan" or "foregroundDeletion"))
            {
                errs.Add(FieldError.Invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
    }

    /// <summary>ValidateNamespaceUpdate checks only metadata.</summary>
    protected override void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errs)
    {
    }
}
