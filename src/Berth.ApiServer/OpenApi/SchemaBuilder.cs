using System.Reflection;
using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.Api.Schema;
using k8s.Models;

namespace Berth.ApiServer.OpenApi;

/// <summary>
/// Collects the schema definitions one OpenAPI document needs: each model type reached from the roots it is
/// asked for, named as Kubernetes names it, plus the apimachinery scalars (Time, Quantity, IntOrString…) and the
/// custom resource schemas.
/// </summary>
/// <remarks>
/// Shapes follow kube-apiserver's output: in v3 an annotated reference is <c>{"allOf":[{"$ref":…}],"description":…}</c>,
/// in v2 <c>{"$ref":…,"description":…}</c>; top-level kinds carry <c>x-kubernetes-group-version-kind</c>; list and
/// merge semantics come from <see cref="PatchMetadata"/>. Not thread-safe: one builder per document.
/// </remarks>
internal sealed class SchemaBuilder(OpenApiFlavor flavor, IReadOnlyList<(string Group, string Version)> servedGroupVersions)
{
    private readonly SortedDictionary<string, JsonObject> _definitions = new(StringComparer.Ordinal);

    public OpenApiFlavor Flavor => flavor;

    /// <summary>The definitions gathered so far, by name, in ordinal order.</summary>
    public IReadOnlyDictionary<string, JsonObject> Definitions => _definitions;

    private string RefPrefix => flavor == OpenApiFlavor.V3 ? "#/components/schemas/" : "#/definitions/";

    /// <summary>A bare reference to definition <paramref name="name"/>.</summary>
    public JsonObject Ref(string name) => new() { ["$ref"] = RefPrefix + name };

    /// <summary>
    /// A reference with sibling annotations in this flavor's style (allOf-wrapped in v3).
    /// </summary>
    public JsonObject AnnotatedRef(string name, string? description, params (string Key, JsonNode? Value)[] extra)
    {
        if (description is null && extra.Length == 0)
        {
            return Ref(name);
        }
        var entries = new List<(string, JsonNode?)>(extra) { ("description", description) };
        if (flavor == OpenApiFlavor.V3)
        {
            entries.Add(("allOf", new JsonArray(Ref(name))));
        }
        else
        {
            entries.Add(("$ref", RefPrefix + name));
        }
        return Json.Obj([.. entries]);
    }

    /// <summary>Adds the definition of a model type (and everything it references); returns its name.</summary>
    public string Add(Type modelType)
    {
        var name = DefinitionNames.For(modelType);
        if (_definitions.ContainsKey(name))
        {
            return name;
        }
        // Registered before its properties are built so recursive types (JSONSchemaProps) terminate.
        var definition = new JsonObject();
        _definitions[name] = definition;
        Fill(definition, modelType);
        return name;
    }

    /// <summary>Adds one of the apimachinery/apiextensions definitions that have no model class; returns its name.</summary>
    public string AddSpecial(string name)
    {
        if (_definitions.ContainsKey(name))
        {
            return name;
        }
        var v3 = flavor == OpenApiFlavor.V3;
        _definitions[name] = name switch
        {
            DefinitionNames.Time => Json.Obj(("description", KubeTexts.Time), ("format", "date-time"), ("type", "string")),
            DefinitionNames.MicroTime => Json.Obj(("description", KubeTexts.MicroTime), ("format", "date-time"), ("type", "string")),
            // Kubernetes publishes the scalar unions as oneOf in v3 and as their string form in v2.
            DefinitionNames.IntOrString => v3
                ? Json.Obj(("description", KubeTexts.IntOrString), ("format", "int-or-string"),
                    ("oneOf", new JsonArray(Json.Obj(("type", "integer")), Json.Obj(("type", "string")))))
                : Json.Obj(("description", KubeTexts.IntOrString), ("format", "int-or-string"), ("type", "string")),
            DefinitionNames.Quantity => v3
                ? Json.Obj(("description", KubeTexts.Quantity),
                    ("oneOf", new JsonArray(Json.Obj(("type", "string")), Json.Obj(("type", "number")))))
                : Json.Obj(("description", KubeTexts.Quantity), ("type", "string")),
            DefinitionNames.RawExtension => Json.Obj(("description", KubeTexts.RawExtension), ("type", "object")),
            DefinitionNames.FieldsV1 => Json.Obj(("description", KubeTexts.FieldsV1), ("type", "object")),
            DefinitionNames.Patch => Json.Obj(("description", KubeTexts.Patch), ("type", "object")),
            DefinitionNames.Json => Json.Obj(("description", KubeTexts.Json)),
            DefinitionNames.JsonSchemaPropsOrArray => Json.Obj(("description", KubeTexts.JsonSchemaPropsOrArray)),
            DefinitionNames.JsonSchemaPropsOrBool => Json.Obj(("description", KubeTexts.JsonSchemaPropsOrBool)),
            DefinitionNames.JsonSchemaPropsOrStringArray => Json.Obj(("description", KubeTexts.JsonSchemaPropsOrStringArray)),
            DefinitionNames.CustomResourceSubresourceStatus => Json.Obj(("description", KubeTexts.CustomResourceSubresourceStatus), ("type", "object")),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a special definition"),
        };
        return name;
    }

    /// <summary>Adds the definitions of a custom resource and its list; returns (kind name, list name).</summary>
    public (string Name, string ListName) AddCustom(ResourceInfo resource)
    {
        var name = DefinitionNames.ForCustom(resource.Group, resource.Version, resource.Kind);
        var listName = DefinitionNames.ForCustom(resource.Group, resource.Version, resource.ListKind);
        if (_definitions.ContainsKey(name))
        {
            return (name, listName);
        }
        var objectMeta = Add(typeof(V1ObjectMeta));
        var listMeta = Add(typeof(V1ListMeta));
        _definitions[name] = CustomResourceSchemas.Kind(resource, this, objectMeta);
        _definitions[listName] = Json.Obj(
            ("description", resource.ListKind + " is a list of " + resource.Kind),
            ("properties", Json.Obj(
                ("apiVersion", Json.Obj(("description", KubeTexts.ApiVersionField), ("type", "string"))),
                ("items", Json.Obj(
                    ("description", "List of " + resource.Resource + ". More info: https://git.k8s.io/community/contributors/devel/api-conventions.md"),
                    ("items", Ref(name)),
                    ("type", "array"))),
                ("kind", Json.Obj(("description", KubeTexts.KindField), ("type", "string"))),
                ("metadata", AnnotatedRef(listMeta, KubeTexts.ListMetadataField)))),
            ("required", Json.Strings(["items"])),
            ("type", "object"),
            ("x-kubernetes-group-version-kind", new JsonArray(Json.Gvk(resource.Group, resource.Version, resource.ListKind))));
        return (name, listName);
    }

    private void Fill(JsonObject definition, Type modelType)
    {
        // The description goes in first: properties of recursive types compare against it (see Property).
        if (ModelDocs.ForType(modelType) is { } description)
        {
            definition.Add("description", description);
        }
        var schema = TypeSchema.For(modelType);
        var properties = new JsonObject();
        foreach (var property in schema.Properties.Values.OrderBy(p => p.JsonName, StringComparer.Ordinal))
        {
            properties[property.JsonName] = Property(modelType, property);
        }
        var required = SchemaFacts.Required(modelType).Where(schema.Properties.ContainsKey).ToList();
        if (properties.Count > 0)
        {
            definition.Add("properties", properties);
        }
        if (required.Count > 0)
        {
            definition.Add("required", Json.Strings(required));
        }
        definition.Add("type", "object");
        if (GroupVersionKinds(modelType) is { } gvks)
        {
            definition.Add("x-kubernetes-group-version-kind", gvks);
        }
        if (SchemaFacts.IsAtomicStruct(modelType))
        {
            definition.Add("x-kubernetes-map-type", "atomic");
        }
    }

    private JsonArray? GroupVersionKinds(Type modelType)
    {
        // DeleteOptions and WatchEvent are registered in every group-version, and Kubernetes lists them all.
        if (modelType == typeof(V1DeleteOptions) || modelType == typeof(V1WatchEvent))
        {
            var kind = modelType == typeof(V1DeleteOptions) ? "DeleteOptions" : "WatchEvent";
            var all = new SortedSet<(string, string)>(servedGroupVersions) { ("", "v1") };
            var array = new JsonArray();
            foreach (var (g, v) in all)
            {
                array.Add(Json.Gvk(g, v, kind));
            }
            return array;
        }
        return modelType.GetCustomAttribute<KubernetesEntityAttribute>() is { } e
            ? new JsonArray(Json.Gvk(e.Group ?? "", e.ApiVersion, e.Kind))
            : null;
    }

    private JsonObject Property(Type declaringType, PropertySchema property)
    {
        var description = ModelDocs.ForProperty(declaringType, property.Property.Name);
        var extensions = PatchExtensions(property.Patch);
        var shape = Shape(property.Type, declaringType, property.JsonName);
        if (description is not null && description == ReferencedDescription(shape))
        {
            // KubernetesClient documents a property that Kubernetes leaves undescribed with its type's description.
            description = null;
        }
        if (shape.Count == 1 && shape["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>()[RefPrefix.Length..];
            return AnnotatedRef(name, description, extensions);
        }
        if (property.Type.Kind == SchemaKind.String && EnumFacts.For(declaringType, property.JsonName) is { } values)
        {
            description = EnumFacts.Describe(description, values);
            shape["enum"] = Json.Strings(values.Select(v => v.Value));
        }
        shape["description"] = description;
        foreach (var (key, value) in extensions)
        {
            shape[key] = value;
        }
        if (description is null)
        {
            shape.Remove("description");
        }
        Json.SortKeys(shape);
        return shape;
    }

    // The description of the definition a shape refers to (through array items and map values), if any.
    private string? ReferencedDescription(JsonObject shape)
    {
        while (true)
        {
            if (shape["$ref"] is JsonValue reference)
            {
                var name = reference.GetValue<string>()[RefPrefix.Length..];
                return _definitions.TryGetValue(name, out var definition) ? definition["description"]?.GetValue<string>() : null;
            }
            if ((shape["items"] ?? shape["additionalProperties"]) is JsonObject inner)
            {
                shape = inner;
                continue;
            }
            return null;
        }
    }

    private static (string, JsonNode?)[] PatchExtensions(PatchMeta? meta)
    {
        if (meta is null)
        {
            return [];
        }
        var list = new List<(string, JsonNode?)>(4);
        if (meta.ListMapKeys is { Count: > 0 } keys)
        {
            list.Add(("x-kubernetes-list-map-keys", Json.Strings(keys)));
        }
        if (meta.ListType is { } listType)
        {
            list.Add(("x-kubernetes-list-type", listType));
        }
        if (meta.MergeKey is { } mergeKey)
        {
            list.Add(("x-kubernetes-patch-merge-key", mergeKey));
        }
        if (meta.Strategy is { } strategy)
        {
            list.Add(("x-kubernetes-patch-strategy", strategy));
        }
        return [.. list];
    }

    // The schema of a value of the given shape, without description.
    private JsonObject Shape(TypeSchema type, Type declaringType, string jsonName)
    {
        switch (type.Kind)
        {
            case SchemaKind.String:
                return Json.Obj(("type", "string"));
            case SchemaKind.Integer:
                var clr = Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType;
                return Json.Obj(("format", clr == typeof(long) ? "int64" : "int32"), ("type", "integer"));
            case SchemaKind.Number:
                return Json.Obj(("format", "double"), ("type", "number"));
            case SchemaKind.Boolean:
                return Json.Obj(("type", "boolean"));
            case SchemaKind.Bytes:
                return Json.Obj(("format", "byte"), ("type", "string"));
            case SchemaKind.DateTime:
                return Ref(AddSpecial(SchemaFacts.IsMicroTime(declaringType, jsonName) ? DefinitionNames.MicroTime : DefinitionNames.Time));
            case SchemaKind.IntOrString:
                return Ref(AddSpecial(DefinitionNames.IntOrString));
            case SchemaKind.Quantity:
                return Ref(AddSpecial(DefinitionNames.Quantity));
            case SchemaKind.Any:
                return SchemaFacts.NamedAny(declaringType, jsonName) is { } named
                    ? Ref(AddSpecial(named))
                    : Json.Obj(("type", "object"));
            case SchemaKind.Object:
                return Ref(Add(Nullable.GetUnderlyingType(type.ClrType) ?? type.ClrType));
            case SchemaKind.Array:
                return Json.Obj(("items", Shape(type.Items!, declaringType, jsonName)), ("type", "array"));
            case SchemaKind.Map:
                return Json.Obj(("additionalProperties", Shape(type.Items!, declaringType, jsonName)), ("type", "object"));
            default:
                return Json.Obj(("type", "object"));
        }
    }
}
